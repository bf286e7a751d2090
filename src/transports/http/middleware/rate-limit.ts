import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../../../observability/metrics.js';
import { jsonRpcError, SERVER_ERROR } from '../json-rpc-error.js';
import type { FixedWindowRateLimiter } from '../rate-limiter.js';
import type { AppEnv } from '../types.js';

/** 429 with Retry-After once a client (API key, or address without keys) exceeds its window. */
export function rateLimit(limiter: FixedWindowRateLimiter, metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const decision = limiter.hit(c.get('clientId'));
    if (decision.allowed) return next();
    metrics.rejected.inc({ reason: 'rate_limit' });
    return jsonRpcError(429, SERVER_ERROR, 'Too many requests', { 'Retry-After': String(decision.retryAfterSeconds) });
  };
}
