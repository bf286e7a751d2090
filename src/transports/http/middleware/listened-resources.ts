import type { MiddlewareHandler } from 'hono';
import type { FollowResources } from '../../../server/resource-subscriptions.js';
import { listenedUris } from '../../listened-resources.js';
import type { AppEnv } from '../types.js';

/**
 * A 2026-07-28 subscriptions/listen stream follows the resources it names until its response ends
 * (the client closes it, a revoked key's streams are closed, the server shuts down). Only listen
 * requests are read here (the required Mcp-Method header says which); the body is read from a copy.
 */
export function followListenedResources(follow: FollowResources): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const outgoing = c.env?.outgoing;
    if (c.req.method !== 'POST' || c.req.header('mcp-method') !== 'subscriptions/listen' || !outgoing) return next();
    const uris = listenedUris(
      await c.req.raw
        .clone()
        .json()
        .catch(() => undefined),
    );
    if (uris.length > 0) outgoing.once('close', follow(uris));
    return next();
  };
}
