import { Hono, type MiddlewareHandler } from 'hono';
import { timeout } from 'hono/timeout';
import { HTTPException } from 'hono/http-exception';
import type { Metrics } from '../../observability/metrics.js';
import type { Runtime } from '../../server/runtime.js';
import { mountAdmin } from './admin-routes.js';
import { ApiKeys } from './api-keys.js';
import { CallerResponses } from './caller-responses.js';
import { createClientAddressOf } from './client-address.js';
import { createHostPolicy, type HostPolicy, type HostPolicyConfig } from './host-policy.js';
import type { Inflight } from './inflight.js';
import { jsonRpcError, refusalResponse, requestTimedOut, SERVER_ERROR } from './json-rpc-error.js';
import { fromConfig } from './live-config.js';
import { bearerAuth } from './middleware/auth.js';
import type { ClientAddressOf } from './client-address.js';
import { bodyLimit } from './middleware/body-limit.js';
import { cors, corsOriginCheck } from './middleware/cors.js';
import { drain, type DrainState } from './middleware/drain.js';
import { hostOriginValidation } from './middleware/host-origin.js';
import { rateLimit } from './middleware/rate-limit.js';
import { requestMetrics, requestTiming, type RequestTiming } from './middleware/request-metrics.js';
import { mountHealth, mountInfo } from './ops-routes.js';
import { FixedWindowRateLimiter } from './rate-limiter.js';
import type { AppEnv } from './types.js';

export interface AppState extends DrainState {
  sessions(): number;
}

export interface AppParts {
  app: Hono<AppEnv>;
  /** Paths served with the MCP protection stack (auth, rate limit, body limit, timeout). */
  protect(path: string, options?: { timeout?: boolean; bodyLimit?: boolean }): void;
  /** The API keys in force now. */
  keys(): ApiKeys;
  /** Open responses by caller, to end those of a revoked key. */
  responses: CallerResponses;
  /** The policies the middleware applies, for the MCP lane (mcp-lane.ts) to apply the same ones. */
  guards: Guards;
}

/** The live policies behind the middleware, shared by Hono and the MCP lane. */
export interface Guards {
  timing: RequestTiming;
  policy(): HostPolicy;
  corsAllowed(origin: string | undefined): origin is string;
  keys(): ApiKeys;
  clientAddressOf(): ClientAddressOf;
  limiter(): FixedWindowRateLimiter | undefined;
  responses: CallerResponses;
}

/**
 * The Hono app every HTTP transport shares: metrics, drain gate, Host/Origin checks and CORS on
 * every route; /health and /ready open; /admin/* behind the admin keys; /info, /metrics and the MCP
 * routes behind the API keys. Policies are read from the running config per request, so a reload
 * changes keys, allowed hosts and origins, CORS, rate, body and time limits for the next request.
 */
export function createApp(runtime: Runtime, metrics: Metrics, state: AppState, inflight: Inflight, mcpRoutes: readonly string[]): AppParts {
  const config = () => runtime.config;
  const app = new Hono<AppEnv>();
  const policy = fromConfig<HostPolicyConfig, HostPolicy>(
    config,
    ({ transport: t }) => ({ host: t.host, allowedHosts: t.allowedHosts, allowedOrigins: t.allowedOrigins, corsOrigins: t.corsOrigins }),
    createHostPolicy,
  );
  const keys = fromConfig<readonly string[], ApiKeys>(
    config,
    (c) => c.transport.apiKeys,
    (list, previous) => new ApiKeys(list, previous),
  );
  const limiter = fromConfig(
    config,
    (c) => c.transport.rateLimit,
    (limits) => (limits.enabled ? new FixedWindowRateLimiter(limits) : undefined),
  );
  const clientAddressOf = fromConfig(config, (c) => c.transport.trustProxy, createClientAddressOf);
  const responses = new CallerResponses();
  const timing = requestTiming(metrics, ['/health', '/ready', '/info', '/metrics', '/admin/reload', '/admin/config', ...mcpRoutes]);
  const corsAllowed = corsOriginCheck(() => runtime.config.transport.corsOrigins);
  const guards: Guards = { timing, policy, corsAllowed, keys, clientAddressOf, limiter, responses };

  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    runtime.log.error({ err: error, path: c.req.path }, 'HTTP request failed');
    return jsonRpcError(500, -32603, 'Internal error');
  });
  app.notFound(() => jsonRpcError(404, SERVER_ERROR, 'Not found'));

  app.use('*', requestMetrics(timing));
  app.use('*', drain(state, inflight));
  mountHealth(app, runtime, state);
  app.use('*', hostOriginValidation(policy, metrics));
  app.use('*', cors(corsAllowed));
  mountAdmin(app, runtime, metrics);
  app.use('*', bearerAuth(keys, metrics, clientAddressOf));
  app.use('*', async (c, next) => {
    responses.track(c.get('authInfo')?.clientId, c.env.outgoing);
    return next();
  });
  mountInfo(app, runtime, state, metrics);

  return {
    app,
    keys,
    responses,
    guards,
    protect(path, options = {}) {
      app.use(path, rateLimit(limiter, metrics));
      if (options.bodyLimit ?? true)
        app.on(
          'POST',
          path,
          bodyLimit(() => runtime.config.transport.bodyLimitBytes, metrics),
        );
      if (options.timeout ?? true)
        app.on(
          'POST',
          path,
          requestTimeout(() => runtime.config.transport.requestTimeoutSeconds),
        );
    },
  };
}

/** 504 when no response has started within the current request timeout. */
function requestTimeout(seconds: () => number): MiddlewareHandler<AppEnv> {
  let current: { seconds: number; check: MiddlewareHandler<AppEnv> } | undefined;
  return (c, next) => {
    const limit = seconds();
    if (current?.seconds !== limit) {
      const check = timeout(limit * 1000, () => new HTTPException(504, { res: refusalResponse(requestTimedOut(limit)) }));
      current = { seconds: limit, check: check as MiddlewareHandler<AppEnv> };
    }
    return current.check(c, next);
  };
}
