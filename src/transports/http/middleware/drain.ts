import type { MiddlewareHandler } from 'hono';
import type { Inflight } from '../inflight.js';
import { jsonRpcError, SERVER_ERROR } from '../json-rpc-error.js';
import type { AppEnv } from '../types.js';
import { holdUntilSent } from './hold-until-sent.js';

export interface DrainState {
  closing: boolean;
}

/**
 * Refuses new requests once shutdown began (503, Connection: close) and counts POSTs until their
 * response has been fully written (a streamed tool call included), so shutdown can wait for them.
 */
export function drain(state: DrainState, inflight: Inflight): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (state.closing) return jsonRpcError(503, SERVER_ERROR, 'Server is shutting down', { Connection: 'close', 'Retry-After': '1' });
    if (c.req.method !== 'POST') return next();
    return holdUntilSent(c, next, inflight.begin());
  };
}
