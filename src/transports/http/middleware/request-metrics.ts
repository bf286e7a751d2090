import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../../../observability/metrics.js';
import type { AppEnv } from '../types.js';

/** Counts every answered request by route (a fixed set, never the raw path) and status. */
export function requestMetrics(metrics: Metrics, routes: readonly string[]): MiddlewareHandler<AppEnv> {
  const known = new Set(routes);
  return async (c, next) => {
    const route = known.has(c.req.path) ? c.req.path : 'other';
    const stop = metrics.httpDuration.startTimer({ route, method: c.req.method });
    await next();
    stop();
    // a handler that answered on the Node response itself: its status is there
    const status = c.res === RESPONSE_ALREADY_SENT ? c.env.outgoing.statusCode : c.res.status;
    metrics.httpRequests.inc({ route, method: c.req.method, status: String(status) });
  };
}
