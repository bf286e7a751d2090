import { CLIENT_CAPABILITIES_META_KEY, type LoggingLevel, type McpServer, type RequestMethod, type ServerContext } from '@modelcontextprotocol/server';
import type { Caller, Forwarded, JsonObject } from '../modules/forwarded.js';
import { afterAnswerGap } from './answer-gap.js';
import { callerOf } from './caller.js';
import type { StateBinding } from './request-state.js';
import type { Runtime } from './runtime.js';

/** The client's answer timeout for a request passed on from an upstream (a person may be filling a form). */
const CLIENT_REQUEST_TIMEOUT_MS = 10 * 60_000;

/**
 * Serves one request for a definition another MCP server answers: the caller as the SDK request
 * context describes it goes to the upstream side (src/upstreams), and its answer comes back as is.
 */
export async function callForwarded<T>(runtime: Runtime, server: McpServer, forward: Forwarded, params: JsonObject, request: ServerContext, binding: StateBinding): Promise<T> {
  const notifications = new NotificationQueue();
  try {
    return (await forward.call(params, callerFor(runtime, server, request, binding, notifications))) as T;
  } finally {
    // progress and log messages of the call reach the client before its answer
    await notifications.drained();
  }
}

/** Sends notifications one after the other, in the order they were made. */
class NotificationQueue {
  private last: Promise<void> = Promise.resolve();
  private sentAt = -Infinity;

  push(send: () => Promise<void>): void {
    this.last = this.last
      .then(send)
      .catch(() => undefined)
      .then(() => void (this.sentAt = performance.now()));
  }

  /** Resolves once every notification is sent, and a little later when the last one just went. */
  async drained(): Promise<void> {
    await this.last;
    await afterAnswerGap(this.sentAt); // the reference server sends its last progress right before its answer
  }
}

/** The caller of one request; its requestState is bound (caller, method, definition, arguments) like a module's. */
function callerFor(runtime: Runtime, server: McpServer, request: ServerContext, binding: StateBinding, notifications: NotificationQueue): Caller {
  const modern = request.mcpReq.envelope !== undefined;
  const identity = callerOf(request);
  const payload = request.mcpReq.requestState();
  const envelope = request.mcpReq.envelope as Record<string, unknown> | undefined;
  const capabilities = (modern ? envelope?.[CLIENT_CAPABILITIES_META_KEY] : server.server.getClientCapabilities()) as JsonObject | undefined;
  const progressToken = request.mcpReq._meta?.progressToken;
  return {
    identity,
    // a 2026 client has no connection: its requests are told apart by who sends them
    connection: modern ? `modern:${identity}` : server,
    era: modern ? 'modern' : 'legacy',
    capabilities,
    signal: request.mcpReq.signal,
    wantsProgress: progressToken !== undefined,
    progress(progress, total, message) {
      if (progressToken === undefined) return;
      const params = { progressToken, progress, ...(total === undefined ? {} : { total }), ...(message ? { message } : {}) };
      notifications.push(() => request.mcpReq.notify({ method: 'notifications/progress', params }));
    },
    log(params) {
      const level = (typeof params.level === 'string' ? params.level : 'info') as LoggingLevel;
      notifications.push(() => request.mcpReq.log(level, params.data, typeof params.logger === 'string' ? params.logger : undefined));
    },
    request: (method, params, signal) => request.mcpReq.send({ method: method as RequestMethod, ...(params ? { params } : {}) }, { signal, timeout: CLIENT_REQUEST_TIMEOUT_MS }) as Promise<JsonObject>,
    inputResponses: request.mcpReq.inputResponses,
    // verified by the SDK (ServerOptions.requestState.verify); here checked against this call
    state: payload === undefined ? undefined : runtime.requestState.unseal(payload, binding),
    mintState: (value) => runtime.requestState.mint(value, request, binding),
  };
}
