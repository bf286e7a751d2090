import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectClient, JSON_AND_SSE, rawInitialize, startHttpServer, TEST_MODULES, type HttpServer } from './helpers/http-server.js';
import { INITIALIZE_BODY, rawRequest } from './helpers/http-raw.js';
import { selfSignedCert, type TlsFiles } from './helpers/tls-cert.js';

const KEY_1 = 'first-key-0123456789abcdef';
const KEY_2 = 'second-key-0123456789abcdef';
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('API keys, Host/Origin checks, CORS and body limit', () => {
  let server: HttpServer;
  before(async () => {
    server = await startHttpServer({
      transport: 'http-stream',
      modules: TEST_MODULES,
      env: { MCP_API_KEY: `${KEY_1},${KEY_2}` },
      config: 'transport:\n  bodyLimitBytes: 2048\n  corsOrigins: ["https://app.example.com"]\n',
    });
  });
  after(async () => {
    await server?.stop();
  });

  it('keeps /health and /ready open and puts /info, /metrics and /mcp behind the keys', async () => {
    assert.equal((await fetch(`${server.origin}/health`)).status, 200);
    assert.equal((await fetch(`${server.origin}/ready`)).status, 200);
    for (const pathname of ['/info', '/metrics']) {
      const response = await fetch(`${server.origin}${pathname}`);
      assert.equal(response.status, 401, pathname);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="mcp-server"');
      await response.text();
      assert.equal((await fetch(`${server.origin}${pathname}`, { headers: bearer(KEY_1) })).status, 200);
    }
  });

  it('answers a missing or wrong key with 401 and a Bearer challenge', async () => {
    const missing = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: JSON_AND_SSE, body: INITIALIZE_BODY });
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="mcp-server"');
    assert.equal(((await missing.json()) as { error: { code: number } }).error.code, -32000);
    const wrong = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: { ...JSON_AND_SSE, ...bearer(`${KEY_1}x`) }, body: INITIALIZE_BODY });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('www-authenticate'), 'Bearer realm="mcp-server", error="invalid_token"');
    await wrong.text();
  });

  for (const kind of ['modern', 'legacy'] as const) {
    it(`modules see the key's label as ctx.auth, never the key (${kind} client)`, async () => {
      const client = await connectClient(server, kind, { headers: bearer(KEY_2) });
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      await client.close();
      assert.deepEqual(JSON.parse((result.content as Array<{ text: string }>)[0]!.text), { id: 'key-2', scopes: [] });
    });
  }

  it('never writes a key to the log', () => {
    assert.ok(!server.stderr().includes(KEY_1) && !server.stderr().includes(KEY_2));
  });

  it('a session is reachable only with the key that opened it', async () => {
    const sessionId = await rawInitialize(server.origin, bearer(KEY_1));
    const headers = { ...JSON_AND_SSE, 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-11-25' };
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });
    const own = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: { ...headers, ...bearer(KEY_1) }, body: ping });
    assert.equal(own.status, 200);
    await own.text();
    const other = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: { ...headers, ...bearer(KEY_2) }, body: ping });
    assert.equal(other.status, 404);
    await other.text();
  });

  it('rejects a non-loopback Host with 403 and accepts loopback names with any port', async () => {
    const url = `${server.origin}/mcp`;
    const headers = { ...JSON_AND_SSE, ...bearer(KEY_1) };
    const evil = await rawRequest(url, { method: 'POST', headers: { ...headers, Host: `evil.example.com:${server.port}` }, body: INITIALIZE_BODY });
    assert.equal(evil.status, 403);
    assert.match(evil.body, /Host/);
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, 'localhost']) {
      const ok = await rawRequest(`${server.origin}/info`, { headers: { ...bearer(KEY_1), Host: host } });
      assert.equal(ok.status, 200, host);
    }
  });

  it('rejects a foreign Origin with 403 and allows loopback and CORS-listed origins', async () => {
    const info = (origin: string) => fetch(`${server.origin}/info`, { headers: { ...bearer(KEY_1), Origin: origin } });
    const evil = await info('https://evil.example.com');
    assert.equal(evil.status, 403);
    await evil.text();
    const local = await info('http://localhost:5173');
    assert.equal(local.status, 200);
    assert.equal(local.headers.get('access-control-allow-origin'), null, 'loopback origins are allowed but get no CORS headers unless listed');
    await local.text();
    const listed = await info('https://app.example.com');
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.match(listed.headers.get('access-control-expose-headers') ?? '', /Mcp-Session-Id/);
    await listed.text();
  });

  it('POSTs to /mcp (served without Hono) get the same checks and answers as the Hono routes, and are counted', async () => {
    const count = async (status: number) => {
      const text = await (await fetch(`${server.origin}/metrics`, { headers: bearer(KEY_1) })).text();
      return Number(text.match(new RegExp(`^mcp_http_requests_total\\{route="/mcp",method="POST",status="${status}"\\} (\\d+)$`, 'm'))?.[1] ?? 0);
    };
    const before401 = await count(401);
    const answer = async (method: string, headers: Record<string, string>) => {
      const response = await fetch(`${server.origin}/mcp`, { method, headers: { ...JSON_AND_SSE, ...headers }, ...(method === 'POST' ? { body: INITIALIZE_BODY } : {}) });
      return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.text() };
    };
    for (const headers of [{}, bearer(`${KEY_1}x`), { ...bearer(KEY_1), Origin: 'https://evil.example.com' }]) {
      const post = await answer('POST', headers);
      assert.ok(post.status === 401 || post.status === 403, `${post.status}`);
      assert.deepEqual(post, await answer('GET', headers));
    }
    assert.equal(await count(401), before401 + 2);
    // a repeated Authorization is read as fetch reads it (both values), on both paths: no valid key
    const twice = await rawRequest(`${server.origin}/mcp`, {
      method: 'POST',
      headers: { ...JSON_AND_SSE, Authorization: [`Bearer ${KEY_1}`, `Bearer ${KEY_2}`] } as unknown as Record<string, string>,
      body: INITIALIZE_BODY,
    });
    assert.equal(twice.status, 401);
    // an allowed origin gets the CORS headers on a POST answer too
    const listed = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: { ...JSON_AND_SSE, ...bearer(KEY_1), Origin: 'https://app.example.com' }, body: INITIALIZE_BODY });
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.match(listed.headers.get('access-control-expose-headers') ?? '', /Mcp-Session-Id/);
    await listed.text();
  });

  it('answers a CORS preflight without a key, allowing the MCP headers', async () => {
    const response = await fetch(`${server.origin}/mcp`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type, mcp-protocol-version, mcp-session-id, last-event-id, mcp-method, mcp-name, mcp-param-region',
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), 'https://app.example.com');
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').split(/,\s*/);
    for (const header of ['authorization', 'content-type', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id', 'mcp-method', 'mcp-name', 'mcp-param-region']) {
      assert.ok(allowed.includes(header), header);
    }
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /DELETE/);
  });

  it('answers a body over transport.bodyLimitBytes with 413', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'kv_set', arguments: { key: 'big', value: 'x'.repeat(4096) } } });
    const response = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: { ...JSON_AND_SSE, ...bearer(KEY_1) }, body: big });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { error: { code: number } }).error.code, -32000);
  });
});

