import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MessageSizeGuard, type OversizedMessage } from '../src/transports/message-size-guard.js';
import { TopLevelFields } from '../src/transports/top-level-fields.js';
import { INITIALIZE, INITIALIZED, startRawStdio, type RawStdio } from './helpers/stdio-raw.js';
import { binary, childEnv, killIfAlive, repoRoot, tempDir } from './helpers/stdio-server.js';
import { waitFor, within } from './helpers/wait.js';

/** Initializes a 2025 session over raw stdio. */
/** Opens the session and waits until the server is ready (initialize is answered before storage opens; a ping after it is not). */
async function open(server: RawStdio): Promise<void> {
  server.send(INITIALIZE);
  assert.ok((await server.response(1)).result, 'initialized');
  server.send(INITIALIZED);
  server.send({ jsonrpc: '2.0', id: 'ready', method: 'ping' });
  await server.response('ready');
}

/** Every stdout line is a JSON-RPC message. */
function assertOnlyJsonRpc(lines: string[]): void {
  for (const line of lines) {
    let message: { jsonrpc?: unknown } | undefined;
    try {
      message = JSON.parse(line) as { jsonrpc?: unknown };
    } catch {
      // reported below
    }
    assert.equal(message?.jsonrpc, '2.0', `stdout carries only JSON-RPC, got: ${line.slice(0, 200)}`);
  }
}

async function endAndWait(server: RawStdio): Promise<number | null> {
  server.child.stdin.end();
  return within(server.exited, 20_000, 'exit after stdin closed');
}

describe('TopLevelFields', () => {
  const scan = (...chunks: string[]) => {
    const fields = new TopLevelFields();
    for (const chunk of chunks) fields.feed(Buffer.from(chunk));
    return fields.found;
  };

  it('reads the top-level id and method, whatever their order and however the text is split', () => {
    assert.deepEqual(scan('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{}}'), { id: 7, method: 'tools/call' });
    assert.deepEqual(scan('{"method":"ping","params":{"id":"inner","x":[1,{"id":2}]},', ' "id" : "a\\"b"}'), { id: 'a"b', method: 'ping' });
    const text = '{"params":{"method":"no","id":1},"id":-12.5e1,"method":"tools/list"}';
    assert.deepEqual(scan(...text.split('')), { id: -125, method: 'tools/list' });
  });

  it('reads nothing it cannot trust: no object, a nested id only, an id that is not a string or number', () => {
    assert.deepEqual(scan('[{"id":1,"method":"ping"}]'), {});
    assert.deepEqual(scan('{"params":{"id":1,"method":"x"}}'), {});
    assert.deepEqual(scan('{"id":null,"method":{"x":1},"result":{}}'), {});
    assert.deepEqual(scan('xxxxxxxx'), {});
    assert.deepEqual(scan(`{"id":"${'z'.repeat(10_000)}","method":"ping"}`), { method: 'ping' });
  });

  it('stops scanning once both are known', () => {
    const fields = new TopLevelFields();
    fields.feed(Buffer.from('{"id":1,"method":"a",'));
    assert.equal(fields.done, true);
  });
});

describe('MessageSizeGuard', () => {
  /** What the guard passes on for these chunks, and what it reports as oversized. */
  const through = (maxBytes: number, ...chunks: string[]) => {
    const guard = new MessageSizeGuard(
      () => maxBytes,
      (message) => oversized.push(message),
    );
    const oversized: OversizedMessage[] = [];
    const out: Buffer[] = [];
    guard.on('data', (chunk: Buffer) => out.push(chunk));
    for (const chunk of chunks) guard.write(Buffer.from(chunk));
    guard.end();
    return { text: Buffer.concat(out).toString('utf8'), oversized };
  };

  it('passes whole messages on unchanged, in one chunk or split anywhere', () => {
    const messages = '{"id":1,"method":"a"}\n{"id":2,"method":"b"}\n';
    assert.deepEqual(through(100, messages), { text: messages, oversized: [] });
    assert.deepEqual(through(100, ...messages.split('')), { text: messages, oversized: [] });
    assert.deepEqual(through(100, '{"id":1,', '"method":"a"}\n{"id":2,"method":"b"}\n'), { text: messages, oversized: [] });
  });

  it('passes every message of a chunk larger than the limit when each fits', () => {
    const one = '{"id":1,"method":"abcdef"}';
    const chunk = `${one}\n${one}\n${one}\n`;
    assert.deepEqual(through(one.length, chunk), { text: chunk, oversized: [] });
  });

  it('drops a message over the limit, reports it, and passes the next ones', () => {
    const big = `{"id":9,"method":"tools/call","params":{"x":"${'y'.repeat(200)}"}}`;
    const { text, oversized } = through(50, `{"id":1,"method":"a"}\n${big.slice(0, 30)}`, `${big.slice(30)}\n{"id":2,"method":"b"}\n`);
    assert.equal(text, '{"id":1,"method":"a"}\n{"id":2,"method":"b"}\n');
    assert.deepEqual(oversized, [{ id: 9, method: 'tools/call', bytes: big.length }]);
  });
});

