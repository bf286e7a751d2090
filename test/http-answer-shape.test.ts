import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fetchMetrics, sampleValue } from './helpers/metrics.js';
import { SseReader } from './helpers/http-sse-reader.js';
import { callWithProgress, connectClient, JSON_AND_SSE, rawInitialize, startHttpServer, TEST_MODULES, type HttpServer } from './helpers/http-server.js';
import { waitFor } from './helpers/wait.js';

const MODULE = `
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let waiting = 0;
export default [
  { name: 'quick', description: 'Answers at once', run: () => 'quick answer' },
  {
    name: 'chatty',
    description: 'Logs to the client, then answers',
    async run(_args, ctx) {
      ctx.log.info('working on it');
      await sleep(20);
      return 'chatty answer';
    },
  },
  { name: 'slow', description: 'Answers after 1.5 s', run: async () => (await sleep(1500), 'slow answer') },
  {
    name: 'hang',
    description: 'Runs until its call is cancelled',
    run: (_args, ctx) => new Promise((_, reject) => { waiting++; ctx.signal.addEventListener('abort', () => reject(new Error('cancelled'))); }),
  },
  { name: 'waiting', description: 'How many hang calls started', run: () => String(waiting) },
  { name: 'boom', description: 'Fails', run: () => { throw new Error('kaboom'); } },
];
`;

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

let nextId = 1;

