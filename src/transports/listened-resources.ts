import type { JSONRPCMessage, RequestId, Transport } from '@modelcontextprotocol/server';
import type { FollowResources } from '../server/resource-subscriptions.js';

/** The resource URIs a 2026-07-28 subscriptions/listen request asks about (`params.notifications.resourceSubscriptions`); none for any other message. */
export function listenedUris(message: unknown): string[] {
  const m = message as { method?: unknown; id?: unknown; params?: { notifications?: { resourceSubscriptions?: unknown } } } | null;
  if (m?.method !== 'subscriptions/listen' || m.id === undefined) return [];
  const uris = m.params?.notifications?.resourceSubscriptions;
  return Array.isArray(uris) ? uris.filter((uri): uri is string => typeof uri === 'string') : [];
}

/**
 * Follows the resources of each subscriptions/listen on one connection (stdio) while it is open:
 * until the client cancels it, the server answers it (a refusal, or the end of the stream), or the
 * connection closes. Installed on the transport after the SDK's entry took it (serveStdio), since
 * the entry serves listen requests itself, before any server instance sees them.
 */
export function followListens(transport: Transport, follow: FollowResources): void {
  const open = new Map<RequestId, () => void>();
  const end = (id: unknown) => {
    if (typeof id !== 'string' && typeof id !== 'number') return;
    open.get(id)?.();
    open.delete(id);
  };
  const inbound = transport.onmessage;
  transport.onmessage = (message, extra) => {
    const uris = listenedUris(message);
    const m = message as { id?: RequestId; method?: string; params?: { requestId?: unknown } };
    if (uris.length > 0 && m.id !== undefined && !open.has(m.id)) open.set(m.id, follow(uris));
    else if (m.method === 'notifications/cancelled') end(m.params?.requestId);
    inbound?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage, options) => {
    if (!('method' in message) && 'id' in message) end(message.id);
    return send(message, options);
  };
  const closed = transport.onclose;
  transport.onclose = () => {
    for (const id of [...open.keys()]) end(id);
    closed?.();
  };
}
