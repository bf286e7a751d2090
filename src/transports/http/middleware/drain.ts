import type { MiddlewareHandler } from 'hono';
import type { Inflight } from '../inflight.js';
import { refusalResponse, type Refusal } from '../json-rpc-error.js';
import type { AppEnv } from '../types.js';
import { holdUntilSent } from './hold-until-sent.js';

export interface DrainState {
  closing: boolean;
}

/** What every request gets once shutdown began. */
export const SHUTTING_DOWN: Refusal = { status: 503, message: 'Server is shutting down', headers: { Connection: 'close', 'Retry-After': '1' } };

/**
 * Refuses new requests once shutdown began (503, Connection: close) and counts POSTs until their
 * response has been fully written (a streamed tool call included), so shutdown can wait for them.
 */
export function drain(state: DrainState, inflight: Inflight): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (state.closing) return refusalResponse(SHUTTING_DOWN);
    if (c.req.method !== 'POST') return next();
    return holdUntilSent(c.env.outgoing, next, inflight.begin());
  };
}
