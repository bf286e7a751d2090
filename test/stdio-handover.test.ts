import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Duplex, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { HandoverWritable } from '../src/transports/handover-writable.js';
import { INITIALIZE, INITIALIZED, startRawStdio } from './helpers/stdio-raw.js';
import { tempDir } from './helpers/stdio-server.js';
import { within } from './helpers/wait.js';

/** A destination that takes each write after a delay (so writes pile up behind it), recording what it got. */
class SlowDestination extends Writable {
  readonly received: string[] = [];
  inFlight = 0;
  failWith: Error | undefined;

  constructor(private readonly delay: () => Promise<void>) {
    super({ decodeStrings: false, highWaterMark: 64 });
  }

  override _write(chunk: string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.inFlight++;
    void this.delay().then(() => {
      this.inFlight--;
      if (this.failWith) return callback(this.failWith);
      this.received.push(chunk);
      callback();
    });
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `{"id":${from + i}}\n`);

async function writeAll(writer: Writable, chunks: string[]): Promise<void> {
  for (const chunk of chunks) if (!writer.write(chunk)) await new Promise((resolve) => writer.once('drain', resolve));
}

describe('HandoverWritable (the stdio writer that moves from fd 1 to its copy)', () => {
  it('hands over between two writes: the old destination got a prefix and had finished it, the new one gets the rest, in order', async () => {
    const first = new SlowDestination(tick);
    const second = new SlowDestination(tick);
    const writer = new HandoverWritable(() => first);
    const all = lines(0, 300);
    await writeAll(writer, all.slice(0, 100)); // these go in batches (writev) while the first write is in flight
    assert.ok(first.inFlight > 0 && writer.writableLength > 0, 'a write is in flight and more wait behind it when the hand-over is asked for');
    const handedOver = writer.handOver(second).then((previous) => {
      assert.equal(previous, first, 'resolves with the destination it replaced');
      assert.equal(first.inFlight, 0, 'nothing is in flight to the old destination any more');
      return first.received.length;
    });
    await writeAll(writer, all.slice(100));
    const firstGotAtHandOver = await within(handedOver, 5000, 'the hand-over');
    await new Promise<void>((resolve) => writer.end(resolve));
    assert.equal(first.received.length, firstGotAtHandOver, 'the old destination gets nothing after the hand-over');
    assert.ok(first.received.length > 0 && second.received.length > 0, 'both destinations wrote part of it');
    assert.deepEqual([...first.received, ...second.received].join(''), all.join(''), 'nothing lost, nothing reordered, nothing doubled');
  });

  it('never makes its first destination when handed over before anything was written', async () => {
    let made = 0;
    const second = new SlowDestination(tick);
    const writer = new HandoverWritable(() => {
      made++;
      return new SlowDestination(tick);
    });
    assert.equal(await writer.handOver(second), undefined);
    await writeAll(writer, lines(0, 5));
    await new Promise<void>((resolve) => writer.end(resolve));
    assert.equal(made, 0);
    assert.equal(second.received.join(''), lines(0, 5).join(''));
  });

  it('refuses a second hand-over while one is under way', async () => {
    const first = new SlowDestination(() => new Promise((resolve) => setTimeout(resolve, 20)));
    const writer = new HandoverWritable(() => first);
    writer.write('{"id":1}\n');
    const one = writer.handOver(new SlowDestination(tick));
    await assert.rejects(writer.handOver(new SlowDestination(tick)), /already under way/);
    assert.equal(await within(one, 5000, 'the hand-over'), first);
  });

  it("fails with its destination's write error, and closes when its destination ends", async () => {
    const failing = new SlowDestination(tick);
    failing.failWith = new Error('EPIPE');
    const writer = new HandoverWritable(() => failing);
    const failed = new Promise<Error>((resolve) => writer.once('error', resolve));
    writer.write('{"id":1}\n');
    assert.equal((await within(failed, 5000, 'the write error')).message, 'EPIPE');

    // a socket copy of stdout whose peer went away reads the end, then closes
    const socketLike = new Duplex({ read: () => undefined, write: (_chunk, _encoding, callback) => callback() });
    const other = new HandoverWritable(() => socketLike);
    other.write('{"id":2}\n');
    await tick();
    const closed = new Promise<void>((resolve) => other.once('close', resolve));
    socketLike.push(null);
    socketLike.resume();
    await within(closed, 5000, 'the writer to close');
    assert.ok(other.destroyed);
  });
});

describe('stdio: the protocol moves off fd 1 while the server starts', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  before(async () => (root = await tempDir()));
  after(async () => root?.cleanup());

  it('loses, doubles and reorders nothing written before, during and after the move (stdout a socket, as a Node client gives it)', async () => {
    const config = path.join(root.dir, 'small-messages.yaml');
    await writeFile(config, 'transport:\n  stdio:\n    maxMessageBytes: 1024\n');
    const server = startRawStdio({ args: ['--config', config, '--data-dir', path.join(root.dir, 'data')] });
    // An oversized request is refused the moment its line is read, also before the server is ready:
    // sent from the start until after the initialize answer, their refusals are written before,
    // during and after the hand-over from fd 1 to its copy, however the timing falls.
    const oversized = (id: number) => `{"jsonrpc":"2.0","id":${id},"method":"ping","params":{"pad":"${'x'.repeat(2000)}"}}`;
    const ids: number[] = [];
    const answered = (id: number | string) => server.lines.some((line) => (JSON.parse(line) as { id?: unknown }).id === id);
    try {
      server.send(INITIALIZE);
      let after = 0;
      for (let id = 100, deadline = Date.now() + 20_000; id < 2100 && Date.now() < deadline && after < 20; id++) {
        server.send(oversized(id));
        ids.push(id);
        if (answered(1)) after++;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      assert.ok((await server.response(1)).result, 'initialized');
      server.send(INITIALIZED);
      server.send({ jsonrpc: '2.0', id: 'ready', method: 'ping' });
      await server.response('ready');
      await server.response(ids.at(-1)!);
      const messages = server.lines.map((line) => JSON.parse(line) as { jsonrpc?: string; id?: unknown; error?: { code?: number } });
      for (const message of messages) assert.equal(message.jsonrpc, '2.0', 'stdout carries only JSON-RPC');
      const refusals = messages.filter((message) => typeof message.id === 'number' && message.id >= 100);
      assert.deepEqual(
        refusals.map((message) => message.id),
        ids,
        'one refusal per oversized request, in the order they were sent',
      );
      for (const refusal of refusals) assert.equal(refusal.error?.code, -32600);
      assert.equal(messages.filter((message) => message.id === 1).length, 1, 'initialize answered once');
    } finally {
      server.kill();
      await server.exited;
    }
  });
});