describe('rate limit', () => {
  let server: HttpServer;
  before(async () => {
    server = await startHttpServer({ transport: 'http-stream', config: 'transport:\n  rateLimit:\n    windowSeconds: 60\n    max: 3\n' });
  });
  after(async () => {
    await server?.stop();
  });

  it('answers requests beyond the window with 429 and Retry-After, leaving /health open', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: JSON_AND_SSE, body: INITIALIZE_BODY });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
      await response.text();
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, `Retry-After ${retryAfter}`);
    assert.equal((await fetch(`${server.origin}/health`)).status, 200);
  });
});

describe('TLS', () => {
  let server: HttpServer;
  let tls: TlsFiles;
  let cert: Buffer;
  before(async () => {
    tls = await selfSignedCert();
    cert = tls.cert;
    server = await startHttpServer({ transport: 'http-stream', args: ['--ssl-keyfile', tls.keyFile, '--ssl-certfile', tls.certFile] });
  });
  after(async () => {
    await server?.stop();
    await tls?.cleanup();
  });

  it('serves HTTPS with the key and certificate given by --ssl-keyfile and --ssl-certfile', async () => {
    assert.ok(server.origin.startsWith('https://'));
    const health = await rawRequest(`${server.origin}/health`, { ca: cert });
    assert.equal(health.status, 200);
    const init = await rawRequest(`${server.origin}/mcp`, { method: 'POST', headers: JSON_AND_SSE, body: INITIALIZE_BODY, ca: cert });
    assert.equal(init.status, 200);
    assert.ok(init.headers['mcp-session-id']);
    assert.match(init.body, /"protocolVersion":"2025-11-25"/);
    await assert.rejects(rawRequest(`${server.origin}/health`), 'an unknown certificate is refused by default');
  });
});