/** A 2026-07-28 tools/call with the standard headers, as the SDK client sends it. */
function modernCall(origin: string, name: string, meta: Record<string, unknown> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${origin}/mcp`, {
    method: 'POST',
    headers: { ...JSON_AND_SSE, 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': name },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name, arguments: {}, _meta: { ...MODERN_META, ...meta } } }),
    ...(signal ? { signal } : {}),
  });
}

describe('Streamable HTTP: how a call is answered', () => {
  let server: HttpServer;
  let session: string;
  const sessionCall = (body: unknown) =>
    fetch(`${server.origin}/mcp`, {
      method: 'POST',
      headers: { ...JSON_AND_SSE, 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': '2025-11-25' },
      body: JSON.stringify(body),
    });
  const call = (name: string, meta?: Record<string, unknown>) => ({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name, arguments: {}, ...(meta ? { _meta: meta } : {}) } });

  before(async () => {
    server = await startHttpServer({ transport: 'http-stream', modules: { 'shapes.mjs': MODULE, ...TEST_MODULES } });
    session = await rawInitialize(server.origin);
  });
  after(async () => {
    await server?.stop();
  });

  it('2025 session: a call with nothing else to say is answered with application/json', async () => {
    const request = call('quick');
    const response = await sessionCall(request);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('mcp-session-id'), session);
    const answer = (await response.json()) as any;
    assert.equal(answer.id, request.id);
    assert.deepEqual(answer.result.content, [{ type: 'text', text: 'quick answer' }]);
  });

  it('2025 session: a batch of requests is answered with a JSON array, in order', async () => {
    const first = call('quick');
    const second = call('quick');
    const response = await sessionCall([first, second]);
    assert.equal(response.headers.get('content-type'), 'application/json');
    const answers = (await response.json()) as any;
    assert.deepEqual(
      answers.map((answer: { id: number }) => answer.id),
      [first.id, second.id],
    );
  });

  it('2025 session: a call that logs first becomes an SSE stream (the log, then the result, each with an event id)', async () => {
    const request = call('chatty');
    const response = await sessionCall(request);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const reader = new SseReader(response);
    await reader.until((events) => events.some((e) => e.data?.id === request.id));
    await reader.cancel();
    const messages = reader.events.filter((e) => e.data).map((e) => e.data.method ?? `answer ${e.data.id}`);
    assert.deepEqual(messages, ['notifications/message', `answer ${request.id}`], 'nothing lost, in order');
    assert.ok(
      reader.events.every((e) => e.id),
      'event ids: the stream can be resumed',
    );
  });

  it('2025 session: a progress token gets a stream at once; so does a call still running after a second', async () => {
    for (const request of [call('quick', { progressToken: 'p' }), call('slow')]) {
      const response = await sessionCall(request);
      assert.equal(response.headers.get('content-type'), 'text/event-stream', request.params.name);
      const reader = new SseReader(response);
      await reader.until((events) => events.some((e) => e.data?.id === request.id));
      await reader.cancel();
    }
  });

  it('2026-07-28: a call is answered with application/json, and one that logs (the client asked for logs) with SSE', async () => {
    const quick = await modernCall(server.origin, 'quick');
    assert.equal(quick.status, 200);
    assert.equal(quick.headers.get('content-type'), 'application/json');
    const answer = (await quick.json()) as any;
    assert.deepEqual(answer.result.content, [{ type: 'text', text: 'quick answer' }]);
    assert.equal(answer.result.resultType, 'complete');
    assert.ok(answer.result._meta['io.modelcontextprotocol/serverInfo'], 'the server names itself');

    const chatty = await modernCall(server.origin, 'chatty', { 'io.modelcontextprotocol/logLevel': 'info' });
    assert.equal(chatty.headers.get('content-type'), 'text/event-stream');
    const reader = new SseReader(chatty);
    await reader.until((events) => events.some((e) => e.data?.result));
    await reader.cancel();
    assert.equal(reader.events[0]!.data.method, 'notifications/message');
  });

  it('2026-07-28: calls with the same JSON-RPC id at once each get their own answer', async () => {
    const request = (text: string) =>
      fetch(`${server.origin}/mcp`, {
        method: 'POST',
        headers: { ...JSON_AND_SSE, 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': 'chatty' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'chatty', arguments: { text }, _meta: MODERN_META } }),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));
    const answers = await Promise.all([request('a'), request('b'), request('c')]);
    for (const { status, body } of answers) {
      assert.equal(status, 200);
      assert.equal(body.id, 7);
      assert.deepEqual(body.result.content, [{ type: 'text', text: 'chatty answer' }]);
    }
  });

  it('2026-07-28: a client that leaves cancels its call', async () => {
    const abort = new AbortController();
    const pending = modernCall(server.origin, 'hang', {}, abort.signal).catch(() => undefined);
    await waitFor(async () => ((await (await modernCall(server.origin, 'waiting')).json()) as any).result.content[0].text === '1', 'the hang call to start');
    abort.abort();
    await pending;
    await waitFor(
      async () => sampleValue(await fetchMetrics(`${server.origin}/metrics`), 'mcp_tool_call_duration_seconds_count', { tool: 'hang', outcome: 'cancelled' }) === 1,
      'the call to be cancelled',
    );
    const text = await fetchMetrics(`${server.origin}/metrics`);
    assert.equal(sampleValue(text, 'mcp_requests_total', { method: 'tools/call', transport: 'http-stream', outcome: 'cancelled' }), 1);
  });
  it('2026-07-28 (SDK client): progress and log messages arrive, all before the result', async () => {
    const client = await connectClient(server, 'modern');
    try {
      const { seen, beforeResult, result } = await callWithProgress(client, 3, 20);
      assert.deepEqual(seen, [1, 2, 3]);
      assert.equal(beforeResult, 3, 'no progress after the result');
      assert.deepEqual(result.content, [{ type: 'text', text: 'finished 3 steps' }]);
    } finally {
      await client.close();
    }
  });

  it('2026-07-28: a failing tool, bad arguments and an unknown tool are answered in-band with 200; a header that disagrees with the body with 400', async () => {
    const failing = await modernCall(server.origin, 'boom');
    assert.equal(failing.status, 200);
    assert.equal(failing.headers.get('content-type'), 'application/json');
    const failed = (await failing.json()) as any;
    assert.equal(failed.result.isError, true);
    assert.deepEqual(failed.result.content, [{ type: 'text', text: 'kaboom' }]);

    const bad = await fetch(`${server.origin}/mcp`, {
      method: 'POST',
      headers: { ...JSON_AND_SSE, 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': 'slow_progress' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name: 'slow_progress', arguments: { steps: 'x' }, _meta: MODERN_META } }),
    });
    assert.equal(bad.status, 200);
    const refused = (await bad.json()) as any;
    assert.equal(refused.result.isError, true);
    assert.match(refused.result.content[0].text, /Input validation error/);

    const unknown = await modernCall(server.origin, 'no_such_tool');
    assert.equal(unknown.status, 200);
    assert.equal(((await unknown.json()) as any).error.code, -32602);

    const mismatch = await fetch(`${server.origin}/mcp`, {
      method: 'POST',
      headers: { ...JSON_AND_SSE, 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': 'boom' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name: 'quick', arguments: {}, _meta: MODERN_META } }),
    });
    assert.equal(mismatch.status, 400);
    assert.equal(((await mismatch.json()) as any).error.code, -32020);
  });
});

describe('Streamable HTTP: a call with no answer within transport.requestTimeoutSeconds', () => {
  let server: HttpServer;
  before(async () => {
    server = await startHttpServer({ transport: 'http-stream', modules: { 'shapes.mjs': MODULE }, config: 'transport:\n  requestTimeoutSeconds: 0.5\n' });
  });
  after(async () => {
    await server?.stop();
  });

  const assertTimedOut = async (response: Response) => {
    assert.equal(response.status, 504);
    const answer = (await response.json()) as any;
    assert.equal(answer.error.code, -32000);
    assert.match(answer.error.message, /Request timed out after 0\.5 s/);
  };

  it('gets 504 on a 2025 session, and the session goes on', async () => {
    const session = await rawInitialize(server.origin);
    const post = (name: string) =>
      fetch(`${server.origin}/mcp`, {
        method: 'POST',
        headers: { ...JSON_AND_SSE, 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': '2025-11-25' },
        body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name, arguments: {} } }),
      });
    await assertTimedOut(await post('slow'));
    const quick = await post('quick');
    assert.equal(quick.status, 200);
    assert.deepEqual(((await quick.json()) as any).result.content, [{ type: 'text', text: 'quick answer' }]);
  });

  it('gets 504 as a 2026-07-28 call, and later calls are answered', async () => {
    await assertTimedOut(await modernCall(server.origin, 'slow'));
    const quick = await modernCall(server.origin, 'quick');
    assert.equal(quick.status, 200);
    assert.deepEqual(((await quick.json()) as any).result.content, [{ type: 'text', text: 'quick answer' }]);
  });
});
