import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tar from 'tar';
import { silentLogger } from '../src/observability/logger.js';
import { formatStorageResult } from '../src/cli/storage-report.js';
import { runBackup, runRestore } from '../src/storage/commands.js';
import type { EngineName, Storage, StoredDocument } from '../src/storage/types.js';
import { ENGINES, fullConfig, open, tempDir } from './helpers/storage-temp.js';

async function seed(storage: Storage): Promise<void> {
  const notes = storage.collection('notes');
  await notes.put('n1', { title: 'first', tags: ['a'] }, { vector: [1, 0, 0.5] });
  await notes.put('n2', { title: 'ünïcödé 😀' }, { vector: [0, 1, 0], ttlSeconds: 3600 });
  await notes.put('n3', { title: 'no vector', nested: { deep: [1, 2, { x: null }] } });
  await storage.collection('kv').put('key', 'plain string');
  await storage.collection('kv').put('gone', 'expired', { ttlSeconds: 0.05 });
}

async function snapshot(storage: Storage): Promise<Record<string, StoredDocument[]>> {
  const result: Record<string, StoredDocument[]> = {};
  for (const name of await storage.listCollections()) {
    result[name] = [];
    for await (const doc of storage.exportCollection(name)) result[name].push(doc);
  }
  return result;
}

