import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callInFlight, connectClient, JSON_AND_SSE, rawInitialize, startHttpServer, TEST_MODULES, type HttpServer } from './helpers/http-server.js';
import { textOf } from './helpers/stdio-server.js';
import { INITIALIZE_BODY } from './helpers/http-raw.js';
import { waitFor } from './helpers/wait.js';

const sessionHeaders = (sessionId: string) => ({ ...JSON_AND_SSE, 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-11-25' });
const ping = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });

describe('session bounds', () => {
  let server: HttpServer;
  before(async () => {
    server = await startHttpServer({ transport: 'http-stream', config: 'transport:\n  sessions:\n    idleTimeoutSeconds: 1\n    max: 2\n' });
  });
  after(async () => {
    await server?.stop();
  });

  it('closes sessions idle longer than idleTimeoutSeconds (404 afterwards)', async () => {
    const sessionId = await rawInitialize(server.origin);
    // Probing with a request would keep the session alive; /info counts live sessions instead.
    const sessions = async () => ((await (await fetch(`${server.origin}/info`)).json()) as { sessions: number }).sessions;
    await waitFor(async () => (await sessions()) === 0, 'the idle session to be reaped', { attempts: 40, intervalMs: 250 });
    const response = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: sessionHeaders(sessionId), body: ping });
    assert.equal(response.status, 404);
    await response.text();
  });

  it('answers a new session beyond transport.sessions.max with 503', async () => {
    const a = await rawInitialize(server.origin);
    const b = await rawInitialize(server.origin);
    const third = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: JSON_AND_SSE, body: INITIALIZE_BODY });
    assert.equal(third.status, 503);
    assert.ok(third.headers.get('retry-after'));
    await third.text();
    for (const id of [a, b]) await fetch(`${server.origin}/mcp`, { method: 'DELETE', headers: sessionHeaders(id) }).then((r) => r.text());
    const fourth = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: JSON_AND_SSE, body: INITIALIZE_BODY });
    assert.equal(fourth.status, 200);
    await fourth.text();
  });
});

describe('per-caller session limits', () => {
  const KEYS = ['caller-one-0123456789abcdef', 'caller-two-0123456789abcdef'];
  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
  const config = `transport:\n  apiKeys: [${KEYS.join(', ')}]\n  sessions:\n    max: 5\n    maxPerCaller: 2\n`;

  it('answers a caller beyond transport.sessions.maxPerCaller with 429 while another caller still gets a session (Streamable HTTP)', async () => {
    const server = await startHttpServer({ transport: 'http-stream', config });
    try {
      const open = (key: string) => fetch(`${server.origin}/mcp`, { method: 'POST', headers: { ...JSON_AND_SSE, ...bearer(key) }, body: INITIALIZE_BODY });
      const mine = [await rawInitialize(server.origin, bearer(KEYS[0]!)), await rawInitialize(server.origin, bearer(KEYS[0]!))];
      const refused = await open(KEYS[0]!);
      assert.equal(refused.status, 429);
      assert.ok(refused.headers.get('retry-after'));
      assert.match(((await refused.json()) as { error: { message: string } }).error.message, /transport\.sessions\.maxPerCaller \(2\)/);
      await rawInitialize(server.origin, bearer(KEYS[1]!)); // another caller is not starved
      await fetch(`${server.origin}/mcp`, { method: 'DELETE', headers: { ...sessionHeaders(mine[0]!), ...bearer(KEYS[0]!) } }).then((r) => r.text());
      await rawInitialize(server.origin, bearer(KEYS[0]!)); // a closed session frees the caller's slot
    } finally {
      await server.stop();
    }
  });

  it('does the same for legacy SSE streams', async () => {
    const server = await startHttpServer({ transport: 'sse', config });
    const streams: AbortController[] = [];
    try {
      const open = async (key: string) => {
        const controller = new AbortController();
        streams.push(controller);
        return fetch(`${server.origin}/sse`, { headers: { Accept: 'text/event-stream', ...bearer(key) }, signal: controller.signal });
      };
      for (let i = 0; i < 2; i++) assert.equal((await open(KEYS[0]!)).status, 200);
      const refused = await open(KEYS[0]!);
      assert.equal(refused.status, 429);
      assert.match(((await refused.json()) as { error: { message: string } }).error.message, /transport\.sessions\.maxPerCaller \(2\)/);
      assert.equal((await open(KEYS[1]!)).status, 200);
    } finally {
      for (const controller of streams) controller.abort();
      await server.stop();
    }
  });
});

describe('stateless 2025 mode', () => {
  let server: HttpServer;
  before(async () => {
    server = await startHttpServer({ transport: 'http-stream', config: 'transport:\n  sessions:\n    mode: stateless\n' });
  });
  after(async () => {
    await server?.stop();
  });

  it('serves 2025 clients without sessions, and 2026 clients as usual', async () => {
    const init = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: JSON_AND_SSE, body: INITIALIZE_BODY });
    assert.equal(init.status, 200);
    assert.equal(init.headers.get('mcp-session-id'), null);
    await init.text();
    const get = await fetch(`${server.origin}/mcp`, { headers: { Accept: 'text/event-stream' } });
    assert.equal(get.status, 405);
    await get.text();
    for (const kind of ['legacy', 'modern'] as const) {
      const client = await connectClient(server, kind);
      const result = await client.callTool({ name: 'kv_set', arguments: { key: kind, value: 1 } });
      assert.notEqual(result.isError, true);
      await client.close();
    }
  });
});

describe('graceful shutdown', () => {
  for (const transport of ['http-stream', 'sse'] as const) {
    it(`SIGTERM lets an in-flight call finish, then exits 0 (${transport})`, async () => {
      const server = await startHttpServer({ transport, modules: TEST_MODULES, config: 'transport:\n  shutdownTimeoutSeconds: 10\n' });
      try {
        const client = await connectClient(server, transport === 'sse' ? 'sse' : 'legacy');
        const call = await callInFlight(client, 3, 500);
        process.kill(server.pid, 'SIGTERM');
        assert.deepEqual(textOf(await call.result), 'finished 3 steps');
        assert.equal(await server.exited, 0);
        await client.close().catch(() => undefined);
        assert.match(server.stderr(), /"msg":"stopped"/);
      } finally {
        await server.stop();
      }
    });
  }

  it('refuses new requests while draining', async () => {
    const server = await startHttpServer({ transport: 'http-stream', modules: TEST_MODULES });
    try {
      const client = await connectClient(server, 'legacy');
      const call = await callInFlight(client, 3, 500);
      process.kill(server.pid, 'SIGTERM');
      // draining: /ready answers 503 (or the listener is closed already)
      const draining = async () => {
        const ready = await fetch(`${server.origin}/ready`).catch(() => undefined);
        await ready?.text();
        return ready === undefined || ready.status === 503;
      };
      await waitFor(draining, 'the server to start draining', { intervalMs: 20 });
      const late = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: JSON_AND_SSE, body: INITIALIZE_BODY }).catch(() => undefined);
      if (late) {
        assert.equal(late.status, 503);
        await late.text();
      } // else: the listener is already closed (connection refused), which refuses it too
      await call.result;
      assert.equal(await server.exited, 0);
    } finally {
      await server.stop();
    }
  });
});
