import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { RUNAWAY_MODULES, SMALL_WORKERS } from './helpers/runaway-modules.js';
import { startStdioServerWithModules, textOf, type ModulesServer } from './helpers/stdio-server.js';
import { logEntries, waitFor, within } from './helpers/wait.js';

const files = Object.fromEntries(Object.entries(RUNAWAY_MODULES).map(([name, source]) => [`tools/${name}`, source]));

interface Info {
  workers: { workers: number; busy: number; queued: number; restarts: Record<string, number> };
}

describe('worker isolation: runaway modules over Streamable HTTP', () => {
  let server: HttpServer;
  let client: Client;
  const info = async () => (await (await fetch(`${server.origin}/info`)).json()) as Info;
  const echo = async (text: string) => textOf(await client.callTool({ name: 'echo', arguments: { text } }));

  before(async () => {
    // per directory: only ./tools runs in workers; the built-ins stay in-process
    server = await startHttpServer({
      transport: 'http-stream',
      files,
      config: `tools:\n  dirs:\n    - path: ./tools\n      isolation: worker\n${SMALL_WORKERS}transport:\n  shutdownTimeoutSeconds: 2\n`,
    });
    client = await connectClient(server, 'modern');
  });
  after(async () => {
    await client?.close();
    await server?.stop('SIGKILL');
  });

  it("runs the directory's modules in worker threads", async () => {
    assert.equal(await echo('hello'), 'hello (worker)');
  });

  it('times out a synchronous endless loop at its timeout while /health and other calls keep answering', async () => {
    const spinning = client.callTool({ name: 'spin', arguments: {} });
    await waitFor(async () => (await info()).workers.busy >= 1, 'the loop to occupy a worker', { attempts: 50 });
    for (let round = 0; round < 3; round++) {
      const health = await within(fetch(`${server.origin}/health`), 2000, '/health while a worker loops');
      assert.equal(health.status, 200);
      assert.equal(await within(echo(`during ${round}`), 5000, 'another tool while a worker loops'), `during ${round} (worker)`);
    }
    const result = await within(spinning, 20_000, 'the endless loop to time out');
    assert.equal(result.isError, true);
    assert.match(textOf(result), /Tool "spin" timed out after 1 s/);
    assert.equal(await echo('after the loop'), 'after the loop (worker)');
  });

  it('fails only its own call when a module runs out of memory or calls process.exit', async () => {
    const bomb = await client.callTool({ name: 'bomb', arguments: {} });
    assert.equal(bomb.isError, true);
    assert.match(textOf(bomb), /tool "bomb" failed: its worker thread ran out of memory/);
    assert.equal(await echo('after the bomb'), 'after the bomb (worker)');
    const quit = await client.callTool({ name: 'quit', arguments: {} });
    assert.equal(quit.isError, true);
    assert.match(textOf(quit), /tool "quit" failed: it ended its worker thread \(process\.exit\(3\)\)/);
    assert.equal(await echo('after exit'), 'after exit (worker)');
  });

  it('replaces a worker that a stray error crashed after its call answered, and counts it for its module', async () => {
    assert.equal(textOf(await client.callTool({ name: 'stray', arguments: {} })), 'answered');
    await waitFor(async () => (await info()).workers.restarts.crash === 1, 'the crashed worker to be replaced', { attempts: 50 });
    assert.equal(await echo('after the crash'), 'after the crash (worker)');
    const crash = logEntries(server.stderr()).find((entry) => entry.reason === 'crash');
    assert.equal(crash?.module, 'stray');
    assert.match(String(crash?.msg), /stray after answering/);
  });

  it('reports workers, busy workers and restarts by reason in /info and /metrics', async () => {
    // a worker past its deadline is stopped after a grace period, and its replacement starts in the background
    await waitFor(
      async () => {
        const { workers } = await info();
        return workers.restarts.timeout === 1 && workers.workers === 2;
      },
      'the looping worker stopped and the pool back at 2 workers',
      { attempts: 50 },
    );
    const { workers } = await info();
    assert.deepEqual(workers.restarts, { timeout: 1, memory: 1, exit: 1, crash: 1 });
    assert.equal(workers.workers, 2);
    assert.equal(workers.busy, 0);
    const metrics = await (await fetch(`${server.origin}/metrics`)).text();
    for (const reason of ['timeout', 'memory', 'exit', 'crash']) assert.match(metrics, new RegExp(`^mcp_worker_restarts_total\\{reason="${reason}"\\} 1$`, 'm'));
    assert.match(metrics, /^mcp_workers 2$/m);
    assert.match(metrics, /^mcp_workers_busy 0$/m);
    assert.match(metrics, /^mcp_module_errors_total\{module="stray"\} 1$/m);
  });

  it('stops on SIGTERM while a worker is stuck in a loop', async () => {
    void client.callTool({ name: 'spin_long', arguments: {} }).catch(() => undefined);
    await waitFor(async () => (await info()).workers.busy >= 1, 'the loop to occupy a worker', { attempts: 50 });
    assert.equal(await server.stop('SIGTERM', 15_000), 0, 'exits by itself, cleanly (SIGKILL would give null)');
  });
});

describe('worker isolation: a stdio session survives runaway modules', () => {
  let server: ModulesServer;
  before(async () => {
    server = await startStdioServerWithModules({
      era: 'legacy',
      modules: { ...RUNAWAY_MODULES, 'hang-at-load.mjs': `for (;;) {}\nexport default { name: 'never', description: 'Never loads.', run: () => 'x' };` },
      config: `tools:\n  isolation: worker\n  importTimeoutSeconds: 3\n${SMALL_WORKERS}`,
    });
  });
  after(async () => {
    await server?.close();
  });

  it('starts, and reports a module whose top-level code never ends, instead of hanging', async () => {
    const tools = (await server.client.listTools()).tools.map((tool) => tool.name);
    assert.ok(tools.includes('echo') && tools.includes('kv_set') && !tools.includes('never'), tools.join(', '));
    assert.match(server.stderr(), /hang-at-load\.mjs[^\n]*did not finish loading within 3 s/);
  });

  it('answers every other call after an endless loop, a heap bomb, process.exit and a stray error', async () => {
    const call = (name: string, args: Record<string, unknown> = {}) => server.client.callTool({ name, arguments: args });
    for (const [name, failure] of [
      ['spin', /timed out after 1 s/],
      ['bomb', /ran out of memory/],
      ['quit', /process\.exit\(3\)/],
    ] as const) {
      const result = await call(name);
      assert.equal(result.isError, true, name);
      assert.match(textOf(result), failure);
      assert.equal(textOf(await call('echo', { text: `after ${name}` })), `after ${name} (worker)`);
    }
    assert.equal(textOf(await call('stray')), 'answered');
    await waitFor(() => /"reason":"crash"/.test(server.stderr()), 'the crashed worker to be replaced', { attempts: 50 });
    assert.equal(textOf(await call('echo', { text: 'still here' })), 'still here (worker)');
    assert.equal(textOf(await call('time_now', { timezone: 'UTC' })).includes('UTC'), true);
  });
});
