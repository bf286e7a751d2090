import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { probableStart } from '../src/cli/prestart.js';
import { connectClient, startHttpServer } from './helpers/http-server.js';
import { repoRoot, startStdioServer } from './helpers/stdio-server.js';
import { tempDir, tempDirForFile } from './helpers/temp-dir.js';

const register = path.join(repoRoot, 'test', 'fixtures', 'load-trace', 'register.mjs');

/** Packages a server over stdio needs only once configured to (another transport, an engine, watching, upstreams). */
const PACKAGES_NOT_AT_START = [
  '/node_modules/hono/',
  '/node_modules/@hono/node-server/',
  '/node_modules/@modelcontextprotocol/client/',
  '/node_modules/@modelcontextprotocol/server-legacy/',
  '/node_modules/chokidar/',
  '/node_modules/tar/',
  '/node_modules/tsx/',
  '/node_modules/@lancedb/',
  '/node_modules/@duckdb/',
  '/node_modules/apache-arrow/',
  'node:inspector',
  'node:http',
];

/**
 * The server's own code loaded on demand (file names under dist/, or the chunks scripts/bundle-cli.mjs
 * names after them): the HTTP transports, the worker pool, the upstream client, other commands.
 */
const OWN_NOT_AT_START = /\/(serve-http|pool|upstream|metrics-server|dev|init|validate|storage-command|backup|profiles)(-[A-Z0-9]{8})?\.js$/;

describe('start-up loads only what serving over stdio needs', () => {
  it('a stdio server on lowdb with the built-in modules answers without the HTTP stack, the other engines, the watcher, the worker pool, the upstream client or the TypeScript compiler', async () => {
    const { dir, cleanup } = await tempDir('mcp-load-trace-');
    const trace = path.join(dir, 'loaded.txt');
    const server = await startStdioServer({
      era: 'legacy',
      args: ['--data-dir', path.join(dir, 'data')],
      env: { NODE_OPTIONS: `--import ${register}`, MCP_TEST_LOAD_TRACE: trace },
    });
    try {
      const { tools } = await server.client.listTools();
      assert.ok(
        tools.some((tool) => tool.name === 'kv_get'),
        'the built-in modules are served',
      );
      const loaded = (await readFile(trace, 'utf8')).split('\n').filter(Boolean);
      // the trace saw the server's own loading: the engine's code is imported when storage opens
      // (dist/storage/lowdb/backend.js, or its chunk), the built-in modules when they load
      assert.ok(
        loaded.some((url) => /\/backend(-[A-Z0-9]{8})?\.js$/.test(url)),
        'the trace recorded the storage engine',
      );
      assert.ok(
        loaded.some((url) => url.includes('/dist/tools/')),
        'the trace recorded the built-in modules (compiled)',
      );
      const early = loaded.filter((url) => PACKAGES_NOT_AT_START.some((part) => url.includes(part)) || OWN_NOT_AT_START.test(url));
      assert.deepEqual(early, []);
    } finally {
      await server.close();
      await cleanup();
    }
  });
});

describe('start-up loads only what serving Streamable HTTP needs', () => {
  it('an http-stream server without transport.legacySse never loads the legacy SSE SDK', async () => {
    const { dir, cleanup } = await tempDir('mcp-load-trace-');
    const trace = path.join(dir, 'loaded.txt');
    const server = await startHttpServer({ transport: 'http-stream', env: { NODE_OPTIONS: `--import ${register}`, MCP_TEST_LOAD_TRACE: trace } });
    try {
      const client = await connectClient(server, 'legacy');
      assert.ok((await client.listTools()).tools.length > 0);
      await client.close();
      const loaded = (await readFile(trace, 'utf8')).split('\n').filter(Boolean);
      assert.ok(
        loaded.some((url) => url.includes('/node_modules/hono/')),
        'the trace recorded the HTTP stack',
      );
      assert.deepEqual(
        loaded.filter((url) => url.includes('/node_modules/@modelcontextprotocol/server-legacy/')),
        [],
      );
    } finally {
      await server.stop();
      await cleanup();
    }
  });
});

describe('probableStart (starting the stdout move early, or loading the server alongside the CLI)', () => {
  const noConfigHere = tempDirForFile(); // no ./config.yaml

  it('is stdio when nothing names another transport or an action', async () => {
    assert.equal(await probableStart([], {}, noConfigHere), 'stdio');
    assert.equal(await probableStart(['--transport', 'stdio', '--config', 'c.yaml'], {}, noConfigHere), 'stdio');
    assert.equal(await probableStart(['--transport=STDIO'], {}, noConfigHere), 'stdio');
    assert.equal(await probableStart([], { MCP_TRANSPORT_TYPE: 'stdio' }, noConfigHere), 'stdio');
  });

  it('is network for another transport (flag or environment), command for an action or a subcommand', async () => {
    assert.equal(await probableStart(['--transport', 'http-stream'], {}, noConfigHere), 'network');
    assert.equal(await probableStart(['-t', 'sse'], {}, noConfigHere), 'network');
    assert.equal(await probableStart(['--transport=http-stream'], {}, noConfigHere), 'network');
    assert.equal(await probableStart([], { MCP_TRANSPORT_TYPE: 'http-stream' }, noConfigHere), 'network');
    assert.equal(await probableStart([], { MCP_TRANSPORT: 'sse' }, noConfigHere), 'network');
    for (const action of ['--validate-config', '--print-config', '--backup', '--help', '--version']) assert.equal(await probableStart([action], {}, noConfigHere), 'command', action);
    assert.equal(await probableStart(['--transport', 'http-stream', '--validate-config'], {}, noConfigHere), 'command');
    assert.equal(await probableStart(['init', 'dir'], {}, noConfigHere), 'command');
    assert.equal(await probableStart(['dev', 'dir'], {}, noConfigHere), 'command');
  });

  it('reads the transport from the config file the CLI will read, when no flag or variable names one', async () => {
    const dir = tempDirForFile();
    const write = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return name;
    };
    const network = write('network.yaml', 'storage:\n  type: lowdb\ntransport:\n  port: 3000\n  type: HTTP-Stream\n');
    assert.equal(await probableStart(['--config', network], {}, dir), 'network');
    assert.equal(await probableStart([`--config=${network}`], {}, dir), 'network');
    assert.equal(await probableStart([], { MCP_CONFIG_PATH: network }, dir), 'network');
    assert.equal(await probableStart(['-c', write('flow.json', '{"transport": {"type": "sse"}}')], {}, dir), 'network');
    assert.equal(await probableStart(['--transport', 'stdio', '--config', network], {}, dir), 'stdio', 'the flag wins');
    assert.equal(await probableStart(['--config', network], { MCP_TRANSPORT_TYPE: 'stdio' }, dir), 'stdio', 'the variable wins');
    // a network transport named elsewhere than transport.type is not the server's
    assert.equal(await probableStart(['--config', write('upstream.yaml', 'upstreams:\n  remote:\n    url: http://x/sse\n    transport: sse\n')], {}, dir), 'stdio');
    assert.equal(await probableStart(['--config', write('broken.yaml', 'transport: [http-stream\n')], {}, dir), 'stdio', 'a file that does not parse');
    assert.equal(await probableStart(['--config', 'missing.yaml'], {}, dir), 'stdio');
    write('config.yaml', 'transport:\n  type: sse\n');
    assert.equal(await probableStart([], {}, dir), 'network', './config.yaml when nothing names a file');
  });
});
