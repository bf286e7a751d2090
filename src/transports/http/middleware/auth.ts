import type { MiddlewareHandler } from 'hono';
import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Metrics } from '../../../observability/metrics.js';
import { bearerToken, type ApiKeys } from '../api-keys.js';
import type { ClientAddressOf } from '../client-address.js';
import { refusalResponse, type Refusal } from '../json-rpc-error.js';
import type { AppEnv } from '../types.js';

export interface Caller {
  /** The key label, or the client address without keys: who rate limits count against. */
  clientId: string;
  authInfo?: AuthInfo;
}

/** What auth needs of a request (header values as fetch's Headers.get reads them), read only when needed. */
export interface AuthRequest {
  socketAddress: string | undefined;
  authorization: string | undefined;
  forwardedFor: string | undefined;
}

/**
 * Bearer API keys. Without configured keys every caller is anonymous and identified by address
 * (for rate limiting; behind trusted proxies, the address they forwarded). With keys, a missing or
 * unknown token gets 401 and a Bearer challenge; a valid one becomes the request's authInfo,
 * carrying the key's label and never the key.
 */
export function authenticate(keys: ApiKeys, metrics: Metrics, clientAddressOf: ClientAddressOf, request: AuthRequest): Caller | { refusal: Refusal } {
  if (!keys.enabled) return { clientId: `addr:${clientAddressOf(request.socketAddress, request.forwardedFor)}` };
  const token = bearerToken(request.authorization);
  const identity = token === undefined ? undefined : keys.verify(token);
  if (!identity) {
    metrics.rejected.inc({ reason: 'auth' });
    const challenge = token === undefined ? 'Bearer realm="mcp-server"' : 'Bearer realm="mcp-server", error="invalid_token"';
    return { refusal: { status: 401, message: 'Unauthorized: a valid bearer API key is required', headers: { 'WWW-Authenticate': challenge } } };
  }
  return { clientId: identity.label, authInfo: { token: identity.label, clientId: identity.label, scopes: [] } };
}

export function bearerAuth(currentKeys: () => ApiKeys, metrics: Metrics, currentClientAddressOf: () => ClientAddressOf): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // getters: only what the current mode needs is read
    const caller = authenticate(currentKeys(), metrics, currentClientAddressOf(), {
      get socketAddress() {
        return c.env.incoming.socket.remoteAddress;
      },
      get authorization() {
        return c.req.header('authorization');
      },
      get forwardedFor() {
        return c.req.header('x-forwarded-for');
      },
    });
    if ('refusal' in caller) return refusalResponse(caller.refusal);
    c.set('clientId', caller.clientId);
    if (caller.authInfo) c.set('authInfo', caller.authInfo);
    return next();
  };
}
