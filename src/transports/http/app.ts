import { Hono } from 'hono';
import { timeout } from 'hono/timeout';
import { HTTPException } from 'hono/http-exception';
import type { Metrics } from '../../observability/metrics.js';
import type { Runtime } from '../../server/runtime.js';
import { ApiKeys } from './api-keys.js';
import { createHostPolicy } from './host-policy.js';
import type { Inflight } from './inflight.js';
import { jsonRpcError, SERVER_ERROR } from './json-rpc-error.js';
import { bearerAuth } from './middleware/auth.js';
import { bodyLimit } from './middleware/body-limit.js';
import { cors } from './middleware/cors.js';
import { drain, type DrainState } from './middleware/drain.js';
import { hostOriginValidation } from './middleware/host-origin.js';
import { rateLimit } from './middleware/rate-limit.js';
import { requestMetrics } from './middleware/request-metrics.js';
import { mountHealth, mountInfo } from './ops-routes.js';
import { FixedWindowRateLimiter } from './rate-limiter.js';
import type { AppEnv } from './types.js';

export interface AppState extends DrainState {
  sessions(): number;
}

export interface AppParts {
  app: Hono<AppEnv>;
  /** Paths served with the MCP protection stack (auth, rate limit, body limit, timeout). */
  protect(path: string, options?: { timeout?: boolean }): void;
}

/**
 * The Hono app every HTTP transport shares: metrics, drain gate, Host/Origin checks and CORS on
 * every route; /health and /ready open; /info, /metrics and the MCP routes behind the keys.
 */
export function createApp(runtime: Runtime, metrics: Metrics, state: AppState, inflight: Inflight, mcpRoutes: readonly string[]): AppParts {
  const { transport: config } = runtime.config;
  const app = new Hono<AppEnv>();
  const policy = createHostPolicy(config);
  const keys = new ApiKeys(config.apiKeys);
  const limiter = config.rateLimit.enabled ? new FixedWindowRateLimiter(config.rateLimit) : undefined;

  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    runtime.log.error({ err: error, path: c.req.path }, 'HTTP request failed');
    return jsonRpcError(500, -32603, 'Internal error');
  });
  app.notFound(() => jsonRpcError(404, SERVER_ERROR, 'Not found'));

  app.use('*', requestMetrics(metrics, ['/health', '/ready', '/info', '/metrics', ...mcpRoutes]));
  app.use('*', drain(state, inflight));
  mountHealth(app, runtime, state);
  app.use('*', hostOriginValidation(policy, metrics));
  app.use('*', cors(config.corsOrigins));
  app.use('*', bearerAuth(keys, metrics));
  mountInfo(app, runtime, state, metrics);

  const requestTimeout = timeout(config.requestTimeoutSeconds * 1000, () =>
    new HTTPException(504, { res: jsonRpcError(504, SERVER_ERROR, `Request timed out after ${config.requestTimeoutSeconds} s`) }),
  );
  return {
    app,
    protect(path, options = {}) {
      if (limiter) app.use(path, rateLimit(limiter, metrics));
      app.on('POST', path, bodyLimit(config.bodyLimitBytes, metrics));
      if (options.timeout ?? true) app.on('POST', path, requestTimeout);
    },
  };
}