describe('stdio: oversized messages and a transport that closes', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  before(async () => (root = await tempDir()));
  after(async () => root?.cleanup());

  it('refuses a message over transport.stdio.maxMessageBytes (with an error for its id) and goes on serving', async () => {
    const config = path.join(root.dir, 'small-messages.yaml');
    await writeFile(config, 'transport:\n  stdio:\n    maxMessageBytes: 65536\n');
    const server = startRawStdio({ args: ['--config', config, '--data-dir', path.join(root.dir, 'small')] });
    try {
      await open(server);
      const big = 'x'.repeat(100_000);
      server.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'kv_set', arguments: { key: 'big', value: big } } });
      const refused = await server.response(2);
      assert.equal(refused.error?.code, -32600);
      assert.match(refused.error.message, /over the limit of 65536 bytes \(transport\.stdio\.maxMessageBytes\)/);
      // The request's id comes last, after a nested "id" that must not be taken for it.
      server.send(`{"jsonrpc":"2.0","method":"tools/call","params":{"name":"kv_set","arguments":{"id":"inner","value":"${big}"}},"id":3}`);
      assert.equal((await server.response(3)).error?.code, -32600);
      server.send(big);
      await server.stderrMatch(/refused a message over transport\.stdio\.maxMessageBytes: no request id could be read/);
      server.send({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'kv_set', arguments: { key: 'fits', value: 'y'.repeat(60_000) } } });
      assert.equal((await server.response(4)).result?.isError, undefined, 'a message under the limit is served');
      server.send({ jsonrpc: '2.0', id: 5, method: 'ping' });
      assert.deepEqual((await server.response(5)).result, {});
      assertOnlyJsonRpc(server.lines);
      assert.equal(await endAndWait(server), 0);
    } finally {
      server.kill();
    }
  });

  it('answers a request over the default 10 MiB limit with an error instead of exiting', async () => {
    const server = startRawStdio({ args: ['--data-dir', path.join(root.dir, 'default-limit')] });
    try {
      await open(server);
      server.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'kv_set', arguments: { key: 'huge', value: 'x'.repeat(11 * 1024 * 1024) } } });
      assert.match((await server.response(2, 30_000)).error?.message, /over the limit of 10485760 bytes/);
      server.send({ jsonrpc: '2.0', id: 3, method: 'ping' });
      assert.deepEqual((await server.response(3)).result, {});
      assert.equal(await endAndWait(server), 0);
    } finally {
      server.kill();
    }
  });

  it('shuts down gracefully, saying why, and releases the lock when stdout goes away', async () => {
    const dataDir = path.join(root.dir, 'stdout-gone');
    const server = startRawStdio({ args: ['--data-dir', dataDir] });
    try {
      await open(server);
      assert.ok(existsSync(path.join(dataDir, '.lock')));
      server.child.stdout.destroy();
      server.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
      await within(server.exited, 20_000, 'exit after stdout closed');
      // EPIPE when the answer is written first; a socket copy of stdout may see the close before that
      await server.stderrMatch(/"reason":"stdout (failed: [^"]*EPIPE[^"]*|closed by the client)","msg":"stdio transport closed"/);
      await server.stderrMatch(/"msg":"stopped"/);
      assert.equal(existsSync(path.join(dataDir, '.lock')), false, 'the data directory lock is released');
    } finally {
      server.kill();
    }
  });
});

