import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { JSON_AND_SSE, rawInitialize, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { fetchMetrics, sampleValue } from './helpers/metrics.js';
import { waitFor } from './helpers/wait.js';

const MODULE = `
export default [
  {
    name: 'big',
    description: 'Answers with a string of the given size',
    input: { type: 'object', properties: { size: { type: 'number' } }, required: ['size'] },
    run: ({ size }) => 'x'.repeat(size),
  },
  {
    name: 'flood',
    description: 'Sends progress notifications with large messages',
    input: { type: 'object', properties: { count: { type: 'number' }, size: { type: 'number' } }, required: ['count', 'size'] },
    async run({ count, size }, ctx) {
      for (let i = 1; i <= count; i++) await ctx.progress(i, count, 'x'.repeat(size));
      return 'flooded';
    },
  },
];
`;

const sessionHeaders = (sessionId: string) => ({ ...JSON_AND_SSE, 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-11-25' });
let nextId = 100;
const callBody = (name: string, args: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name, arguments: args, _meta: meta } });

/** Calls `big` in a 2025 session, asking for progress (so the answer is a resumable stream), and reads it; resolves with the event ids (priming first). */
async function bigCall(origin: string, sessionId: string, size: number): Promise<string[]> {
  const response = await fetch(`${origin}/mcp`, { method: 'POST', headers: sessionHeaders(sessionId), body: callBody('big', { size }, { progressToken: `big-${nextId}` }) });
  const text = await response.text();
  assert.ok(text.includes('x'.repeat(1000)), 'the call was answered');
  return [...text.matchAll(/^id: ?(.+)$/gm)].map((match) => match[1]!);
}

/** GET with Last-Event-ID: the status, and the replayed text when it was 200. */
async function replay(origin: string, sessionId: string, lastEventId: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${origin}/mcp`, { headers: { ...sessionHeaders(sessionId), Accept: 'text/event-stream', 'Last-Event-ID': lastEventId }, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, text: await response.text() };
}

/** Sends a request and never reads the answer (the response is paused, so TCP backpressure builds up). */
function requestWithoutReading(url: string, options: { method: string; headers?: Record<string, string>; body?: string }): { destroy(): void } {
  const request = http.request(url, { method: options.method, headers: options.headers }, (response) => response.pause());
  request.on('error', () => undefined); // the server closing the connection is the expected outcome
  request.end(options.body);
  return { destroy: () => request.destroy() };
}

describe('Streamable HTTP: memory bounded in bytes', () => {
  let server: HttpServer;
  before(async () => {
    server = await startHttpServer({
      transport: 'http-stream',
      modules: { 'big.mjs': MODULE },
      config: 'transport:\n  maxUnreadStreamBytes: 65536\n  eventStore:\n    maxBytesPerSession: 250000\n    maxBytesTotal: 400000\n',
    });
  });
  after(async () => {
    await server?.stop();
  });

  it('keeps only the newest events per session and in total, and refuses a replay that would skip dropped ones', async () => {
    const a = await rawInitialize(server.origin);
    const aCalls: string[][] = [];
    for (let i = 0; i < 4; i++) aCalls.push(await bigCall(server.origin, a, 100_000));
    // ~100 KB per answer against 250 KB per session: the first answers are gone, the last ones kept.
    assert.equal((await replay(server.origin, a, aCalls[0]![0]!)).status, 400, 'a replay over dropped events is refused');
    const kept = await replay(server.origin, a, aCalls[3]![0]!);
    assert.equal(kept.status, 200);
    assert.ok(kept.text.includes('x'.repeat(99_000)), 'the newest answer is replayed');
    assert.equal((await replay(server.origin, a, aCalls[2]![0]!)).status, 200);

    // Another session's answers push the total past 400 KB: the oldest events of all go first.
    const b = await rawInitialize(server.origin);
    const bCalls = [await bigCall(server.origin, b, 100_000), await bigCall(server.origin, b, 100_000)];
    assert.equal((await replay(server.origin, a, aCalls[2]![0]!)).status, 400, 'the oldest event of all was dropped for the total cap');
    assert.equal((await replay(server.origin, b, bCalls[0]![0]!)).status, 200);
  });

  it('closes a response stream whose client stops reading once transport.maxUnreadStreamBytes wait', async () => {
    const sessionId = await rawInitialize(server.origin);
    const stuck = requestWithoutReading(`${server.origin}/mcp`, {
      method: 'POST',
      headers: sessionHeaders(sessionId),
      body: callBody('flood', { count: 40, size: 1_000_000 }, { progressToken: 'flood' }),
    });
    try {
      await waitFor(() => /closed an SSE stream: the client left more than transport\.maxUnreadStreamBytes unread/.test(server.stderr()), 'the log line about the unread stream', { attempts: 600 });
      assert.match(server.stderr(), new RegExp(`"session":"${sessionId}","unreadBytes":\\d+,"maxUnreadStreamBytes":65536`));
      const ping = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: sessionHeaders(sessionId), body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
      assert.equal(ping.status, 200, 'the session goes on');
      await ping.text();
    } finally {
      stuck.destroy();
    }
  });
});

describe('legacy SSE: a stream nobody reads is closed', () => {
  let server: HttpServer;
  before(async () => {
    server = await startHttpServer({ transport: 'sse', modules: { 'big.mjs': MODULE }, config: 'transport:\n  maxUnreadStreamBytes: 65536\n' });
  });
  after(async () => {
    await server?.stop();
  });

  it('closes the stream (with a log line) once transport.maxUnreadStreamBytes wait unread', async () => {
    let endpoint: string | undefined;
    const request = http.request(`${server.origin}/sse`, { headers: { Accept: 'text/event-stream' } }, (response) => {
      response.once('data', (chunk: Buffer) => {
        endpoint = /data: (.+)\n/.exec(chunk.toString('utf8'))?.[1];
        response.pause(); // from now on nothing is read
      });
    });
    request.on('error', () => undefined);
    request.end();
    try {
      await waitFor(() => endpoint !== undefined, 'the endpoint event');
      const overflowed = () => /closed an SSE stream: the client left more than transport\.maxUnreadStreamBytes unread/.test(server.stderr());
      for (let i = 0; i < 80 && !overflowed(); i++) {
        const posted = await fetch(`${server.origin}${endpoint}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: callBody('big', { size: 1_000_000 }) });
        await posted.text();
        if (posted.status === 404) break; // the session is already gone
      }
      await waitFor(overflowed, 'the log line about the unread stream');
      let sessions = -1;
      for (let i = 0; i < 100 && sessions !== 0; i++) {
        sessions = ((await (await fetch(`${server.origin}/info`)).json()) as { sessions: number }).sessions;
        if (sessions !== 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(sessions, 0, 'the session closed with its stream');
    } finally {
      request.destroy();
    }
  });
});

