import type { JSONRPCMessage, RequestId, Transport } from '@modelcontextprotocol/server';
import { SERVER_ERROR } from './http/json-rpc-error.js';
import { holdsSlot, type RequestLimit } from './request-limit.js';

/**
 * The connection's transport, with requests beyond the limit answered at once by a JSON-RPC error
 * instead of reaching the server. A request holds its slot until its response is sent, the client
 * cancels it, or the connection closes. Used where one connection carries many requests (stdio,
 * a legacy SSE session); plain HTTP requests are limited by the concurrency-limit middleware.
 */
export function limitRequests(inner: Transport, limit: RequestLimit, onRefused: (request: { id: RequestId; method: string }) => void): Transport {
  const pending = new Map<RequestId, () => void>();
  const end = (id: unknown) => {
    if (typeof id !== 'string' && typeof id !== 'number') return;
    pending.get(id)?.();
    pending.delete(id);
  };
  const outer: Transport = {
    start: () => inner.start(),
    close: () => inner.close(),
    async send(message, options) {
      try {
        await inner.send(message, options);
      } finally {
        if (!('method' in message) && 'id' in message) end(message.id);
      }
    },
    get sessionId() {
      return inner.sessionId;
    },
    ...(inner.setProtocolVersion ? { setProtocolVersion: (version: string) => inner.setProtocolVersion?.(version) } : {}),
    ...(inner.setSupportedProtocolVersions ? { setSupportedProtocolVersions: (versions: string[]) => inner.setSupportedProtocolVersions?.(versions) } : {}),
  };

  inner.onmessage = (message, extra) => {
    if ('method' in message && message.method === 'notifications/cancelled') end((message.params as { requestId?: unknown } | undefined)?.requestId);
    if (holdsSlot(message)) {
      const release = limit.tryBegin();
      if (!release) {
        onRefused(message);
        const refusal: JSONRPCMessage = { jsonrpc: '2.0', id: message.id, error: { code: SERVER_ERROR, message: limit.busyMessage } };
        inner.send(refusal).catch((error: unknown) => outer.onerror?.(error instanceof Error ? error : new Error(String(error))));
        return;
      }
      pending.set(message.id, release);
    }
    outer.onmessage?.(message, extra);
  };
  const closed = inner.onclose;
  inner.onclose = () => {
    closed?.();
    for (const id of [...pending.keys()]) end(id);
    outer.onclose?.();
  };
  const errored = inner.onerror;
  inner.onerror = (error) => {
    errored?.(error);
    outer.onerror?.(error);
  };
  return outer;
}
