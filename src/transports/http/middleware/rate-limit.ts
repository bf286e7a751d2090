import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../../../observability/metrics.js';
import { refusalResponse, type Refusal } from '../json-rpc-error.js';
import type { FixedWindowRateLimiter } from '../rate-limiter.js';
import type { AppEnv } from '../types.js';

/** 429 with Retry-After once a client (API key, or address without keys) exceeds its window; no limiter, no limit. */
export function rateLimitRefusal(limiter: FixedWindowRateLimiter | undefined, metrics: Metrics, clientId: string): Refusal | undefined {
  const decision = limiter?.hit(clientId) ?? { allowed: true };
  if (decision.allowed) return undefined;
  metrics.rejected.inc({ reason: 'rate_limit' });
  return { status: 429, message: 'Too many requests', headers: { 'Retry-After': String(decision.retryAfterSeconds) } };
}

export function rateLimit(currentLimiter: () => FixedWindowRateLimiter | undefined, metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const refusal = rateLimitRefusal(currentLimiter(), metrics, c.get('clientId'));
    return refusal ? refusalResponse(refusal) : next();
  };
}
