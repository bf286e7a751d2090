import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { connectClient, startHttpServer } from './helpers/http-server.js';
import { startStdioServer, structured, tempDir, textOf, type StdioServer } from './helpers/stdio-server.js';
import { smallDisk } from './helpers/tmpfs.js';
import { open } from './helpers/storage-temp.js';
import type { BackendStorage } from '../src/storage/storage.js';
import { waitFor } from './helpers/wait.js';

type Client = StdioServer['client'];

const set = (client: Client, key: string, value: unknown) => client.callTool({ name: 'kv_set', arguments: { key, value } });
const found = async (client: Client, key: string) => structured<{ found: boolean; value?: unknown }>(await client.callTool({ name: 'kv_get', arguments: { key } }));

/** Sets each key; returns the keys whose write was acknowledged. */
async function setAll(client: Client, entries: Array<[string, unknown]>): Promise<string[]> {
  const acknowledged: string[] = [];
  for (const [key, value] of entries) if (!(await set(client, key, value)).isError) acknowledged.push(key);
  return acknowledged;
}

describe('storage on a full disk', () => {
  it('lowdb: a write that does not fit is refused whole, and the collection takes writes again once space is back', async (t) => {
    const disk = await smallDisk(t, 1024 * 1024);
    if (!disk) return;
    const dataDir = path.join(disk.dir, 'data');
    let server = await startStdioServer({ era: 'legacy', args: ['--storage', 'lowdb', '--data-dir', dataDir] });
    try {
      structured(await set(server.client, 'before', 1));
      // room for part of the next entry only: the write must fail whole, not leave half a line behind
      await disk.fill(8 * 1024);
      const tooBig = await set(server.client, 'too-big', 'x'.repeat(32 * 1024));
      assert.equal(tooBig.isError, true, 'a write that did not fit was acknowledged');
      assert.match(textOf(tooBig), /no space left on device/i);
      const whileFull = await setAll(server.client, [['small-while-full', 2]]);
      await disk.free();
      structured(await set(server.client, 'after', 3));
      assert.equal((await found(server.client, 'too-big')).found, false, 'the refused write is not visible');
      const acknowledged = ['before', ...whileFull, 'after'];
      for (const key of acknowledged) assert.equal((await found(server.client, key)).found, true, key);
      await server.close();

      // the journal on disk matches what was acknowledged: the server starts, nothing more, nothing less
      server = await startStdioServer({ era: 'legacy', args: ['--storage', 'lowdb', '--data-dir', dataDir] });
      for (const key of acknowledged) assert.equal((await found(server.client, key)).found, true, `${key} after restart`);
      assert.equal((await found(server.client, 'too-big')).found, false, 'the refused write stays refused after restart');
    } finally {
      await server.close();
    }
  });

  it('duckdb: after a fatal checkpoint error /ready says so, and the database is reopened once space is back', async (t) => {
    const disk = await smallDisk(t, 40 * 1024 * 1024);
    if (!disk) return;
    const server = await startHttpServer({ transport: 'http-stream', args: ['--storage', 'duckdb', '--data-dir', path.join(disk.dir, 'data')] });
    t.after(() => server.stop());
    const client = await connectClient(server, 'modern');
    t.after(() => client.close());
    const ready = async () => {
      const response = await fetch(`${server.origin}/ready`);
      return { status: response.status, body: (await response.json()) as { status: string; problems?: string[] } };
    };
    // DuckDB checkpoints once its write-ahead log passes 16 MiB: fill the log to just below, then the disk
    const value = () => randomBytes(1536 * 1024).toString('base64');
    const keys = Array.from({ length: 7 }, (_, i) => `k${i}`);
    for (const key of keys) structured(await set(client, key, value()));
    await disk.fill(4 * 1024 * 1024);
    let failed: Awaited<ReturnType<typeof set>> | undefined;
    const acknowledged = [...keys];
    for (let i = 7; i < 12 && !failed; i++) {
      const result = await set(client, `k${i}`, value());
      if (result.isError) failed = result;
      else acknowledged.push(`k${i}`);
    }
    assert.ok(failed, 'the checkpoint never ran out of space');
    assert.match(textOf(failed), /no space left on device/i);
    const broken = await ready();
    assert.equal(broken.status, 503);
    assert.match(broken.body.problems?.join('\n') ?? '', /storage unavailable: .*duckdb/i);

    await disk.free();
    let state = broken;
    await waitFor(
      async () => (state = await ready()).status === 200,
      () => `storage to come back (last /ready: ${JSON.stringify(state.body)})\n${server.stderr()}`,
      { attempts: 600 },
    );
    for (const key of acknowledged) assert.equal((await found(client, key)).found, true, key);
    structured(await set(client, 'after', 'space is back'));
    assert.match(server.stderr(), /reopened/);
  });

  it('lancedb: a collection whose creation hit a full disk can be created once space is back', async (t) => {
    const disk = await smallDisk(t, 1024 * 1024);
    if (!disk) return;
    const dataDir = path.join(disk.dir, 'data');
    let server = await startStdioServer({ era: 'legacy', args: ['--storage', 'lancedb', '--data-dir', dataDir] });
    try {
      await disk.fill();
      const first = await set(server.client, 'first', 1);
      assert.equal(first.isError, true, 'a collection was created on a full disk');
      assert.match(textOf(first), /no space left on device/i);
      await disk.free();
      structured(await set(server.client, 'second', 2));
      await server.close();
      server = await startStdioServer({ era: 'legacy', args: ['--storage', 'lancedb', '--data-dir', dataDir] });
      assert.equal((await found(server.client, 'second')).found, true);
      assert.equal((await found(server.client, 'first')).found, false);
    } finally {
      await server.close();
    }
  });

  it('lancedb: a table left without any committed version (creation cut short) is removed at start', async (t) => {
    const { dir, cleanup } = await tempDir('mcp-lance-uncommitted-');
    t.after(cleanup);
    const dataDir = path.join(dir, 'data');
    const args = ['--storage', 'lancedb', '--data-dir', dataDir];
    await (await startStdioServer({ era: 'legacy', args })).close();
    await mkdir(path.join(dataDir, 'lancedb', 'kv.lance', '_versions'), { recursive: true });
    const server = await startStdioServer({ era: 'legacy', args });
    try {
      structured(await set(server.client, 'key', 'value'));
      assert.equal((await found(server.client, 'key')).value, 'value');
      assert.match(server.stderr(), /creation never completed/);
    } finally {
      await server.close();
    }
  });
});

