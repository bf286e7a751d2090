import {
  isInputRequiredResult,
  ProtocolErrorCode,
  specTypeSchemas,
  type CallToolResult,
  type JSONRPCMessage,
  type LoggingLevel,
  type McpServer,
  type MessageExtraInfo,
  type Notification,
  type RequestId,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { LoadedTool } from '../modules/normalize.js';
import type { RequestLimit } from '../transports/request-limit.js';
import { CallCancellation } from './cancellation.js';
import { cancelledRequest, isPlainTextResult, plainToolCall, type PlainToolCall } from './plain-tool-call.js';
import type { Runtime } from './runtime.js';
import { onConnection } from './shared-definitions.js';
import { runTool } from './tool-call.js';

export interface CallLaneOptions {
  runtime: Runtime;
  /** The transport's label in the request metrics. */
  transport: string;
  /** The connection's server once a 2025-era client has initialized it; undefined before that and on the 2026 era. */
  session(): McpServer | undefined;
  /** Writes an answer to the client, through a transport that keeps the answer gap (answer-gap.ts). */
  send(message: JSONRPCMessage): Promise<void>;
  /** Serves a message the usual way, through the SDK. */
  pass(message: unknown, extra: MessageExtraInfo | undefined): void;
  /** The transport's own concurrency limit, when it has one that the lane's calls count against. */
  limit?: RequestLimit | undefined;
}

interface LaneCall {
  cancellation: CallCancellation;
  signal: AbortSignal | undefined;
  release: (() => void) | undefined;
}

/** Tools that asked for input once: the lane leaves their calls to the SDK from then on. */
const asksForInput = new WeakSet<object>();

/**
 * Answers the plain `tools/call` requests of a 2025-era connection (stdio, or a Streamable HTTP
 * session) without the SDK's request dispatch,
 * which costs more than a short tool takes to run (a request context, an abort signal, the request
 * and result validated against the wire schemas). A call qualifies only when the SDK would have
 * nothing else to do for it: a 2025-era session, no task, no request state, a local tool without an
 * output schema, valid arguments. The tool runs through the same runTool as every other call (same
 * timeout, faults, metrics, ctx); progress and log messages go out through the connection's server;
 * a client's cancellation aborts it and leaves it unanswered, as the SDK does. A tool that asks for
 * input is handed to the SDK, which turns the ask into requests to the client: that call runs its
 * first round again there (a round before an ask must be repeatable anyway, as the protocol re-enters
 * the tool with the answers), and the lane leaves that tool to the SDK from then on.
 */
export class CallLane {
  private readonly calls = new Map<RequestId, LaneCall>();

  constructor(private readonly options: CallLaneOptions) {}

  /**
   * Serves `message` when the lane can; true when it did (the message then goes no further). `extra`:
   * what the transport would have given the SDK with it.
   */
  take(message: unknown, extra?: MessageExtraInfo): boolean {
    const cancelled = cancelledRequest(message);
    if (cancelled) return this.cancel(cancelled.id, cancelled.reason);
    const call = plainToolCall(message);
    if (!call || this.calls.has(call.id)) return false;
    const server = this.options.session();
    const tool = server && this.options.runtime.registry().tools.get(call.name);
    if (!server || !tool || tool.forward || tool.outputSchema || tool.def.execution || asksForInput.has(tool.def)) return false;
    const checked = tool.inputSchema['~standard'].validate(call.arguments ?? {});
    if (checked instanceof Promise || checked.issues) return false; // the SDK answers an invalid call, in its own words
    const { limit } = this.options;
    const release = limit?.tryBegin();
    if (limit && !release) return false; // the usual path refuses it
    const entry: LaneCall = { cancellation: new CallCancellation(), signal: undefined, release };
    this.calls.set(call.id, entry);
    void this.run(server, tool, call, checked.value, entry, message, extra);
    return true;
  }

  /** The connection closed: calls in flight are aborted and go unanswered. */
  closeAll(): void {
    for (const id of [...this.calls.keys()]) this.cancel(id, new Error('Connection closed'));
  }

  private async run(server: McpServer, tool: LoadedTool, call: PlainToolCall, args: unknown, entry: LaneCall, message: unknown, extra: MessageExtraInfo | undefined): Promise<void> {
    const capabilities = () => server.server.getClientCapabilities() as Record<string, unknown> | undefined;
    const result = await runTool(this.options.runtime, tool, args, this.context(server, call, entry, extra), capabilities, entry.cancellation);
    if (entry.cancellation.aborted) return;
    this.end(call.id, entry);
    if (isInputRequiredResult(result)) {
      asksForInput.add(tool.def);
      return this.options.pass(message, extra);
    }
    const answer = toAnswer(server, call.id, result);
    this.count('error' in answer ? 'error' : 'ok');
    await this.options.send(answer).catch(() => undefined); // the connection is gone: its close is handled elsewhere
  }

  private cancel(id: RequestId, reason: unknown): boolean {
    const entry = this.calls.get(id);
    if (!entry) return false;
    entry.cancellation.abort(reason);
    this.end(id, entry);
    this.count('cancelled');
    return true;
  }

  private end(id: RequestId, entry: LaneCall): void {
    this.calls.delete(id);
    entry.release?.();
  }

  private count(outcome: 'ok' | 'error' | 'cancelled'): void {
    this.options.runtime.metrics.requests.inc({ method: 'tools/call', transport: this.options.transport, outcome });
  }

  /**
   * The request context the SDK's dispatch and buildContext (@modelcontextprotocol/server 2.4.0)
   * would have made for this 2025-era call, written out: their object spreads cost ~3 µs a call.
   * The abort signal is made only if the tool reads it.
   */
  private context(server: McpServer, call: PlainToolCall, entry: LaneCall, extra: MessageExtraInfo | undefined): ServerContext {
    const inner = server.server;
    const levels = inner as unknown as SdkLogLevels;
    const sessionId = inner.transport?.sessionId;
    const notify = (notification: Notification) => inner.notification(notification, { relatedRequestId: call.id });
    const hasHttp = extra?.authInfo || extra?.request || extra?.closeSSEStream || extra?.closeStandaloneSSEStream;
    const context = {
      sessionId,
      mcpReq: {
        id: call.id,
        method: 'tools/call',
        _meta: call.meta,
        requestState: NO_REQUEST_STATE,
        get signal(): AbortSignal {
          return (entry.signal ??= entry.cancellation.toSignal());
        },
        notify,
        send: NO_CLIENT_REQUESTS,
        // the SDK's 2025-era log: sent when the server declares logging and the client's level lets it through
        log: (level: LoggingLevel, data: unknown, logger?: string) =>
          inner.getCapabilities().logging && !levels.isMessageIgnored(level, sessionId) ? notify({ method: 'notifications/message', params: { level, data, logger } }) : Promise.resolve(),
        elicitInput: (params: never, options: never) => inner.elicitInput(params, options),
        requestSampling: (params: never, options: never) => inner.createMessage(params, options),
      },
      http: hasHttp ? { ...(extra.authInfo ? { authInfo: extra.authInfo } : {}), req: extra.request, closeSSE: extra.closeSSEStream, closeStandaloneSSE: extra.closeStandaloneSSEStream } : undefined,
    };
    return onConnection(context as unknown as ServerContext, server);
  }
}

/** The SDK Server's check of a log level against the one the client set (private in its types, 2.4.0). */
interface SdkLogLevels {
  isMessageIgnored(level: LoggingLevel, sessionId: string | undefined): boolean;
}

const NO_REQUEST_STATE = () => undefined;
const NO_CLIENT_REQUESTS = () => Promise.reject(new Error('a request to the client from a call served past the SDK dispatch (mcp-server bug: such calls go through the SDK)'));

/** The response to a call, its result checked and projected as the SDK's tools/call does. */
function toAnswer(server: McpServer, id: RequestId, result: CallToolResult): JSONRPCMessage {
  if (isPlainTextResult(result)) return { jsonrpc: '2.0', id, result };
  const projected = server.server.projectCallToolResult(result, undefined);
  const checked = specTypeSchemas.CallToolResult['~standard'].validate(projected);
  if (checked instanceof Promise || !checked.issues) return { jsonrpc: '2.0', id, result: projected };
  // the SDK's words: its schema's issues, as JSON
  return { jsonrpc: '2.0', id, error: { code: ProtocolErrorCode.InvalidParams, message: `Invalid tools/call result: ${JSON.stringify(checked.issues, null, 2)}` } };
}