const FD_WRITER = `
import { writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
writeSync(1, 'fd1 while loading\\n');
export default {
  name: 'fd_writer',
  description: 'Writes to fd 1 directly and runs a child with inherited stdio',
  run() {
    writeSync(1, 'fd1 from a tool\\n');
    spawnSync('sh', ['-c', 'echo child with inherited stdio'], { stdio: 'inherit' });
    return 'written';
  },
};
`;

describe('stdio: fd 1 carries only the protocol', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let toolsDir: string;
  before(async () => {
    root = await tempDir();
    toolsDir = path.join(root.dir, 'tools');
    await mkdir(toolsDir);
    await writeFile(path.join(toolsDir, 'fd-writer.mjs'), FD_WRITER);
  });
  after(async () => root?.cleanup());

  async function callFdWriter(server: RawStdio): Promise<void> {
    await open(server);
    server.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fd_writer', arguments: {} } });
    assert.deepEqual((await server.response(2)).result?.content, [{ type: 'text', text: 'written' }]);
  }

  const STRAY = ['fd1 while loading', 'fd1 from a tool', 'child with inherited stdio'];

  it('sends fs.writeSync(1) and inherited child stdio to stderr when stdout is a socket (a Node client)', async () => {
    const server = startRawStdio({ args: ['--data-dir', path.join(root.dir, 'socket'), '--tools-dir', toolsDir] });
    try {
      await callFdWriter(server);
      assertOnlyJsonRpc(server.lines);
      for (const text of STRAY) await server.stderrMatch(new RegExp(text));
      assert.equal(await endAndWait(server), 0);
    } finally {
      server.kill();
    }
  });

  it('keeps fd 1 for stderr, and leaves no process behind, when stdout is /dev/null and stderr a socket', async () => {
    // The fd copy helper must start before fd 1 is closed, or its IPC channel would take fd 1.
    const child = spawn(process.execPath, [binary, '--transport', 'stdio', '--data-dir', path.join(root.dir, 'null-stdout'), '--tools-dir', toolsDir], {
      cwd: repoRoot,
      env: childEnv(),
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    let stderrClosed = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stderr.on('close', () => (stderrClosed = true));
    try {
      await waitFor(() => stderr.includes('"msg":"mcp-server ready"'), 'the server to be ready');
      await waitFor(() => stderr.includes('fd1 while loading'), "the module's fd 1 output on stderr");
      assert.doesNotMatch(stderr, /"level":(40|50)/, 'no warning about fd 1');
      killIfAlive(child.pid);
      await waitFor(() => stderrClosed, 'stderr to close: no process may keep it open');
    } finally {
      killIfAlive(child.pid);
    }
  });

  it('does the same when stdout is a pipe and stderr a file (a shell client)', async () => {
    const errFile = path.join(root.dir, 'stderr.log');
    const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
    const serverCommand = [process.execPath, binary, '--transport', 'stdio', '--data-dir', path.join(root.dir, 'pipe'), '--tools-dir', toolsDir].map(quote).join(' ');
    const server = startRawStdio({ command: ['sh', '-c', `${serverCommand} 2>>${quote(errFile)} | cat`] });
    let serverPid: number | undefined;
    try {
      await callFdWriter(server);
      let stderr = '';
      const read = async () => (stderr = await readFile(errFile, 'utf8'));
      serverPid = Number(/"pid":(\d+)/.exec(await read())?.[1]) || undefined;
      assertOnlyJsonRpc(server.lines);
      for (let i = 0; i < 200 && !STRAY.every((text) => stderr.includes(text)); i++) await new Promise((resolve) => setTimeout(resolve, 25)).then(read);
      for (const text of STRAY) assert.ok(stderr.includes(text), `"${text}" in the stderr file:\n${stderr}`);
      assert.equal(await endAndWait(server), 0);
    } finally {
      server.kill();
      killIfAlive(serverPid);
    }
  });
});
