import type { JSONRPCMessage, RequestId, Transport } from '@modelcontextprotocol/server';
import type { Metrics } from '../observability/metrics.js';
import { isReplayId } from './replayed-request.js';

/** Methods a client may call, both protocol generations; anything else is labelled "other" (bounded labels). */
const KNOWN_METHODS = new Set([
  'initialize',
  'ping',
  'server/discover',
  'subscriptions/listen',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'tasks/get',
  'tasks/list',
  'tasks/result',
  'tasks/update',
  'tasks/cancel',
]);

const methodLabel = (method: string) => (KNOWN_METHODS.has(method) ? method : 'other');

/** A request answered ahead of the server (it is replayed to the server later, uncounted). */
export function countAnsweredAhead(metrics: Metrics, method: string, transport: string): void {
  metrics.requests.inc({ method: methodLabel(method), transport, outcome: 'ok' });
}

/**
 * Counts every MCP request answered over `wire` (`mcp_requests_total{method,transport,outcome}`):
 * every server built from the registry has it applied to each transport it connects to
 * (build-server.ts), and the count reads the messages the SDK has already parsed (no extra parse).
 */
export function countRequests(wire: Transport, metrics: Metrics, transport: string): void {
  const open = new Map<RequestId, string>();
  const finish = (id: RequestId, outcome: 'ok' | 'error' | 'cancelled') => {
    const method = open.get(id);
    if (method === undefined) return;
    open.delete(id);
    metrics.requests.inc({ method, transport, outcome });
  };

  // The SDK calls a handler set before connect() ahead of its own for every inbound message.
  const inbound = wire.onmessage;
  wire.onmessage = (message, extra) => {
    const m = message as { id?: RequestId; method?: string; params?: { requestId?: RequestId } };
    if (m.method !== undefined) {
      // a replayed request was counted when it was answered ahead (countAnsweredAhead)
      if (m.id !== undefined && !isReplayId(m.id)) open.set(m.id, methodLabel(m.method));
      else if (m.method === 'notifications/cancelled' && m.params?.requestId !== undefined) finish(m.params.requestId, 'cancelled');
    }
    inbound?.(message, extra);
  };
  const send = wire.send.bind(wire);
  wire.send = (message: JSONRPCMessage, options) => {
    const m = message as { id?: RequestId; method?: string; error?: unknown };
    if (m.method === undefined && m.id !== undefined) finish(m.id, m.error === undefined ? 'ok' : 'error');
    return send(message, options);
  };
  const closed = wire.onclose;
  wire.onclose = () => {
    for (const id of [...open.keys()]) finish(id, 'cancelled');
    closed?.();
  };
}
