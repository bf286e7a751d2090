import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../../../observability/metrics.js';
import type { HostPolicy } from '../host-policy.js';
import { refusalResponse, type Refusal } from '../json-rpc-error.js';
import type { AppEnv } from '../types.js';

/** 403 for a Host or Origin the policy does not allow (DNS rebinding, cross-site browser calls); counted by reason. */
export function hostOriginRefusal(policy: HostPolicy, metrics: Metrics, host: string | undefined, origin: string | undefined): Refusal | undefined {
  if (!policy.hostAllowed(host)) {
    metrics.rejected.inc({ reason: 'host' });
    return { status: 403, message: 'Forbidden: Host header not allowed' };
  }
  if (!policy.originAllowed(origin)) {
    metrics.rejected.inc({ reason: 'origin' });
    return { status: 403, message: 'Forbidden: Origin not allowed' };
  }
  return undefined;
}

export function hostOriginValidation(currentPolicy: () => HostPolicy, metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const refusal = hostOriginRefusal(currentPolicy(), metrics, c.req.header('host'), c.req.header('origin'));
    return refusal ? refusalResponse(refusal) : next();
  };
}
