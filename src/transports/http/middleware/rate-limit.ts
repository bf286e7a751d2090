import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../../../observability/metrics.js';
import { jsonRpcError, SERVER_ERROR } from '../json-rpc-error.js';
import type { FixedWindowRateLimiter } from '../rate-limiter.js';
import type { AppEnv } from '../types.js';

/** 429 with Retry-After once a client (API key, or address without keys) exceeds its window; no limiter, no limit. */
export function rateLimit(currentLimiter: () => FixedWindowRateLimiter | undefined, metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const decision = currentLimiter()?.hit(c.get('clientId')) ?? { allowed: true };
    if (decision.allowed) return next();
    metrics.rejected.inc({ reason: 'rate_limit' });
    return jsonRpcError(429, SERVER_ERROR, 'Too many requests', { 'Retry-After': String(decision.retryAfterSeconds) });
  };
}