describe('storage backup and restore', () => {
  const archives = new Map<EngineName, string>();
  const expected = new Map<EngineName, Record<string, StoredDocument[]>>();
  let work: string;
  let cleanup: () => Promise<void>;

  before(async () => {
    ({ dir: work, cleanup } = await tempDir('backup-test-'));
    for (const engine of ENGINES) {
      const dataDir = join(work, `source-${engine}`);
      const storage = await open(engine, dataDir);
      await seed(storage);
      await new Promise((r) => setTimeout(r, 80));
      expected.set(engine, await snapshot(storage));
      await assert.rejects(runBackup(fullConfig(engine, dataDir), join(work, 'x.tar.gz'), silentLogger), { code: 'LOCKED' }, 'this process holds the lock: there is no other owner to ask');
      await storage.close();
      const archive = join(work, `${engine}.tar.gz`);
      const report = await runBackup(fullConfig(engine, dataDir), archive, silentLogger);
      assert.deepEqual([report.archive, report.engine, report.writtenByServer], [archive, engine, undefined]);
      assert.ok(report.collections.length > 0 && report.collections.every((c) => c.count > 0), JSON.stringify(report.collections));
      assert.equal(formatStorageResult(report).at(-1), `wrote ${archive}`);
      archives.set(engine, archive);
    }
  });
  after(() => cleanup?.());

  for (const from of ENGINES) {
    for (const to of ENGINES) {
      it(`restores a ${from} backup into ${to}`, async () => {
        const dataDir = join(work, `restore-${from}-${to}`);
        const report = await runRestore(fullConfig(to, dataDir), archives.get(from)!, false, silentLogger);
        assert.deepEqual([report.dryRun, report.source.engine, report.engine], [false, from, to]);
        const storage = await open(to, dataDir);
        try {
          const got = await snapshot(storage);
          assert.deepEqual(got, expected.get(from));
          assert.equal(got.kv!.length, 1);
          assert.ok(got.notes!.find((d) => d.id === 'n2')!.expiresAt);
          assert.deepEqual((await storage.collection('notes').search([1, 0, 0.5], { k: 1 }))[0]!.id, 'n1');
        } finally {
          await storage.close();
        }
      });
    }
  }

  it('keeps the previous data and writes a manifest', async () => {
    const dataDir = join(work, 'previous');
    const storage = await open('lowdb', dataDir);
    await storage.collection('old').put('x', 1);
    await storage.close();
    const report = await runRestore(fullConfig('lowdb', dataDir), archives.get('duckdb')!, false, silentLogger);
    assert.ok(report.previous, 'the data from before is kept');
    assert.ok(formatStorageResult(report).includes(`kept the previous data at ${report.previous}`));
    const previous = (await readdir(dataDir)).find((f) => f.startsWith('lowdb.previous-'));
    assert.ok(previous);
    assert.deepEqual(await readdir(join(dataDir, previous)), ['old.journal.jsonl'], 'the previous collection (journal only: one write, never compacted)');
    const listing: string[] = [];
    await tar.list({ file: archives.get('lowdb')!, onReadEntry: (e) => void listing.push(e.path) });
    assert.deepEqual(listing.sort(), ['collections/', 'collections/kv.jsonl', 'collections/notes.jsonl', 'manifest.json']);
  });

  describe('refuses damaged archives and leaves data unchanged', () => {
    let dataDir: string;
    let cleanup: () => Promise<void>;
    let unpacked: string;
    before(async () => {
      ({ dir: dataDir, cleanup } = await tempDir('restore-target-'));
      const storage = await open('lowdb', dataDir);
      await storage.collection('keep').put('me', { safe: true });
      await storage.close();
      unpacked = join(work, 'unpacked');
      await import('node:fs/promises').then((fs) => fs.mkdir(unpacked));
      await tar.extract({ file: archives.get('lowdb')!, cwd: unpacked });
    });
    after(() => cleanup());

    const repack = async (name: string, change: () => Promise<void>, files = ['manifest.json', 'collections']) => {
      const copy = join(work, `tamper-${name}`);
      await import('node:fs/promises').then((fs) => fs.cp(unpacked, copy, { recursive: true }));
      const saved = unpacked;
      unpacked = copy;
      await change();
      unpacked = saved;
      const archive = join(work, `${name}.tar.gz`);
      await tar.create(
        { gzip: true, file: archive, cwd: copy },
        files.filter((f) => f !== 'manifest.json' || name !== 'no-manifest'),
      );
      return archive;
    };

    const expectRefused = async (archive: string, pattern: RegExp) => {
      for (const dryRun of [true, false]) {
        await assert.rejects(runRestore(fullConfig('lowdb', dataDir), archive, dryRun, silentLogger), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'CORRUPT');
          assert.match(error.message, pattern);
          return true;
        });
      }
      assert.deepEqual((await readdir(dataDir)).sort(), ['lowdb', 'schema.json']);
      const storage = await open('lowdb', dataDir);
      assert.deepEqual((await storage.collection('keep').get('me'))?.data, { safe: true });
      assert.deepEqual(await storage.listCollections(), ['keep']);
      await storage.close();
    };

    it('a flipped byte in a collection file', async () => {
      const archive = await repack('flip', async () => {
        const file = join(unpacked, 'collections', 'notes.jsonl');
        const bytes = await readFile(file);
        bytes[20] = bytes[20]! ^ 0x01;
        await writeFile(file, bytes);
      });
      await expectRefused(archive, /sha256/);
    });

    it('a changed count', async () => {
      const archive = await repack('count', async () => {
        const file = join(unpacked, 'manifest.json');
        const manifest = JSON.parse(await readFile(file, 'utf8'));
        manifest.collections[0].count += 1;
        await writeFile(file, JSON.stringify(manifest));
      });
      await expectRefused(archive, /manifest says/);
    });

    it('a truncated gzip', async () => {
      const bytes = await readFile(archives.get('lowdb')!);
      const archive = join(work, 'truncated.tar.gz');
      await writeFile(archive, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await expectRefused(archive, /not a readable|missing/);
    });

    it('a missing manifest', async () => {
      const archive = await repack('no-manifest', async () => {});
      await expectRefused(archive, /manifest.json is missing/);
    });

    it('a tampered line with a matching hash', async () => {
      const archive = await repack('bad-line', async () => {
        const file = join(unpacked, 'collections', 'kv.jsonl');
        await writeFile(file, '{"id":"key","data":1}\n');
        const manifestFile = join(unpacked, 'manifest.json');
        const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
        const entry = manifest.collections.find((c: { name: string }) => c.name === 'kv');
        entry.sha256 = (await import('node:crypto'))
          .createHash('sha256')
          .update(await readFile(file))
          .digest('hex');
        await writeFile(manifestFile, JSON.stringify(manifest));
      });
      await expectRefused(archive, /createdAt/);
    });

    it('dry run verifies and touches nothing', async () => {
      const report = await runRestore(fullConfig('lowdb', dataDir), archives.get('lancedb')!, true, silentLogger);
      assert.equal(report.dryRun, true);
      assert.equal(report.previous, undefined);
      assert.match(formatStorageResult(report).at(-1)!, /^dry run: would restore into .*; nothing was changed$/);
      assert.deepEqual((await readdir(dataDir)).sort(), ['lowdb', 'schema.json']);
    });
  });
});
