import type { McpServer } from '@modelcontextprotocol/server';
import type { Unfollow } from '../upstreams/followed-uris.js';

/** Follows resource URIs (so that upstreams serving them subscribe) until the returned function is called. */
export type FollowResources = (uris: readonly string[]) => Unfollow;

/**
 * resources/subscribe and resources/unsubscribe for a long-lived 2025 connection (stdio, a Streamable
 * HTTP session, an SSE stream): the connection remembers which URIs its client follows, and follows
 * them until the client unsubscribes, a reload ends the subscription, or the connection closes.
 * 2026-07-28 clients follow changes through subscriptions/listen instead.
 */
export function acceptResourceSubscriptions(server: McpServer, follow: FollowResources): Set<string> {
  const subscribed = new FollowingSet(follow);
  server.server.setRequestHandler('resources/subscribe', (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  const closed = server.server.onclose;
  server.server.onclose = () => {
    subscribed.clear();
    closed?.();
  };
  return subscribed;
}

/** A set of URIs that follows each URI while it is in the set, however it leaves (ServerRegistrations deletes too). */
class FollowingSet extends Set<string> {
  private readonly unfollow = new Map<string, Unfollow>();

  constructor(private readonly follow: FollowResources) {
    super();
  }

  override add(uri: string): this {
    if (!this.unfollow.has(uri)) this.unfollow.set(uri, this.follow([uri]));
    return super.add(uri);
  }

  override delete(uri: string): boolean {
    this.unfollow.get(uri)?.();
    this.unfollow.delete(uri);
    return super.delete(uri);
  }

  override clear(): void {
    for (const unfollow of this.unfollow.values()) unfollow();
    this.unfollow.clear();
    super.clear();
  }
}
