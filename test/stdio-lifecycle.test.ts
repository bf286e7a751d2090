import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runBinary, startStdioServer, structured, tempDir } from './helpers/stdio-server.js';
import { INITIALIZE, INITIALIZED, startRawStdio } from './helpers/stdio-raw.js';

describe('server lifecycle over stdio', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  before(async () => (root = await tempDir()));
  after(async () => root?.cleanup());

  it('keeps data across a restart', async () => {
    const dataDir = path.join(root.dir, 'persist');
    const first = await startStdioServer({ era: 'legacy', args: ['--data-dir', dataDir] });
    try {
      structured(await first.client.callTool({ name: 'kv_set', arguments: { key: 'survives', value: { restart: true } } }));
    } finally {
      await first.close();
    }
    const second = await startStdioServer({ era: 'modern', args: ['--data-dir', dataDir] });
    try {
      const got = structured<{ found: boolean; value: unknown }>(await second.client.callTool({ name: 'kv_get', arguments: { key: 'survives' } }));
      assert.deepEqual([got.found, got.value], [true, { restart: true }]);
    } finally {
      await second.close();
    }
  });

  it('answers initialize before modules have loaded, and serves what follows once they have', async () => {
    const toolsDir = path.join(root.dir, 'slow-tools');
    const loaded = path.join(root.dir, 'slow-module-loaded');
    await mkdir(toolsDir, { recursive: true });
    await writeFile(
      path.join(toolsDir, 'slow.mjs'),
      `import { writeFileSync } from 'node:fs';
await new Promise((resolve) => setTimeout(resolve, 2000));
writeFileSync(${JSON.stringify(loaded)}, 'yes');
export default { name: 'slow_to_load', description: 'Takes 2 s to import.', run: () => 'loaded late' };`,
    );
    const server = startRawStdio({ args: ['--data-dir', path.join(root.dir, 'early'), '--tools-dir', toolsDir] });
    try {
      server.send(INITIALIZE);
      server.send(INITIALIZED);
      server.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
      server.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'slow_to_load', arguments: {} } });
      assert.equal((await server.response(1)).result?.serverInfo?.name, 'mcp-server');
      assert.equal(existsSync(loaded), false, 'initialize was answered before the module finished loading');
      const listed = (await server.response(2)).result?.tools.map((tool: { name: string }) => tool.name);
      assert.ok(listed.includes('slow_to_load') && listed.includes('kv_set'), String(listed));
      assert.deepEqual((await server.response(3)).result?.content, [{ type: 'text', text: 'loaded late' }]);
    } finally {
      server.kill();
    }
  });

  it('answers every request it read before stdin closed, even one held until start-up finished, then exits 0', async () => {
    const call = (id: number, name: string, args: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
    const input = [INITIALIZE, INITIALIZED, call(2, 'kv_set', { key: 'k', value: 'v' }), call(3, 'kv_get', { key: 'k' }), { jsonrpc: '2.0', id: 4, method: 'tools/list' }];
    const run = await runBinary(['--data-dir', path.join(root.dir, 'piped')], { input: input.map((message) => `${JSON.stringify(message)}\n`).join(''), timeoutMs: 30_000 });
    assert.equal(run.code, 0, run.stderr);
    const answers = new Map(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: number; result?: unknown; error?: unknown })
        .map((answer) => [answer.id, answer]),
    );
    assert.deepEqual([...answers.keys()].sort(), [1, 2, 3, 4]);
    assert.equal(structured<{ value: string }>(answers.get(2)!.result).value, 'v'); // calls run concurrently: kv_get (3) may come first
    assert.ok(answers.get(3)!.result, JSON.stringify(answers.get(3)));
    assert.ok(((answers.get(4)!.result as { tools: unknown[] }).tools ?? []).length > 0);
  });

  it('refuses a second process on the same data directory with a clear error', async () => {
    const dataDir = path.join(root.dir, 'locked');
    const owner = await startStdioServer({ era: 'legacy', args: ['--data-dir', dataDir] });
    try {
      const second = await runBinary(['--data-dir', dataDir], { timeoutMs: 30_000, input: '' });
      assert.notEqual(second.code, 0);
      assert.match(second.stderr, new RegExp(`in use by process ${owner.pid}`));
    } finally {
      await owner.close();
    }
  });

  it('writes only JSON-RPC to stdout even when a module prints, and exits 0 with data on disk when stdin closes', async () => {
    const dataDir = path.join(root.dir, 'eof');
    const toolsDir = path.join(root.dir, 'noisy-tools');
    await mkdir(toolsDir, { recursive: true });
    await writeFile(
      path.join(toolsDir, 'noisy.mjs'),
      `console.log('printed while loading');
export default { name: 'noisy', description: 'Prints to stdout in every way it can.', run() {
  console.log('console.log'); console.info('console.info'); console.debug('console.debug'); console.table([{ a: 1 }]);
  process.stdout.write('process.stdout.write\\n');
  return 'quiet answer';
} };`,
    );
    const server = startRawStdio({ args: ['--data-dir', dataDir, '--tools-dir', toolsDir] });
    try {
      server.send(INITIALIZE);
      server.send(INITIALIZED);
      server.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'noisy', arguments: {} } });
      server.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'kv_set', arguments: { key: 'flushed', value: 'yes' } } });
      assert.deepEqual((await server.response(2)).result?.content, [{ type: 'text', text: 'quiet answer' }]);
      await server.response(3);
      for (const line of server.lines) assert.equal(JSON.parse(line).jsonrpc, '2.0', `stdout carries only JSON-RPC: ${line}`);
      // stderr and stdout are separate streams: the log lines may arrive after the answers
      for (const printed of ['printed while loading', 'console.log', 'console.info', 'console.debug', 'process.stdout.write']) {
        await server.stderrMatch(new RegExp(printed.replaceAll('.', '\\.')));
      }
      server.child.stdin.end();
      const code = await Promise.race([server.exited, new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 15_000))]);
      assert.equal(code, 0);
    } finally {
      server.kill();
    }
    const reopened = await startStdioServer({ era: 'legacy', args: ['--data-dir', dataDir] });
    try {
      const got = structured<{ value: unknown }>(await reopened.client.callTool({ name: 'kv_get', arguments: { key: 'flushed' } }));
      assert.equal(got.value, 'yes');
    } finally {
      await reopened.close();
    }
  });

  it('applies config precedence: flag over environment over file over default', async () => {
    const config = path.join(root.dir, 'precedence.yaml');
    await writeFile(config, 'server:\n  name: from-file\nstorage:\n  dataDir: ./from-file-data\n');
    const fileOnly = await startStdioServer({ era: 'legacy', args: ['--config', config] });
    try {
      assert.equal(fileOnly.client.getServerVersion()?.name, 'from-file');
    } finally {
      await fileOnly.close();
    }
    const envWins = await startStdioServer({ era: 'legacy', args: ['--config', config], env: { MCP_SERVER_NAME: 'from-env', MCP_DATA_PATH: path.join(root.dir, 'env-data') } });
    try {
      assert.equal(envWins.client.getServerVersion()?.name, 'from-env');
    } finally {
      await envWins.close();
    }
    const printed = await runBinary(['--config', config, '--print-config', '--data-dir', path.join(root.dir, 'flag-data')], { env: { MCP_DATA_PATH: path.join(root.dir, 'env-data') } });
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /dataDir: .*flag-data.*# flag --data-dir/);
    assert.match(printed.stdout, /name: .*from-file.*# .*precedence\.yaml:2:/);
  });
});
