import {
  isInputRequiredResult,
  ProtocolErrorCode,
  specTypeSchemas,
  type CallToolResult,
  type JSONRPCMessage,
  type LoggingLevel,
  type McpServer,
  type Notification,
  type RequestId,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { LoadedTool } from '../modules/normalize.js';
import { CallCancellation } from '../server/cancellation.js';
import { cancelledRequest, isPlainTextResult, plainToolCall, type PlainToolCall } from '../server/plain-tool-call.js';
import type { Runtime } from '../server/runtime.js';
import { onConnection } from '../server/shared-definitions.js';
import { afterAnswerGap } from '../server/answer-gap.js';
import { runTool } from '../server/tool-call.js';
import type { RequestLimit } from './request-limit.js';

export interface StdioCallLaneOptions {
  runtime: Runtime;
  /** The connection's server once a 2025-era client has initialized it; undefined before that and on the 2026 era. */
  session(): McpServer | undefined;
  /** Writes a message to the client. */
  send(message: JSONRPCMessage): Promise<void>;
  /** Serves a message the usual way, through the SDK. */
  pass(message: unknown): void;
  limit: RequestLimit | undefined;
}

interface LaneCall {
  /** When the call last sent progress (performance.now()): the answer keeps a gap after it. */
  progressAt: number | undefined;
  cancellation: CallCancellation;
  signal: AbortSignal | undefined;
  release: (() => void) | undefined;
}

/**
 * Answers the stdio connection's plain `tools/call` requests without the SDK's request dispatch,
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
export class StdioCallLane {
  private readonly calls = new Map<RequestId, LaneCall>();
  private readonly asking = new WeakSet<object>();

  constructor(private readonly options: StdioCallLaneOptions) {}

  /** Serves `message` when the lane can; true when it did (the message then goes no further). */
  take(message: unknown): boolean {
    const cancelled = cancelledRequest(message);
    if (cancelled) return this.cancel(cancelled.id, cancelled.reason);
    const call = plainToolCall(message);
    if (!call || this.calls.has(call.id)) return false;
    const server = this.options.session();
    const tool = server && this.options.runtime.registry().tools.get(call.name);
    if (!server || !tool || tool.forward || tool.outputSchema || tool.def.execution || this.asking.has(tool.def)) return false;
    const checked = tool.inputSchema['~standard'].validate(call.arguments ?? {});
    if (checked instanceof Promise || checked.issues) return false; // the SDK answers an invalid call, in its own words
    const { limit } = this.options;
    const release = limit?.tryBegin();
    if (limit && !release) return false; // the usual path refuses it
    const entry: LaneCall = { progressAt: undefined, cancellation: new CallCancellation(), signal: undefined, release };
    this.calls.set(call.id, entry);
    void this.run(server, tool, call, checked.value, entry, message);
    return true;
  }

  /** The connection closed: calls in flight are aborted and go unanswered. */
  closeAll(): void {
    for (const id of [...this.calls.keys()]) this.cancel(id, new Error('Connection closed'));
  }

  private async run(server: McpServer, tool: LoadedTool, call: PlainToolCall, args: unknown, entry: LaneCall, message: unknown): Promise<void> {
    const capabilities = () => server.server.getClientCapabilities() as Record<string, unknown> | undefined;
    const result = await runTool(this.options.runtime, tool, args, this.context(server, call, entry), capabilities, entry.cancellation);
    if (entry.cancellation.aborted) return;
    this.end(call.id, entry);
    if (isInputRequiredResult(result)) {
      this.asking.add(tool.def);
      return this.options.pass(message);
    }
    const answer = toAnswer(server, call.id, result);
    if (entry.progressAt !== undefined) await afterAnswerGap(entry.progressAt);
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
    this.options.runtime.metrics.requests.inc({ method: 'tools/call', transport: 'stdio', outcome });
  }

  /** The request context the SDK would have built for this call on a 2025-era stdio connection. */
  private context(server: McpServer, call: PlainToolCall, entry: LaneCall): ServerContext {
    const notify = (notification: Notification) => {
      if (notification.method === 'notifications/progress') entry.progressAt = performance.now();
      return server.server.notification(notification, { relatedRequestId: call.id });
    };
    const mcpReq = {
      id: call.id,
      method: 'tools/call',
      _meta: call.meta,
      get signal(): AbortSignal {
        return (entry.signal ??= entry.cancellation.toSignal());
      },
      requestState: () => undefined,
      notify,
      log: (level: LoggingLevel, data: unknown, logger?: string) => server.server.sendLoggingMessage({ level, data, ...(logger === undefined ? {} : { logger }) }),
      send: () => Promise.reject(new Error('a request to the client from a stdio fast-path call (mcp-server bug: such calls go through the SDK)')),
    };
    return onConnection({ sessionId: undefined, mcpReq, http: undefined } as unknown as ServerContext, server);
  }
}

/** The response to a call, its result checked and projected as the SDK's tools/call does. */
function toAnswer(server: McpServer, id: RequestId, result: CallToolResult): JSONRPCMessage {
  if (isPlainTextResult(result)) return { jsonrpc: '2.0', id, result };
  const projected = server.server.projectCallToolResult(result, undefined);
  const checked = specTypeSchemas.CallToolResult['~standard'].validate(projected);
  if (checked instanceof Promise || !checked.issues) return { jsonrpc: '2.0', id, result: projected };
  // the SDK's words: its schema's issues, as JSON
  return { jsonrpc: '2.0', id, error: { code: ProtocolErrorCode.InvalidParams, message: `Invalid tools/call result: ${JSON.stringify(checked.issues, null, 2)}` } };
}
