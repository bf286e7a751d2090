import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectClient, freePort, startHttpServer } from './helpers/http-server.js';
import { rawRequest } from './helpers/http-raw.js';
import { fetchMetrics, sampleValue } from './helpers/metrics.js';
import { waitFor } from './helpers/wait.js';
import { startStdioServerWithModules } from './helpers/stdio-server.js';

const MODULE = `
export default [
  { name: 'boom', description: 'Always throws', run: () => { throw new Error('kaboom'); } },
  {
    name: 'wait_forever',
    description: 'Runs until cancelled',
    run: (_args, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('cancelled')))),
  },
];
`;

describe('metrics', () => {
  it('under stdio: --metrics-port serves requests, tool runs, storage operations, the session and process metrics', async () => {
    const port = await freePort();
    const server = await startStdioServerWithModules({ era: 'legacy', modules: { 'faults.mjs': MODULE }, args: ['--metrics-port', String(port)] });
    try {
      const { client } = server;
      assert.notEqual((await client.callTool({ name: 'kv_set', arguments: { key: 'k', value: 1 } })).isError, true);
      assert.notEqual((await client.callTool({ name: 'kv_get', arguments: { key: 'k' } })).isError, true);
      assert.equal((await client.callTool({ name: 'boom', arguments: {} })).isError, true);
      await assert.rejects(client.getPrompt({ name: 'no_such_prompt' }));
      const abort = new AbortController();
      const waiting = client.callTool({ name: 'wait_forever', arguments: {} }, { signal: abort.signal });
      setTimeout(() => abort.abort(), 200);
      await assert.rejects(waiting);

      const url = `http://127.0.0.1:${port}/metrics`;
      // a cancellation is counted a moment after the client sent it
      let text = '';
      await waitFor(async () => sampleValue((text = await fetchMetrics(url)), 'mcp_tool_call_duration_seconds_count', { tool: 'wait_forever', outcome: 'cancelled' }) === 1, 'the cancelled run');
      const requests = (method: string, outcome: string) => sampleValue(text, 'mcp_requests_total', { method, transport: 'stdio', outcome });
      assert.equal(requests('initialize', 'ok'), 1);
      assert.equal(requests('tools/call', 'ok'), 3, 'an error result is still an answered request');
      assert.equal(requests('prompts/get', 'error'), 1);
      assert.equal(requests('tools/call', 'cancelled'), 1);
      const runs = (tool: string, outcome: string) => sampleValue(text, 'mcp_tool_call_duration_seconds_count', { tool, outcome });
      assert.equal(runs('kv_set', 'ok'), 1);
      assert.equal(runs('kv_get', 'ok'), 1);
      assert.equal(runs('boom', 'error'), 1);
      assert.equal(runs('wait_forever', 'cancelled'), 1);
      assert.ok((sampleValue(text, 'mcp_storage_operation_duration_seconds_count', { engine: 'lowdb', op: 'put' }) ?? 0) >= 1);
      assert.ok((sampleValue(text, 'mcp_storage_operation_duration_seconds_count', { engine: 'lowdb', op: 'get' }) ?? 0) >= 1);
      assert.equal(sampleValue(text, 'mcp_sessions', { transport: 'stdio' }), 1);
      assert.ok((sampleValue(text, 'process_resident_memory_bytes') ?? 0) > 0);
      assert.ok(sampleValue(text, 'nodejs_eventloop_lag_seconds') !== undefined);
      assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
    } finally {
      await server.close();
    }
  });

  it('over HTTP: one set of metrics for 2025 sessions, 2026 requests and legacy SSE on one server', async () => {
    const server = await startHttpServer({ transport: 'http-stream', config: 'transport:\n  legacySse: true\n' });
    try {
      const clients = await Promise.all((['legacy', 'modern', 'sse'] as const).map((kind) => connectClient(server, kind)));
      for (const client of clients) assert.notEqual((await client.callTool({ name: 'time_now', arguments: {} })).isError, true);
      const refused = await rawRequest(`${server.origin}/mcp`, { method: 'POST', headers: { Host: 'evil.example.com', 'Content-Type': 'application/json' }, body: '{}' });
      assert.equal(refused.status, 403);

      const text = await fetchMetrics(`${server.origin}/metrics`);
      await Promise.all(clients.map((client) => client.close()));
      assert.equal(sampleValue(text, 'mcp_requests_total', { method: 'tools/call', transport: 'http-stream', outcome: 'ok' }), 2);
      assert.equal(sampleValue(text, 'mcp_requests_total', { method: 'tools/call', transport: 'sse', outcome: 'ok' }), 1);
      assert.ok((sampleValue(text, 'mcp_requests_total', { method: 'server/discover', transport: 'http-stream', outcome: 'ok' }) ?? 0) >= 1);
      assert.equal(sampleValue(text, 'mcp_tool_call_duration_seconds_count', { tool: 'time_now', outcome: 'ok' }), 3);
      assert.equal(sampleValue(text, 'mcp_sessions', { transport: 'http-stream' }), 1);
      assert.equal(sampleValue(text, 'mcp_sessions', { transport: 'sse' }), 1);
      assert.equal(sampleValue(text, 'mcp_rejected_requests_total', { reason: 'host' }), 1);
      assert.ok((sampleValue(text, 'mcp_http_requests_total', { route: '/mcp', method: 'POST', status: '200' }) ?? 0) >= 2);
    } finally {
      await server.stop();
    }
  });
});
