import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { connectClient, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { startStdioServerWithModules, textOf, type ModulesServer } from './helpers/stdio-server.js';
import { answeringTool } from './helpers/module-sources.js';
import { logEntries, waitFor, within } from './helpers/wait.js';

const UNATTRIBUTABLE_FAULT = path.join(import.meta.dirname, 'fixtures', 'unattributable-fault.mjs');

/** Handlers that answer, then leave an error behind that nobody handles. */
const FAULTY = `
import { EventEmitter } from 'node:events';
export default [
  { name: 'stray_rejection', description: 'Answers, leaving a rejected promise unhandled',
    run() { Promise.reject(new Error('stray rejection')); return 'answered'; } },
  { name: 'throwing_timer', description: 'Answers; a timer it set throws later',
    run() { setTimeout(() => { throw new Error('timer threw'); }, 20); return 'answered'; } },
  { name: 'emitter_error', description: 'Answers; an emitter it made emits error with no listener',
    run() { const emitter = new EventEmitter(); setTimeout(() => emitter.emit('error', new Error('emitter error')), 20); return 'answered'; } },
  { name: 'nested_async', description: 'Answers; an async chain it started rejects later',
    run() { (async () => { await new Promise((r) => setTimeout(r, 10)); await new Promise((r) => setImmediate(r)); throw new Error('nested async failed'); })(); return 'answered'; } },
  { name: 'microtask_throw', description: 'Answers; a queued microtask throws (its async context is lost)',
    run() { queueMicrotask(() => { throw new Error('microtask threw'); }); return 'answered'; } },
  { kind: 'resource', name: 'flaky_resource', uri: 'flaky://one',
    read() { setTimeout(() => { throw new Error('resource timer threw'); }, 20); return 'resource text'; } },
  { kind: 'prompt', name: 'flaky_prompt',
    get() { Promise.reject(new Error('prompt rejection')); return 'prompt text'; } },
];
`;

/** Loads, but leaves an error from its top-level code. */
const NOISY_IMPORT = `
setTimeout(() => { throw new Error('import-time timer threw'); }, 50);
export default { name: 'noisy_tool', description: 'Loaded by a file whose import left an error behind', run: () => 'noisy ok' };
`;

/** Never finishes loading. */
const HANGING_IMPORT = `
await new Promise(() => {});
export default { name: 'never_served', description: 'Unreachable', run: () => 'never' };
`;

const GOOD = answeringTool('still_here', 'still here');

const STRAY_CALLS = ['stray_rejection', 'throwing_timer', 'emitter_error', 'nested_async'];

describe('a module stray async error does not take the server down (stdio)', () => {
  let server: ModulesServer;
  let toolsDir: string;

  before(async () => {
    server = await startStdioServerWithModules({ era: 'legacy', modules: { 'faulty.mjs': FAULTY, 'noisy.mjs': NOISY_IMPORT, 'good.mjs': GOOD } });
    toolsDir = server.toolsDir;
  });
  after(async () => {
    await server?.close();
  });

  const strayErrors = () => logEntries(server.stderr()).filter((entry) => entry.level === 50 && entry.origin);

  it('attributes an error left by a module import to that file', async () => {
    await waitFor(() => strayErrors().some((entry) => entry.operation === 'import'), 'the import-time error to be logged');
    const entry = strayErrors().find((e) => e.operation === 'import')!;
    assert.equal(entry.file, path.join(toolsDir, 'noisy.mjs'));
    assert.equal(entry.module, 'noisy');
    assert.equal(textOf(await server.client.callTool({ name: 'noisy_tool', arguments: {} })), 'noisy ok');
  });

  it('logs each stray error with the module file and the call that caused it, and keeps serving', async () => {
    for (const name of STRAY_CALLS) {
      assert.equal(textOf(await server.client.callTool({ name, arguments: {} })), 'answered');
      await waitFor(() => strayErrors().some((entry) => entry.definition === name), `the stray error of ${name} to be logged`);
      const entry = strayErrors().find((e) => e.definition === name)!;
      assert.equal(entry.file, path.join(toolsDir, 'faulty.mjs'));
      assert.equal(entry.module, 'faulty');
      assert.equal(entry.operation, 'tool run');
      assert.equal(typeof entry.requestId, 'number');
      assert.equal(entry.caller, 'anonymous');
      assert.equal(textOf(await server.client.callTool({ name: 'still_here', arguments: {} })), 'still here');
    }
  });

  it('attributes stray errors of resource reads and prompt gets', async () => {
    const read = await server.client.readResource({ uri: 'flaky://one' });
    assert.equal((read.contents[0] as { text?: string }).text, 'resource text');
    await server.client.getPrompt({ name: 'flaky_prompt', arguments: {} });
    await waitFor(() => strayErrors().some((e) => e.definition === 'flaky_resource') && strayErrors().some((e) => e.definition === 'flaky_prompt'), 'both errors');
    assert.equal(strayErrors().find((e) => e.definition === 'flaky_resource')!.operation, 'resource read');
    assert.equal(strayErrors().find((e) => e.definition === 'flaky_prompt')!.operation, 'prompt get');
  });

  it('attributes an error whose async context was lost by the module file in its stack', async () => {
    assert.equal(textOf(await server.client.callTool({ name: 'microtask_throw', arguments: {} })), 'answered');
    await waitFor(() => strayErrors().some((e) => e.err?.message === 'microtask threw'), 'the microtask error');
    const entry = strayErrors().find((e) => e.err?.message === 'microtask threw')!;
    assert.equal(entry.file, path.join(toolsDir, 'faulty.mjs'));
    assert.equal(textOf(await server.client.callTool({ name: 'still_here', arguments: {} })), 'still here');
  });
});

describe('a module whose top-level await never settles (stdio)', () => {
  it('is reported with its file after tools.importTimeoutSeconds, and the others are served', async () => {
    const server = await startStdioServerWithModules({
      era: 'legacy',
      modules: { 'hanging.mjs': HANGING_IMPORT, 'good.mjs': GOOD },
      config: 'tools:\n  builtins: false\n  importTimeoutSeconds: 1\n',
    });
    try {
      // initialize is answered before modules load; a request after it waits for them
      assert.deepEqual(
        (await server.client.listTools()).tools.map((tool) => tool.name),
        ['still_here'],
      );
      const problem = logEntries(server.stderr()).find((entry) => entry.file === path.join(server.toolsDir, 'hanging.mjs'));
      assert.ok(problem, server.stderr());
      assert.match(problem.msg, /module not served: did not finish loading within 1 s/);
      assert.equal(textOf(await server.client.callTool({ name: 'still_here', arguments: {} })), 'still here');
    } finally {
      await server.close();
    }
  });
});

describe('module errors over HTTP: counted in /metrics; an unattributable error shuts down gracefully with exit 1', () => {
  let server: HttpServer;

  before(async () => {
    server = await startHttpServer({
      transport: 'http-stream',
      config: 'tools:\n  builtins: false\n',
      modules: { 'faulty.mjs': FAULTY },
      // Code loaded before the server, outside every module and request, armed to throw a bare string
      // (no stack to blame a file by) when the process gets SIGWINCH.
      env: { NODE_OPTIONS: `--import ${pathToFileURL(UNATTRIBUTABLE_FAULT).href}` },
    });
  });
  after(async () => {
    await server?.stop();
  });

  it('counts stray errors by module', async () => {
    const client = await connectClient(server, 'legacy');
    try {
      for (const name of STRAY_CALLS) assert.equal(textOf(await client.callTool({ name, arguments: {} })), 'answered');
      const counted = async () => /^mcp_module_errors_total\{module="faulty"\} (\d+)$/m.exec(await (await fetch(`${server.origin}/metrics`)).text())?.[1];
      await waitFor(async () => (await counted()) === String(STRAY_CALLS.length), `${STRAY_CALLS.length} errors counted`);
    } finally {
      await client.close();
    }
  });

  it('ends the process through the graceful shutdown, exit code 1, on an error nobody can be blamed for', async () => {
    process.kill(server.pid, 'SIGWINCH');
    const code = await within(server.exited, 20_000, 'the server to exit');
    assert.equal(code, 1, server.stderr());
    const entries = logEntries(server.stderr());
    assert.ok(
      entries.some((entry) => entry.level === 60 && entry.err === 'no stack at all'),
      server.stderr(),
    );
    assert.ok(entries.some((entry) => entry.msg === 'shutting down' && entry.reason === 'unexpected error'));
    assert.ok(
      entries.some((entry) => entry.msg === 'stopped'),
      'storage and transport were closed',
    );
  });
});