describe('lowdb snapshot rewrite on a full disk (in-process)', () => {
  it('keeps the old snapshot and every document when the rewrite does not fit', async (t) => {
    const disk = await smallDisk(t, 1024 * 1024);
    if (!disk) return;
    const storage = (await open('lowdb', disk.dir)) as BackendStorage;
    t.after(() => storage.close());
    const notes = storage.collection('notes');
    const snapshot = path.join(disk.dir, 'lowdb', 'notes.json');
    await notes.put('gone', 1, { ttlSeconds: 0.01 });
    await notes.put('kept', 'x'.repeat(20_000));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(await storage.purgeExpired(), 1); // writes the first snapshot
    const before = await readFile(snapshot, 'utf8');
    await notes.put('also-gone', 2, { ttlSeconds: 0.01 });
    await notes.put('more', 'y'.repeat(20_000));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await disk.fill();
    await assert.rejects(storage.purgeExpired(), /no space left on device/i);
    assert.equal(await readFile(snapshot, 'utf8'), before, 'the old snapshot is untouched');
    assert.deepEqual(
      (await readdir(path.join(disk.dir, 'lowdb'))).filter((f) => f.includes('.tmp-')),
      [],
      'no temp file is left behind',
    );
    assert.deepEqual(
      (await notes.find()).map((d) => d.id),
      ['kept', 'more'],
    );
    await disk.free();
    assert.equal(await storage.purgeExpired(), 1, 'the purge goes through once space is back');
    assert.deepEqual(
      (await notes.find()).map((d) => d.id),
      ['kept', 'more'],
    );
  });
});
