import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { startStdioServer, tempDir, textOf } from './helpers/stdio-server.js';
import { waitFor } from './helpers/wait.js';
import { moduleFixture } from './helpers/module-sources.js';

/** `gated` answers once its gate file exists (or when cancelled): a call that stays in flight as long as a test wants. */
const GATE_MODULE = moduleFixture('gate.mjs');

const BUSY = /Server busy: \d+ requests already in flight \(transport\.maxConcurrentRequests\)/;

async function metric(server: HttpServer, pattern: RegExp): Promise<string | undefined> {
  const text = await (await fetch(`${server.origin}/metrics`)).text();
  return pattern.exec(text)?.[1];
}

/** Polls /metrics (bounded) until the in-flight gauge reads `count`. */
async function untilInFlight(server: HttpServer, count: number): Promise<void> {
  const inFlight = async () => (await metric(server, /^mcp_requests_in_flight (\d+)$/m)) === String(count);
  await waitFor(inFlight, `mcp_requests_in_flight to reach ${count}`, { attempts: 400, intervalMs: 25 });
}

const hold = (client: Client, file: string, signal?: AbortSignal) => client.callTool({ name: 'gated', arguments: { gate: file } }, signal ? { signal } : {});

/** Lets the held calls answer; then the slots are free again and the refusals were counted. */
async function releaseAndServeAgain(server: HttpServer, client: Client, release: string, held: Promise<unknown>[], refused: number): Promise<void> {
  await writeFile(release, '');
  for (const result of await Promise.all(held)) assert.equal(textOf(result), 'released');
  await untilInFlight(server, 0);
  assert.ok(textOf(await client.callTool({ name: 'time_now', arguments: {} })).length > 0);
  assert.equal(await metric(server, /^mcp_rejected_requests_total\{reason="concurrency_limit"\} (\d+)$/m), String(refused));
}

describe('transport.maxConcurrentRequests', () => {
  it('Streamable HTTP: a request beyond the limit gets 503 with a JSON-RPC error, counted in /metrics', async () => {
    const server = await startHttpServer({
      transport: 'http-stream',
      modules: { 'gate.mjs': GATE_MODULE },
      config: 'transport:\n  maxConcurrentRequests: 2\n',
    });
    const client = await connectClient(server, 'modern');
    try {
      const release = path.join(server.dir, 'release');
      const held = [hold(client, release), hold(client, release)];
      await untilInFlight(server, 2);

      const refused = await fetch(`${server.origin}/mcp`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 41, method: 'tools/list', params: {} }),
      });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '1');
      const body = (await refused.json()) as { id: number; error: { code: number; message: string } };
      assert.equal(body.id, 41);
      assert.equal(body.error.code, -32000);
      assert.match(body.error.message, BUSY);
      await assert.rejects(client.callTool({ name: 'time_now', arguments: {} }));

      // a notification holds no slot, so it is not refused
      const notification = await fetch(`${server.origin}/mcp`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
      });
      assert.notEqual(notification.status, 503);
      await notification.text();

      await releaseAndServeAgain(server, client, release, held, 2);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('legacy SSE: a request beyond the limit is answered with a JSON-RPC error on the stream', async () => {
    const server = await startHttpServer({ transport: 'sse', modules: { 'gate.mjs': GATE_MODULE }, config: 'transport:\n  maxConcurrentRequests: 1\n' });
    const client = await connectClient(server, 'sse');
    try {
      const release = path.join(server.dir, 'release');
      const held = hold(client, release);
      await untilInFlight(server, 1);
      await assert.rejects(client.callTool({ name: 'time_now', arguments: {} }), BUSY);
      await releaseAndServeAgain(server, client, release, [held], 1);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('stdio: a request beyond the limit gets a JSON-RPC error; a cancelled request frees its slot', async () => {
    const { dir, cleanup } = await tempDir();
    await writeFile(path.join(dir, 'gate.mjs'), GATE_MODULE);
    await writeFile(path.join(dir, 'config.yaml'), 'transport:\n  maxConcurrentRequests: 1\n');
    // the limit comes from ./config.yaml in the server's working directory
    const limited = await startStdioServer({ era: 'legacy', args: ['--tools-dir', dir, '--data-dir', path.join(dir, 'data')], cwd: dir });
    try {
      const release = path.join(dir, 'release');
      const held = hold(limited.client, release);
      await assert.rejects(limited.client.callTool({ name: 'time_now', arguments: {} }), BUSY);
      await writeFile(release, '');
      assert.equal(textOf(await held), 'released');

      const cancel = new AbortController();
      const never = path.join(dir, 'never');
      const cancelled = hold(limited.client, never, cancel.signal);
      await waitFor(() => limited.stderr().includes(`holding ${never}`), 'the call to cancel to be running', { attempts: 400, intervalMs: 25 });
      cancel.abort();
      await assert.rejects(cancelled);
      assert.ok(textOf(await limited.client.callTool({ name: 'time_now', arguments: {} })).length > 0, 'the cancelled call no longer holds the slot');
      assert.match(limited.stderr(), /request refused: transport\.maxConcurrentRequests reached/);
    } finally {
      await limited.close();
      await cleanup();
    }
  });
});
