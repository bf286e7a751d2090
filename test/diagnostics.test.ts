import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runBinary, startStdioServer, tempDir, textOf } from './helpers/stdio-server.js';

const MODULE = `
export default [
  { name: 'boom', description: 'Always throws', run: () => { throw new Error('kaboom'); } },
  { name: 'mark', description: 'Logs a marker', input: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, run: ({ text }, ctx) => { ctx.log.info(text); return 'marked'; } },
];
`;

async function withTools<T>(run: (dir: string, toolsDir: string) => Promise<T>): Promise<T> {
  const { dir, cleanup } = await tempDir('mcp-diag-');
  try {
    await mkdir(path.join(dir, 'tools'));
    await writeFile(path.join(dir, 'tools', 'diag.mjs'), MODULE);
    return await run(dir, path.join(dir, 'tools'));
  } finally {
    await cleanup();
  }
}

/** Waits (bounded) until `probe` returns something. */
async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('--debug', () => {
  it('puts the stack trace in a failing tool error result and logs at debug level; without it, only the message', async () => {
    await withTools(async (dir, toolsDir) => {
      for (const debug of [true, false]) {
        const server = await startStdioServer({ era: 'legacy', logLevel: null, args: ['--tools-dir', toolsDir, '--data-dir', path.join(dir, `data-${debug}`), ...(debug ? ['--debug'] : [])] });
        try {
          const result = await server.client.callTool({ name: 'boom', arguments: {} });
          assert.equal(result.isError, true);
          assert.match(textOf(result), /kaboom/);
          if (debug) {
            assert.match(textOf(result), /\n\s+at .*diag\.mjs/, 'the stack names the module file');
            assert.match(server.stderr(), /"level":20,/, 'debug lines in the log');
          } else {
            assert.doesNotMatch(textOf(result), /\n\s+at /);
            assert.doesNotMatch(server.stderr(), /"level":20,/);
          }
        } finally {
          await server.close();
        }
      }
    });
  });
});

describe('--profile and --memory-profile', () => {
  it('write a .cpuprofile and a .heapprofile after --duration seconds, print their paths, and keep serving', async () => {
    await withTools(async (dir, toolsDir) => {
      const server = await startStdioServer({ era: 'legacy', cwd: dir, args: ['--tools-dir', toolsDir, '--data-dir', path.join(dir, 'data'), '--profile', '--memory-profile', '--duration', '1'] });
      try {
        const cpu = await eventually(() => /CPU profile written to (\S+\.cpuprofile)/.exec(server.stderr())?.[1], 'the CPU profile');
        const heap = await eventually(() => /heap profile written to (\S+\.heapprofile)/.exec(server.stderr())?.[1], 'the heap profile');
        assert.equal(path.dirname(cpu), dir, 'in the working directory');
        const cpuProfile = JSON.parse(await readFile(cpu, 'utf8')) as { nodes: unknown[]; startTime: number; endTime: number };
        assert.ok(cpuProfile.nodes.length > 0 && cpuProfile.endTime > cpuProfile.startTime);
        const heapProfile = JSON.parse(await readFile(heap, 'utf8')) as { head: { children: unknown[] } };
        assert.ok(Array.isArray(heapProfile.head.children));
        assert.equal(textOf(await server.client.callTool({ name: 'mark', arguments: { text: 'still serving' } })), 'marked');
      } finally {
        await server.close();
      }
    });
  });

  it('without --duration, writes the heap profile when the server stops', async () => {
    await withTools(async (dir, toolsDir) => {
      const server = await startStdioServer({ era: 'legacy', cwd: dir, args: ['--tools-dir', toolsDir, '--data-dir', path.join(dir, 'data'), '--memory-profile'] });
      await server.client.callTool({ name: 'mark', arguments: { text: 'work' } });
      assert.doesNotMatch(server.stderr(), /heap profile written/);
      // Closing stdin ends a stdio server (close() kills it only afterwards, if it is still there).
      await server.client.close();
      const heap = await eventually(() => /heap profile written to (\S+\.heapprofile)/.exec(server.stderr())?.[1], 'the heap profile at shutdown');
      assert.ok(existsSync(heap));
      await server.close();
    });
  });

  it('--duration alone, or profiling with a one-shot command, is a usage error', async () => {
    for (const args of [['--duration', '5'], ['--profile', '--validate-config'], ['--profile', '--duration', '0']]) {
      const result = await runBinary(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^mcp-server: .*(duration|profile)/);
    }
  });
});

describe('logging.file', () => {
  it('appends logs to the file instead of stderr, and after SIGHUP writes to a new file where logrotate moved the old one', async () => {
    await withTools(async (dir, toolsDir) => {
      await writeFile(path.join(dir, 'config.yaml'), 'logging:\n  file: logs/server.log\n');
      const logFile = path.join(dir, 'logs', 'server.log');
      const server = await startStdioServer({ era: 'legacy', args: ['--config', path.join(dir, 'config.yaml'), '--tools-dir', toolsDir, '--data-dir', path.join(dir, 'data')] });
      try {
        await server.client.callTool({ name: 'mark', arguments: { text: 'before-rotation' } });
        const first = await eventually(async () => ((await readFile(logFile, 'utf8')).includes('before-rotation') ? true : undefined), 'the first marker');
        assert.ok(first);
        assert.match(await readFile(logFile, 'utf8'), /"msg":"mcp-server ready"/);
        assert.doesNotMatch(server.stderr(), /mcp-server ready/, 'stderr no longer carries the log');

        await rename(logFile, `${logFile}.1`);
        process.kill(server.pid, 'SIGHUP');
        await eventually(() => (existsSync(logFile) ? true : undefined), 'the reopened log file');
        await server.client.callTool({ name: 'mark', arguments: { text: 'after-rotation' } });
        await eventually(async () => ((await readFile(logFile, 'utf8')).includes('after-rotation') ? true : undefined), 'the second marker in the new file');
        const rotated = await readFile(`${logFile}.1`, 'utf8');
        assert.match(rotated, /before-rotation/);
        assert.doesNotMatch(rotated, /after-rotation/);
      } finally {
        await server.close();
      }
    });
  });
});
