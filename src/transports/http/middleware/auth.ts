import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../../../observability/metrics.js';
import { bearerToken, type ApiKeys } from '../api-keys.js';
import type { ClientAddressOf } from '../client-address.js';
import { jsonRpcError, SERVER_ERROR } from '../json-rpc-error.js';
import type { AppEnv } from '../types.js';

/**
 * Bearer API keys. Without configured keys every caller is anonymous and identified by address
 * (for rate limiting; behind trusted proxies, the address they forwarded). With keys, a missing or
 * unknown token gets 401 and a Bearer challenge; a valid one becomes the request's authInfo,
 * carrying the key's label and never the key.
 */
export function bearerAuth(currentKeys: () => ApiKeys, metrics: Metrics, currentClientAddressOf: () => ClientAddressOf): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const keys = currentKeys();
    if (!keys.enabled) {
      c.set('clientId', `addr:${currentClientAddressOf()(c.env.incoming.socket.remoteAddress, c.req.header('x-forwarded-for'))}`);
      return next();
    }
    const token = bearerToken(c.req.header('authorization'));
    const identity = token === undefined ? undefined : keys.verify(token);
    if (!identity) {
      metrics.rejected.inc({ reason: 'auth' });
      const challenge = token === undefined ? 'Bearer realm="mcp-server"' : 'Bearer realm="mcp-server", error="invalid_token"';
      return jsonRpcError(401, SERVER_ERROR, 'Unauthorized: a valid bearer API key is required', { 'WWW-Authenticate': challenge });
    }
    c.set('clientId', identity.label);
    c.set('authInfo', { token: identity.label, clientId: identity.label, scopes: [] });
    return next();
  };
}
