import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runBinary, startStdioServerWithModules, textOf } from './helpers/stdio-server.js';
import { waitFor } from './helpers/wait.js';

const modules = {
  'diag.mjs': `
export default [
  { name: 'boom', description: 'Always throws', run: () => { throw new Error('kaboom'); } },
  { name: 'mark', description: 'Logs a marker', input: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, run: ({ text }, ctx) => { ctx.log.info(text); return 'marked'; } },
];
`,
};

/** Waits (bounded) until `probe` returns something, and returns it. */
async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  let value: T | undefined;
  await waitFor(async () => (value = await probe()) !== undefined, what, { attempts: 150 });
  return value!;
}

const fileIncludes = (file: string, text: string) => async () => (existsSync(file) && (await readFile(file, 'utf8')).includes(text) ? true : undefined);

describe('--debug', () => {
  it('puts the stack trace in a failing tool error result and logs at debug level; without it, only the message', async () => {
    for (const debug of [true, false]) {
      const server = await startStdioServerWithModules({ era: 'legacy', modules, logLevel: null, args: debug ? ['--debug'] : [] });
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

describe('--profile and --memory-profile', () => {
  it('write a .cpuprofile and a .heapprofile after --duration seconds, print their paths, and keep serving', async () => {
    const server = await startStdioServerWithModules({ era: 'legacy', modules, inDir: true, args: ['--profile', '--memory-profile', '--duration', '1'] });
    try {
      const cpu = await eventually(() => /CPU profile written to (\S+\.cpuprofile)/.exec(server.stderr())?.[1], 'the CPU profile');
      const heap = await eventually(() => /heap profile written to (\S+\.heapprofile)/.exec(server.stderr())?.[1], 'the heap profile');
      assert.equal(path.dirname(cpu), server.dir, 'in the working directory');
      const cpuProfile = JSON.parse(await readFile(cpu, 'utf8')) as { nodes: unknown[]; startTime: number; endTime: number };
      assert.ok(cpuProfile.nodes.length > 0 && cpuProfile.endTime > cpuProfile.startTime);
      const heapProfile = JSON.parse(await readFile(heap, 'utf8')) as { head: { children: unknown[] } };
      assert.ok(Array.isArray(heapProfile.head.children));
      assert.equal(textOf(await server.client.callTool({ name: 'mark', arguments: { text: 'still serving' } })), 'marked');
    } finally {
      await server.close();
    }
  });

  it('without --duration, writes the heap profile when the server stops', async () => {
    const server = await startStdioServerWithModules({ era: 'legacy', modules, inDir: true, args: ['--memory-profile'] });
    try {
      await server.client.callTool({ name: 'mark', arguments: { text: 'work' } });
      assert.doesNotMatch(server.stderr(), /heap profile written/);
      // Closing stdin ends a stdio server (close() kills it only afterwards, if it is still there).
      await server.client.close();
      const heap = await eventually(() => /heap profile written to (\S+\.heapprofile)/.exec(server.stderr())?.[1], 'the heap profile at shutdown');
      assert.ok(existsSync(heap));
    } finally {
      await server.close();
    }
  });

  it('--duration alone, or profiling with a one-shot command, is a usage error', async () => {
    for (const args of [
      ['--duration', '5'],
      ['--profile', '--validate-config'],
      ['--profile', '--duration', '0'],
    ]) {
      const result = await runBinary(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^mcp-server: .*(duration|profile)/);
    }
  });
});

describe('logging.file', () => {
  it('appends logs to the file instead of stderr, and after SIGHUP writes to a new file where logrotate moved the old one', async () => {
    const server = await startStdioServerWithModules({ era: 'legacy', modules, config: 'logging:\n  file: logs/server.log\n' });
    const logFile = path.join(server.dir, 'logs', 'server.log');
    try {
      await server.client.callTool({ name: 'mark', arguments: { text: 'before-rotation' } });
      await eventually(fileIncludes(logFile, 'before-rotation'), 'the first marker');
      assert.match(await readFile(logFile, 'utf8'), /"msg":"mcp-server ready"/);
      assert.doesNotMatch(server.stderr(), /mcp-server ready/, 'stderr no longer carries the log');

      await rename(logFile, `${logFile}.1`);
      process.kill(server.pid, 'SIGHUP');
      await eventually(() => (existsSync(logFile) ? true : undefined), 'the reopened log file');
      await server.client.callTool({ name: 'mark', arguments: { text: 'after-rotation' } });
      await eventually(fileIncludes(logFile, 'after-rotation'), 'the second marker in the new file');
      const rotated = await readFile(`${logFile}.1`, 'utf8');
      assert.match(rotated, /before-rotation/);
      assert.doesNotMatch(rotated, /after-rotation/);
    } finally {
      await server.close();
    }
  });
});
