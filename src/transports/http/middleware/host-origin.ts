import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../../../observability/metrics.js';
import type { HostPolicy } from '../host-policy.js';
import { jsonRpcError, SERVER_ERROR } from '../json-rpc-error.js';
import type { AppEnv } from '../types.js';

/** 403 for a Host or Origin the policy does not allow (DNS rebinding, cross-site browser calls). */
export function hostOriginValidation(currentPolicy: () => HostPolicy, metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const policy = currentPolicy();
    if (!policy.hostAllowed(c.req.header('host'))) {
      metrics.rejected.inc({ reason: 'host' });
      return jsonRpcError(403, SERVER_ERROR, 'Forbidden: Host header not allowed');
    }
    if (!policy.originAllowed(c.req.header('origin'))) {
      metrics.rejected.inc({ reason: 'origin' });
      return jsonRpcError(403, SERVER_ERROR, 'Forbidden: Origin not allowed');
    }
    return next();
  };
}
