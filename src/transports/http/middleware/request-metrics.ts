import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../../../observability/metrics.js';
import type { AppEnv } from '../types.js';

/** Counts every answered request by route (a fixed set, never the raw path) and status. */
export function requestMetrics(metrics: Metrics, routes: readonly string[]): MiddlewareHandler<AppEnv> {
  const known = new Set(routes);
  // label children looked up once per label set, not hashed on every request
  const durations = new Map<string, ReturnType<Metrics['httpDuration']['labels']>>();
  const counts = new Map<string, ReturnType<Metrics['httpRequests']['labels']>>();
  return async (c, next) => {
    const route = known.has(c.req.path) ? c.req.path : 'other';
    const { method } = c.req;
    const key = `${route} ${method}`;
    let duration = durations.get(key);
    if (!duration) durations.set(key, (duration = metrics.httpDuration.labels({ route, method })));
    const stop = duration.startTimer();
    await next();
    stop();
    // a handler that answered on the Node response itself: its status is there
    const status = String(c.res === RESPONSE_ALREADY_SENT ? c.env.outgoing.statusCode : c.res.status);
    let count = counts.get(`${key} ${status}`);
    if (!count) counts.set(`${key} ${status}`, (count = metrics.httpRequests.labels({ route, method, status })));
    count.inc();
  };
}
