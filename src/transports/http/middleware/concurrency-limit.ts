import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../../../observability/metrics.js';
import { holdsSlot, type RequestLimit } from '../../request-limit.js';
import { idOf } from '../json-rpc-message.js';
import { jsonRpcError, SERVER_ERROR } from '../json-rpc-error.js';
import type { AppEnv } from '../types.js';
import { holdUntilSent } from './hold-until-sent.js';

/**
 * transport.maxConcurrentRequests on the Streamable HTTP endpoint: a POST carrying a request holds
 * a slot until its response has been fully written (a streamed call included); beyond the limit
 * it gets 503 with Retry-After. Notifications, answers and subscriptions/listen streams pass
 * (see holdsSlot); GET streams are not requests.
 */
export function concurrencyLimit(limit: RequestLimit, metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const body: unknown = await c.req.raw
      .clone()
      .json()
      .catch(() => undefined);
    if (!(Array.isArray(body) ? body : [body]).some(holdsSlot)) return next();
    const end = limit.tryBegin();
    if (!end) {
      metrics.rejected.inc({ reason: 'concurrency_limit' });
      return jsonRpcError(503, SERVER_ERROR, limit.busyMessage, { 'Retry-After': '1' }, idOf(body));
    }
    return holdUntilSent(c, next, end);
  };
}
