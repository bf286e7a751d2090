import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JSON_AND_SSE, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { fetchMetrics, sampleValue } from './helpers/metrics.js';

const MISMATCH = /answered ahead differently/;
const CONFIG = ['server:', '  name: lazy-sessions', '  instructions: Say hello.', 'transport:', '  rateLimit:', '    enabled: false', ''].join('\n');

/** POSTs one message to a 2025 session (or opens one); returns the answer (JSON or the SSE data line) and the session id. */
async function post(server: HttpServer, message: object, session?: string): Promise<{ answer: any; session: string | undefined; status: number }> {
  const headers: Record<string, string> = { ...JSON_AND_SSE, ...(session ? { 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': '2025-11-25' } : {}) };
  const response = await fetch(`${server.origin}/mcp`, { method: 'POST', headers, body: JSON.stringify(message) });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('text/event-stream')
    ? text
        .split('\n')
        .find((line) => line.startsWith('data: {'))
        ?.slice(6)
    : text;
  return { answer: json ? JSON.parse(json) : undefined, session: response.headers.get('mcp-session-id') ?? session, status: response.status };
}

const initialize = (id: number, protocolVersion = '2025-11-25') => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities: { roots: { listChanged: true } }, clientInfo: { name: 'lazy', version: '1' } },
});
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };

/** 2025 sessions whose SDK server is built on their first request (src/transports/http/lazy-session-server.ts). */
describe('2025 sessions: the SDK server is built on the first request', () => {
  let server: HttpServer;
  before(async () => {
    server = await startHttpServer({ transport: 'http-stream', config: CONFIG });
  });
  after(async () => {
    await server?.stop();
  });

  it('answers initialize as the SDK does (its answer to the replayed request matches), then serves the session', async () => {
    for (const version of ['2025-11-25', '2025-06-18', '2024-11-05', '1999-01-01']) {
      const opened = await post(server, initialize(1, version));
      assert.equal(opened.answer.result.serverInfo.name, 'lazy-sessions');
      assert.equal(opened.answer.result.instructions, 'Say hello.');
      assert.equal(opened.answer.result.protocolVersion, version === '1999-01-01' ? '2025-11-25' : version);
      assert.equal((await post(server, INITIALIZED, opened.session)).status, 202);
      const listed = await post(server, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, opened.session);
      assert.ok(listed.answer.result.tools.some((tool: { name: string }) => tool.name === 'kv_get'));
      const called = await post(server, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'kv_set', arguments: { key: version, value: 1 } } }, opened.session);
      assert.notEqual(called.answer.result.isError, true, JSON.stringify(called.answer));
    }
    assert.doesNotMatch(server.stderr(), MISMATCH);
  });

  it("counts each session's initialize once, whether or not the session ever makes a request", async () => {
    const count = async () => sampleValue(await fetchMetrics(`${server.origin}/metrics`), 'mcp_requests_total', { method: 'initialize', transport: 'http-stream', outcome: 'ok' }) ?? 0;
    const before = await count();
    const idle = await post(server, initialize(1));
    await post(server, INITIALIZED, idle.session);
    const busy = await post(server, initialize(1));
    await post(server, INITIALIZED, busy.session);
    await post(server, { jsonrpc: '2.0', id: 2, method: 'ping' }, busy.session);
    assert.equal((await count()) - before, 2);
  });
});
