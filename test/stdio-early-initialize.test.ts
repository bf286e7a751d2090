import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JSON_AND_SSE, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { INITIALIZED, startRawStdio, type RawStdio } from './helpers/stdio-raw.js';
import { repoRoot } from './helpers/stdio-server.js';
import { tempDir } from './helpers/temp-dir.js';

const holdSdk = path.join(repoRoot, 'test', 'fixtures', 'hold-sdk', 'register.mjs');
const MISMATCH = /answered ahead differently/;

const CONFIG = ['server:', '  name: early-answers', '  version: 3.1.4', '  description: Answers initialize early', '  instructions: Call echo first.', 'logging:', '  level: info', ''].join('\n');

const initialize = (id: number | string, params: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'initialize', params });
const plain = (protocolVersion: string, capabilities: Record<string, unknown> = {}, clientInfo: Record<string, unknown> = { name: 'raw', version: '1' }) => ({
  protocolVersion,
  capabilities,
  clientInfo,
});

/**
 * What the server answers to `initialize` over HTTP (a 2025 session; a request follows, so that the
 * session's SDK server is built and checks an answer given ahead against its own).
 */
async function answerOverHttp(server: HttpServer, params: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: JSON_AND_SSE, body: JSON.stringify(initialize(1, params)) });
  const text = await response.text();
  const sse = response.headers.get('content-type')?.includes('text/event-stream');
  const json = sse
    ? text
        .split('\n')
        .find((line) => line.startsWith('data: '))!
        .slice(6)
    : text;
  const session = { 'Mcp-Session-Id': response.headers.get('mcp-session-id')!, 'Mcp-Protocol-Version': '2025-11-25' };
  const ping = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: { ...JSON_AND_SSE, ...session }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }) });
  await ping.text();
  return (JSON.parse(json) as { result?: unknown; error?: unknown }).result ?? JSON.parse(json);
}

/** Runs the stdio server (with `config`) for one `initialize`; returns its answer and what it logged. */
async function answerOverStdio(configFile: string, dataDir: string, params: Record<string, unknown>): Promise<{ answer: Record<string, any>; stderr: string }> {
  const server = startRawStdio({ args: ['--config', configFile, '--data-dir', dataDir] });
  try {
    server.send(initialize(7, params));
    const answer = await server.response(7);
    server.send(INITIALIZED);
    server.send({ jsonrpc: '2.0', id: 8, method: 'ping' });
    await server.response(8); // the server has taken the connection over (and checked the early answer)
    server.child.stdin.end();
    assert.equal(await server.exited, 0);
    return { answer, stderr: server.stderr() };
  } finally {
    server.kill();
  }
}

describe('stdio: initialize answered while the server loads', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let configFile: string;
  let http: HttpServer;

  before(async () => {
    ({ dir, cleanup } = await tempDir('mcp-early-init-'));
    configFile = path.join(dir, 'config.yaml');
    await writeFile(configFile, CONFIG);
    http = await startHttpServer({ transport: 'http-stream', config: CONFIG });
  });
  after(async () => {
    await http?.stop();
    await cleanup?.();
  });

  it('answers a plain initialize before the MCP SDK has loaded, then serves as usual', async () => {
    const release = path.join(dir, 'release-sdk');
    const server: RawStdio = startRawStdio({
      args: ['--config', configFile, '--data-dir', path.join(dir, 'held')],
      env: { NODE_OPTIONS: `--import ${holdSdk}`, MCP_TEST_HOLD_SDK: release },
    });
    try {
      server.send(initialize(1, plain('2025-11-25')));
      server.send(INITIALIZED);
      server.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
      // the SDK is held back for 20 s: an answer within 10 s came without it
      const answer = await server.response(1, 10_000);
      assert.equal(answer.result.serverInfo.name, 'early-answers');
      assert.equal(server.lines.length, 1, 'nothing else was answered before the SDK loaded');
      await writeFile(release, '');
      const list = await server.response(2);
      assert.ok(list.result.tools.some((tool: { name: string }) => tool.name === 'kv_get'));
      server.child.stdin.end();
      assert.equal(await server.exited, 0);
      assert.doesNotMatch(server.stderr(), MISMATCH);
    } finally {
      server.kill();
    }
  });

  it('answers exactly as the SDK does (over HTTP, and as each server checks it), for each protocol version and the capabilities clients send, and leaves unusual requests to the SDK', async () => {
    const cases = [
      plain('2025-11-25'),
      plain('2025-06-18', { roots: { listChanged: true }, sampling: {}, elicitation: {} }),
      plain('2025-03-26', { experimental: { x: { on: true } }, elicitation: { form: { applyDefaults: true }, url: {} } }),
      plain('2024-11-05', { sampling: { tools: {} } }, { name: 'raw', version: '1', title: 'Raw client' }),
      plain('1999-01-01'), // unknown: the latest is offered
      plain('2026-07-28'), // asked for through initialize: the latest 2025-era version
      plain('2025-11-25', {}, { name: 'raw', version: '1', icons: [{ src: 'https://example.com/i.png' }] }), // left to the SDK
      plain('2025-11-25', { tasks: { list: {} } }), // left to the SDK
    ];
    for (const [index, params] of cases.entries()) {
      const { answer, stderr } = await answerOverStdio(configFile, path.join(dir, `data-${index}`), params);
      assert.deepEqual(answer.result, await answerOverHttp(http, params), JSON.stringify(params));
      assert.doesNotMatch(stderr, MISMATCH);
    }
    assert.doesNotMatch(http.stderr(), MISMATCH);
  });

  it('leaves an initialize the SDK refuses to the SDK (an error, not an early answer)', async () => {
    const server = startRawStdio({ args: ['--config', configFile, '--data-dir', path.join(dir, 'refused')] });
    try {
      server.send(initialize(1, plain('2025-11-25', { roots: { listChanged: 'yes' } })));
      const answer = await server.response(1);
      assert.match(String(answer.error?.message), /listChanged/, JSON.stringify(answer));
      assert.equal(answer.result, undefined);
    } finally {
      server.kill();
    }
  });

  it('a client that writes initialize, initialized and a request and closes stdin at once gets both answers, and the server exits 0', async () => {
    const server = startRawStdio({ args: ['--config', configFile, '--data-dir', path.join(dir, 'piped')] });
    try {
      server.send(initialize(1, plain('2025-11-25')));
      server.send(INITIALIZED);
      server.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'kv_set', arguments: { key: 'k', value: 1 } } });
      server.child.stdin.end();
      assert.equal(await server.exited, 0);
      const answers = server.lines.map((line) => JSON.parse(line) as { id: number; result?: { isError?: boolean } });
      assert.deepEqual(
        answers.map((message) => message.id),
        [1, 2],
      );
      assert.notEqual(answers[1]!.result?.isError, true);
      assert.doesNotMatch(server.stderr(), MISMATCH);
    } finally {
      server.kill();
    }
  });

  it('a client that writes only initialize and closes stdin gets its answer, and the server exits 0', async () => {
    const server = startRawStdio({ args: ['--config', configFile, '--data-dir', path.join(dir, 'only-init')] });
    try {
      server.send(initialize(1, plain('2025-11-25')));
      server.child.stdin.end();
      assert.equal(await server.exited, 0);
      assert.equal(server.lines.length, 1);
      assert.equal((JSON.parse(server.lines[0]!) as { id: number }).id, 1);
      assert.doesNotMatch(server.stderr(), MISMATCH);
    } finally {
      server.kill();
    }
  });
});
