import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono, type MiddlewareHandler } from 'hono';
import { createMetrics, type Metrics } from '../src/observability/metrics.js';
import { ApiKeys } from '../src/transports/http/api-keys.js';
import { createClientAddressOf } from '../src/transports/http/client-address.js';
import { createHostPolicy } from '../src/transports/http/host-policy.js';
import { bearerAuth } from '../src/transports/http/middleware/auth.js';
import { bodyLimit } from '../src/transports/http/middleware/body-limit.js';
import { cors, corsOriginCheck } from '../src/transports/http/middleware/cors.js';
import { hostOriginValidation } from '../src/transports/http/middleware/host-origin.js';
import { rateLimit } from '../src/transports/http/middleware/rate-limit.js';
import { FixedWindowRateLimiter } from '../src/transports/http/rate-limiter.js';
import type { AppEnv } from '../src/transports/http/types.js';

/** Each middleware in front of a trivial route, driven in-process with Hono's app.request(). */
function appWith(...middleware: MiddlewareHandler<AppEnv>[]) {
  const app = new Hono<AppEnv>();
  for (const handler of middleware) app.use('*', handler);
  app.all('/mcp', (c) => c.json({ clientId: c.get('clientId') ?? null, authInfo: c.get('authInfo') ?? null }));
  return app;
}

const clientAddressOf = createClientAddressOf(0);

const rejected = async (metrics: Metrics, reason: string) => (await metrics.render()).match(new RegExp(`^mcp_rejected_requests_total\\{reason="${reason}"\\} (\\d+)$`, 'm'))?.[1];

async function errorOf(response: Response): Promise<{ code: number; message: string }> {
  assert.equal(response.headers.get('content-type'), 'application/json');
  return ((await response.json()) as { error: { code: number; message: string } }).error;
}

describe('HTTP middleware', () => {
  it('host/origin: 403 with a JSON-RPC error for a foreign Host or Origin, counted by reason', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const policy = createHostPolicy({ host: '127.0.0.1', allowedHosts: [], allowedOrigins: [], corsOrigins: [] });
    const app = appWith(hostOriginValidation(() => policy, metrics));
    assert.equal((await app.request('/mcp', { headers: { host: 'localhost:8000' } })).status, 200);
    const badHost = await app.request('/mcp', { headers: { host: 'evil.example' } });
    assert.equal(badHost.status, 403);
    assert.deepEqual(await errorOf(badHost), { code: -32000, message: 'Forbidden: Host header not allowed' });
    const badOrigin = await app.request('/mcp', { headers: { host: 'localhost', origin: 'https://evil.example' } });
    assert.equal(badOrigin.status, 403);
    assert.match((await errorOf(badOrigin)).message, /Origin not allowed/);
    assert.equal(await rejected(metrics, 'host'), '1');
    assert.equal(await rejected(metrics, 'origin'), '1');
  });

  it('bearer keys: 401 with a challenge without a valid key; the key label, never the key, goes on', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const keys = new ApiKeys(['s3cret', 'other']);
    const app = appWith(
      bearerAuth(
        () => keys,
        metrics,
        () => clientAddressOf,
      ),
    );
    const missing = await app.request('/mcp');
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="mcp-server"');
    const wrong = await app.request('/mcp', { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.headers.get('www-authenticate'), 'Bearer realm="mcp-server", error="invalid_token"');
    const ok = await app.request('/mcp', { headers: { authorization: 'Bearer other' } });
    assert.equal(ok.status, 200);
    const seen = (await ok.json()) as { clientId: string; authInfo: Record<string, unknown> };
    assert.equal(seen.clientId, 'key-2');
    assert.deepEqual(seen.authInfo, { token: 'key-2', clientId: 'key-2', scopes: [] });
    assert.equal(await rejected(metrics, 'auth'), '2');
  });

  it('rate limit: 429 with Retry-After per client once the window is used up; no limiter, no limit', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const keys = new ApiKeys(['a', 'b']);
    let limiter: FixedWindowRateLimiter | undefined = new FixedWindowRateLimiter({ windowSeconds: 60, max: 1 });
    const app = appWith(
      bearerAuth(
        () => keys,
        metrics,
        () => clientAddressOf,
      ),
      rateLimit(() => limiter, metrics),
    );
    const as = (key: string) => app.request('/mcp', { headers: { authorization: `Bearer ${key}` } });
    assert.equal((await as('a')).status, 200);
    const limited = await as('a');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await as('b')).status, 200, 'another key has its own window');
    limiter = undefined;
    assert.equal((await as('a')).status, 200, 'a reload that removes the limit applies at once');
    assert.equal(await rejected(metrics, 'rate_limit'), '1');
  });

  it('body limit: 413 over the current limit, read per request', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let maxBytes = 10;
    const app = appWith(bodyLimit(() => maxBytes, metrics));
    const post = (body: string) => app.request('/mcp', { method: 'POST', body, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } });
    assert.equal((await post('{"a":1}')).status, 200);
    const tooBig = await post('{"a":"0123456789"}');
    assert.equal(tooBig.status, 413);
    assert.match((await errorOf(tooBig)).message, /larger than 10 bytes/);
    maxBytes = 100;
    assert.equal((await post('{"a":"0123456789"}')).status, 200);
  });

  it('CORS: preflights from listed origins get the MCP headers (Mcp-Param-* included); others get none', async () => {
    const app = appWith(cors(corsOriginCheck(() => ['https://app.example.com'])));
    const preflight = (origin: string) =>
      app.request('/mcp', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'Content-Type, Mcp-Param-City, X-Evil' },
      });
    const allowed = await preflight('https://app.example.com');
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.com');
    const granted = allowed.headers.get('access-control-allow-headers')!.split(', ');
    assert.ok(granted.includes('mcp-session-id') && granted.includes('mcp-param-city'), granted.join());
    assert.ok(!granted.includes('x-evil'));
    const refused = await preflight('https://evil.example');
    assert.equal(refused.status, 204);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
  });
});
