import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callWithProgress, connectClient, JSON_AND_SSE, rawInitialize, startHttpServer, TEST_MODULES, type HttpServer } from './helpers/http-server.js';
import { SseReader } from './helpers/http-sse-reader.js';
import { pollFor } from './helpers/wait.js';

const SESSION_HEADERS = (sessionId: string) => ({ ...JSON_AND_SSE, 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-11-25' });

describe('Streamable HTTP transport', () => {
  let server: HttpServer;
  let mcp: string;
  before(async () => {
    server = await startHttpServer({ transport: 'http-stream', modules: TEST_MODULES });
    mcp = `${server.origin}/mcp`;
  });
  after(async () => {
    await server?.stop();
  });

  const post = (body: string, headers: Record<string, string> = JSON_AND_SSE) => fetch(mcp, { method: 'POST', headers, body });

  describe('operational endpoints', () => {
    it('/health, /ready and /info answer without secrets', async () => {
      assert.deepEqual(await (await fetch(`${server.origin}/health`)).json(), { status: 'ok' });
      const ready = await fetch(`${server.origin}/ready`);
      assert.equal(ready.status, 200);
      const info = (await (await fetch(`${server.origin}/info`)).json()) as Record<string, unknown>;
      assert.equal(info.name, 'mcp-server');
      assert.equal(info.transport, 'http-stream');
      assert.equal(typeof info.version, 'string');
      assert.ok((info.tools as number) >= 13, 'built-ins plus the test modules');
      assert.equal(typeof info.resources, 'number');
      assert.equal(typeof info.prompts, 'number');
    });

    it('/metrics exposes request, tool-call and session metrics in Prometheus text', async () => {
      const client = await connectClient(server, 'legacy');
      await client.callTool({ name: 'time_now', arguments: {} });
      const text = await (await fetch(`${server.origin}/metrics`)).text();
      await client.close();
      assert.match(text, /mcp_http_requests_total\{route="\/mcp",method="POST",status="200"\} \d+/);
      assert.match(text, /mcp_requests_total\{method="tools\/call",transport="http-stream",outcome="ok"\} [1-9]/);
      assert.match(text, /mcp_tool_call_duration_seconds_count\{tool="time_now",outcome="ok"\} [1-9]/);
      assert.match(text, /mcp_sessions\{transport="http-stream"\} \d+/);
    });
  });

  describe('2025 sessions', () => {
    it('a request without Mcp-Session-Id that is not initialize gets 400', async () => {
      const response = await post(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list' }));
      assert.equal(response.status, 400);
      const body = (await response.json()) as { error: { code: number } };
      assert.equal(body.error.code, -32000);
    });

    it('an unknown session gets 404, and so does a session after DELETE', async () => {
      const unknown = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }), SESSION_HEADERS('no-such-session'));
      assert.equal(unknown.status, 404);
      await unknown.text();

      const sessionId = await rawInitialize(server.origin);
      const ping = await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }), SESSION_HEADERS(sessionId));
      assert.equal(ping.status, 200);
      await ping.text();
      const deleted = await fetch(mcp, { method: 'DELETE', headers: SESSION_HEADERS(sessionId) });
      assert.equal(deleted.status, 200);
      const afterDelete = await post(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' }), SESSION_HEADERS(sessionId));
      assert.equal(afterDelete.status, 404);
      await afterDelete.text();
    });

    it('the SDK client terminates its session on close', async () => {
      const client = await connectClient(server, 'legacy');
      const transport = client.transport as unknown as { sessionId?: string; terminateSession(): Promise<void> };
      const sessionId = transport.sessionId!;
      assert.ok(sessionId);
      await transport.terminateSession();
      await client.close();
      const response = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }), SESSION_HEADERS(sessionId));
      assert.equal(response.status, 404);
      await response.text();
    });
  });

  describe('malformed input', () => {
    it('answers invalid JSON with -32700 and a non-JSON-RPC body with -32600, and keeps serving', async () => {
      const parse = await post('{"jsonrpc": "2.0", "id": 1, "method": ');
      assert.equal(parse.status, 400);
      assert.equal(((await parse.json()) as { error: { code: number } }).error.code, -32700);

      const invalid = await post(JSON.stringify({ hello: 'world' }));
      assert.equal(invalid.status, 400);
      assert.equal(((await invalid.json()) as { error: { code: number } }).error.code, -32600);

      const sessionId = await rawInitialize(server.origin);
      const inSession = await post('not json at all', SESSION_HEADERS(sessionId));
      assert.equal(inSession.status, 400);
      assert.equal(((await inSession.json()) as { error: { code: number } }).error.code, -32700);

      for (const kind of ['modern', 'legacy'] as const) {
        const client = await connectClient(server, kind);
        const result = await client.callTool({ name: 'time_now', arguments: {} });
        assert.notEqual(result.isError, true);
        await client.close();
      }
    });
  });

  describe('streaming', () => {
    for (const kind of ['modern', 'legacy'] as const) {
      it(`progress notifications reach a ${kind === 'modern' ? '2026' : '2025'} client while the call runs`, async () => {
        const client = await connectClient(server, kind);
        const { seen, beforeResult, result } = await callWithProgress(client, 3, 150);
        await client.close();
        assert.deepEqual(seen, [1, 2, 3]);
        assert.equal(beforeResult, 3);
        assert.deepEqual(result.content, [{ type: 'text', text: 'finished 3 steps' }]);
      });
    }

    it('a dropped stream resumes with Last-Event-ID: missed events are replayed, then the result', async () => {
      const sessionId = await rawInitialize(server.origin);
      const controller = new AbortController();
      const call = await fetch(mcp, {
        method: 'POST',
        headers: SESSION_HEADERS(sessionId),
        signal: controller.signal,
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 7,
          method: 'tools/call',
          params: { name: 'slow_progress', arguments: { steps: 4, delay_ms: 300 }, _meta: { progressToken: 'tok' } },
        }),
      });
      assert.equal(call.headers.get('content-type'), 'text/event-stream');
      const first = new SseReader(call);
      await first.until((events) => events.some((e) => e.data?.params?.progress === 1));
      const lastEventId = first.events.findLast((e) => e.id)!.id!;
      controller.abort();
      await first.cancel();

      // Until the server notices the dropped connection the stream counts as open (409), so retry
      // the way clients do after the SSE retry interval.
      const resumed = await pollFor(
        async () => {
          const response = await fetch(mcp, { headers: { ...SESSION_HEADERS(sessionId), Accept: 'text/event-stream', 'Last-Event-ID': lastEventId } });
          if (response.status !== 409) return response;
          await response.text();
          return undefined;
        },
        'the dropped stream to be noticed (409 until then)',
        { attempts: 30 },
      );
      assert.equal(resumed.status, 200);
      const second = new SseReader(resumed);
      await second.until((events) => events.some((e) => e.data?.id === 7));
      await second.cancel();
      const progress = second.events.filter((e) => e.data?.method === 'notifications/progress').map((e) => e.data.params.progress);
      assert.deepEqual(progress, [2, 3, 4]);
      const response = second.events.find((e) => e.data?.id === 7)!.data;
      assert.deepEqual(response.result.content, [{ type: 'text', text: 'finished 4 steps' }]);
    });

    it('a Last-Event-ID from another session is refused', async () => {
      const owner = await rawInitialize(server.origin);
      const call = await fetch(mcp, {
        method: 'POST',
        headers: SESSION_HEADERS(owner),
        // a client asking for progress gets a resumable stream (event ids) at once
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'time_now', arguments: {}, _meta: { progressToken: 'p9' } } }),
      });
      const reader = new SseReader(call);
      await reader.until((events) => events.some((e) => e.data?.id === 9));
      const eventId = reader.events.find((e) => e.id)?.id;
      assert.ok(eventId);
      const other = await rawInitialize(server.origin);
      const replay = await fetch(mcp, { headers: { ...SESSION_HEADERS(other), Accept: 'text/event-stream', 'Last-Event-ID': eventId } });
      assert.notEqual(replay.status, 200);
      await replay.text();
    });
  });
});
