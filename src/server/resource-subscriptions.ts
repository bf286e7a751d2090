import type { McpServer } from '@modelcontextprotocol/server';

/**
 * resources/subscribe and resources/unsubscribe for a long-lived 2025 connection (stdio, a Streamable
 * HTTP session, an SSE stream): the connection remembers which URIs its client follows.
 * 2026-07-28 clients follow changes through subscriptions/listen instead.
 */
export function acceptResourceSubscriptions(server: McpServer): Set<string> {
  const subscribed = new Set<string>();
  server.server.setRequestHandler('resources/subscribe', (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  return subscribed;
}
