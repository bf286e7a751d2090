import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { childEnv, ERAS, killIfAlive, repoRoot, runBinary, startStdioServer, structured, textOf } from './helpers/stdio-server.js';
import { tempDir } from './helpers/temp-dir.js';

/** Runs a command to completion (bounded) in `cwd`; the test runner's own context is not passed on. */
function run(args: string[], cwd: string, timeoutMs = 120_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env = childEnv();
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      killIfAlive(child.pid);
      reject(new Error(`node ${args.join(' ')} did not finish in time:\n${output}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('mcp-server init', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let starter: string;
  let printed: string;

  before(async () => {
    root = await tempDir();
    starter = path.join(root.dir, 'my tools');
    const result = await runBinary(['init', starter]);
    assert.equal(result.code, 0, result.stderr);
    printed = result.stdout;
  });
  after(() => root?.cleanup());

  it('writes the starter files and links this mcp-server for types and the testing helper', async () => {
    const files = (await readdir(starter)).sort();
    assert.deepEqual(files, ['.gitignore', 'README.md', 'about.ts', 'config.yaml', 'greet.ts', 'node_modules', 'package.json', 'tools.test.mjs', 'tsconfig.json', 'welcome.ts']);
    const pkg = JSON.parse(await readFile(path.join(starter, 'package.json'), 'utf8')) as Record<string, any>;
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.name, 'my-tools');
    assert.match(pkg.devDependencies['mcp-server'], /^file:/);
    assert.equal(path.resolve(starter, pkg.devDependencies['mcp-server'].slice('file:'.length)), repoRoot);
    assert.ok(existsSync(path.join(starter, 'node_modules', 'mcp-server', 'package.json')));
    assert.match(printed, /"command":"node"/);
    assert.ok(printed.includes(JSON.stringify(path.join(starter, 'config.yaml'))), printed);
    assert.match(printed, /\{"servers":\{"my-tools":\{"type":"stdio","command":"node"/, 'the VS Code format too');
  });

  it('passes its own test (node --test in the starter directory)', async () => {
    const result = await run(['--test'], starter);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /^(# |ℹ )pass 4$/m, 'the TAP (Node 20, 22) or spec (Node 24) summary');
    assert.match(result.output, /^(# |ℹ )fail 0$/m);
  });

  it('type-checks against the published types (mcp-server/module through package exports)', async () => {
    const result = await run([path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], starter);
    assert.equal(result.code, 0, result.output);
  });

  for (const era of ERAS) {
    it(`is served by the real binary started in it, with its config (${era} client)`, async () => {
      const server = await startStdioServer({ era, cwd: starter });
      try {
        assert.deepEqual(
          (await server.client.listTools()).tools.map((tool) => tool.name),
          ['greet'],
        );
        assert.deepEqual(structured(await server.client.callTool({ name: 'greet', arguments: { name: era } })), { greeting: `Hello, ${era}.`, times: 1 });
        assert.match(textOf({ content: (await server.client.readResource({ uri: 'about://greetings' })).contents }), /been greeted so far/);
        assert.deepEqual(
          (await server.client.listPrompts()).prompts.map((prompt) => prompt.name),
          ['welcome'],
        );
      } finally {
        await server.close();
      }
    });
  }

  it('refuses a directory that has starter files already, and writes nothing', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeFile(path.join(dir, 'greet.ts'), 'mine');
      const result = await runBinary(['init', dir]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /already has greet\.ts; nothing was written/);
      assert.deepEqual(await readdir(dir), ['greet.ts']);
      assert.equal(await readFile(path.join(dir, 'greet.ts'), 'utf8'), 'mine');
    } finally {
      await cleanup();
    }
  });

  it('keeps an existing README.md and .gitignore', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeFile(path.join(dir, 'README.md'), '# mine\n');
      const result = await runBinary(['init', dir]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /kept the existing README\.md/);
      assert.equal(await readFile(path.join(dir, 'README.md'), 'utf8'), '# mine\n');
      assert.ok(existsSync(path.join(dir, 'greet.ts')));
    } finally {
      await cleanup();
    }
  });

  it('is a usage error with more than one directory (exit 2, one line)', async () => {
    const result = await runBinary(['init', 'a', 'b']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  });
});