describe('Streamable HTTP: memory of closed sessions is given back', () => {
  const SESSIONS = 300;
  let server: HttpServer;
  before(async () => {
    server = await startHttpServer({ transport: 'http-stream', config: `transport:\n  sessions:\n    idleTimeoutSeconds: 1\n    max: ${SESSIONS + 50}\n    maxPerCaller: ${SESSIONS + 50}\n` });
  });
  after(async () => {
    await server?.stop();
  });

  const metric = async (name: string, labels: Record<string, string> = {}) => sampleValue(await fetchMetrics(`${server.origin}/metrics`), name, labels) ?? Number.NaN;

  it('after many sessions expire on a quiet server, their memory is collected (the heap shrinks back)', async () => {
    const before = await metric('nodejs_heap_size_used_bytes');
    for (let opened = 0; opened < SESSIONS; opened += 20) await Promise.all(Array.from({ length: 20 }, () => rawInitialize(server.origin)));
    const open = await metric('nodejs_heap_size_used_bytes');
    // polled slowly: scraping allocates, and enough of it would trigger the collection by itself
    assert.ok(open > before, 'sessions take memory');
    await waitFor(async () => (await metric('mcp_sessions', { transport: 'http-stream' })) === 0, 'the sessions to expire', { attempts: 30, intervalMs: 1000 });
    await waitFor(async () => (await metric('nodejs_heap_size_used_bytes')) < before + (open - before) / 2, 'the heap to shrink', { attempts: 15, intervalMs: 1000 });
  });
});
