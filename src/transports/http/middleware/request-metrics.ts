import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../../../observability/metrics.js';
import type { AppEnv } from '../types.js';

/** Starts timing one request; the returned function records it with its status. */
export type RequestTiming = (path: string, method: string) => (status: number) => void;

/** Times and counts every answered request by route (a fixed set, never the raw path) and status. */
export function requestTiming(metrics: Metrics, routes: readonly string[]): RequestTiming {
  const known = new Set(routes);
  // label children looked up once per label set, not hashed on every request
  const durations = new Map<string, ReturnType<Metrics['httpDuration']['labels']>>();
  const counts = new Map<string, ReturnType<Metrics['httpRequests']['labels']>>();
  return (path, method) => {
    const route = known.has(path) ? path : 'other';
    const key = `${route} ${method}`;
    let duration = durations.get(key);
    if (!duration) durations.set(key, (duration = metrics.httpDuration.labels({ route, method })));
    const stop = duration.startTimer();
    return (code) => {
      stop();
      const status = String(code);
      let count = counts.get(`${key} ${status}`);
      if (!count) counts.set(`${key} ${status}`, (count = metrics.httpRequests.labels({ route, method, status })));
      count.inc();
    };
  };
}

export function requestMetrics(timing: RequestTiming): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const done = timing(c.req.path, c.req.method);
    await next();
    // a handler that answered on the Node response itself: its status is there
    done(c.res === RESPONSE_ALREADY_SENT ? c.env.outgoing.statusCode : c.res.status);
  };
}
