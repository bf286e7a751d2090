import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callWithProgress, connectClient, startHttpServer, TEST_MODULES, type HttpServer } from './helpers/http-server.js';
import { SseReader } from './helpers/http-sse-reader.js';
import { waitFor } from './helpers/wait.js';

/** Opens GET /sse and returns the announced message endpoint (the first, non-JSON `endpoint` event). */
async function openStream(origin: string): Promise<{ endpoint: string; response: Response; controller: AbortController }> {
  const controller = new AbortController();
  const response = await fetch(`${origin}/sse`, { headers: { Accept: 'text/event-stream' }, signal: controller.signal });
  assert.equal(response.status, 200);
  const reader = response.body!.getReader();
  let text = '';
  const deadline = Date.now() + 10_000;
  for (let i = 0; i < 50 && !/event: endpoint\ndata: .+\n/.test(text); i++) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no endpoint event: ${text}`)), Math.max(0, deadline - Date.now()))));
    const chunk = await Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
    if (chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  reader.releaseLock();
  const endpoint = /event: endpoint\ndata: (.+)\n/.exec(text)?.[1];
  assert.ok(endpoint, `endpoint event in ${text}`);
  return { endpoint, response, controller };
}

describe('legacy HTTP+SSE transport', () => {
  let server: HttpServer;
  before(async () => {
    server = await startHttpServer({
      transport: 'sse',
      modules: TEST_MODULES,
      config: 'transport:\n  publicBasePath: /proxied/mcp-server\n  sessions:\n    idleTimeoutSeconds: 2\n',
    });
  });
  after(async () => {
    await server?.stop();
  });

  it('announces the message endpoint under transport.publicBasePath', async () => {
    const { endpoint, controller } = await openStream(server.origin);
    controller.abort();
    assert.match(endpoint, /^\/proxied\/mcp-server\/messages\?sessionId=[0-9a-f-]{36}$/);
  });

  it('answers an unknown session with 404, malformed JSON with -32700 and a non-JSON-RPC body with -32600', async () => {
    const unknown = await fetch(`${server.origin}/messages?sessionId=nope`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(unknown.status, 404);
    await unknown.text();
    const { endpoint, controller } = await openStream(server.origin);
    const local = endpoint.replace('/proxied/mcp-server', '');
    const parse = await fetch(`${server.origin}${local}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"jsonrpc":' });
    assert.equal(parse.status, 400);
    assert.equal(((await parse.json()) as { error: { code: number } }).error.code, -32700);
    const invalid = await fetch(`${server.origin}${local}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[1,2]' });
    assert.equal(invalid.status, 400);
    assert.equal(((await invalid.json()) as { error: { code: number } }).error.code, -32600);
    controller.abort();
  });

  it('answers a message with an extra top-level key with 400 -32600, not 500', async () => {
    const { endpoint, controller } = await openStream(server.origin);
    try {
      const local = endpoint.replace('/proxied/mcp-server', '');
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', extra: true });
      const response = await fetch(`${server.origin}${local}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      assert.equal(response.status, 400);
      const answer = (await response.json()) as { error: { code: number; message: string }; id: unknown };
      assert.equal(answer.error.code, -32600);
      assert.equal(answer.id, 1);
      assert.doesNotMatch(server.stderr(), /HTTP request failed/);
    } finally {
      controller.abort();
    }
  });

  it('closes a session once when its client disconnects (no recursive close)', async () => {
    const proxy = (url: string | URL | Request, init?: RequestInit) => fetch(String(url).replace('/proxied/mcp-server/', '/'), init);
    for (let round = 0; round < 3; round++) {
      const client = await connectClient(server, 'sse', { fetch: proxy as typeof fetch });
      await client.ping();
      await client.close();
    }
    let sessions = -1;
    await waitFor(
      async () => (sessions = ((await (await fetch(`${server.origin}/info`)).json()) as { sessions: number }).sessions) === 0,
      () => `no sessions left (${sessions})`,
      { attempts: 50 },
    );
    assert.doesNotMatch(server.stderr(), /Maximum call stack size exceeded/);
  });

  it('delivers progress notifications on the stream while a call runs', async () => {
    // Stands in for the reverse proxy that mounts the server under the public prefix.
    const proxy = (url: string | URL | Request, init?: RequestInit) => fetch(String(url).replace('/proxied/mcp-server/', '/'), init);
    const client = await connectClient(server, 'sse', { fetch: proxy as typeof fetch });
    const { seen, beforeResult, result } = await callWithProgress(client, 3, 150);
    await client.close();
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(beforeResult, 3);
    assert.deepEqual(result.content, [{ type: 'text', text: 'finished 3 steps' }]);
  });

  it('closes a stream whose client stays silent past idleTimeoutSeconds', async () => {
    const { response } = await openStream(server.origin);
    const reader = new SseReader(response);
    // The stream ends (server side) once the session is reaped; until() throws "stream ended".
    await assert.rejects(
      reader.until(() => false, 15_000),
      /stream ended/,
    );
    const info = (await (await fetch(`${server.origin}/info`)).json()) as { sessions: number };
    assert.equal(info.sessions, 0);
  });

  it('serves /health, /ready, /info and /metrics', async () => {
    assert.equal((await fetch(`${server.origin}/health`)).status, 200);
    assert.equal((await fetch(`${server.origin}/ready`)).status, 200);
    const info = (await (await fetch(`${server.origin}/info`)).json()) as { transport: string };
    assert.equal(info.transport, 'sse');
    assert.match(await (await fetch(`${server.origin}/metrics`)).text(), /mcp_sessions\{transport="sse"\}/);
  });
});
