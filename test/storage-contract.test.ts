import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cosineSimilarity } from '../src/storage/document.js';
import type { Filter, Storage, StorageError, StoredDocument } from '../src/storage/types.js';
import { ENGINES, open, tempDir } from './helpers/storage-temp.js';
import { waitFor } from './helpers/wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (docs: StoredDocument[]) => docs.map((d) => d.id);

/** Documents covering every JSON type, nesting and missing fields. */
const FIXTURE: Record<string, unknown> = {
  a: { n: 1, s: 'apple', b: true, tags: ['x', 'y', 1], meta: { author: 'ann', score: 2.5 } },
  b: { n: 2, s: 'banana', b: false, tags: ['y'], meta: { author: 'bob', score: -1 } },
  c: { n: '3', s: 'cherry', tags: [], meta: { author: null } },
  d: { n: 10, s: 'Date', nul: null, tags: [[1], 'x'], meta: 'flat' },
  e: { n: 2.5, s: 'o\'brien "q" é😀', tags: ['1', null, 2.5], arr: [1, 2] },
  f: { s: 'apricot', n: [1, 10], meta: { author: 'ann', score: 2.5 } },
  g: 'just a string',
  h: [1, 2, 3],
  i: null,
};

for (const engine of ENGINES) {
  describe(`storage contract: ${engine}`, () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let storage: Storage;

    before(async () => {
      ({ dir, cleanup } = await tempDir(`contract-${engine}-`));
      storage = await open(engine, dir);
      const col = storage.collection('fixture');
      for (const [id, data] of Object.entries(FIXTURE)) await col.put(id, data as never);
    });
    after(async () => {
      await storage?.close();
      await cleanup();
    });

    it('does CRUD', async () => {
      const col = storage.collection('crud');
      assert.equal(await col.get('x'), undefined);
      const put = await col.put('x', { hello: 'world' });
      assert.deepEqual((await col.get('x'))?.data, { hello: 'world' });
      assert.deepEqual(await col.get('x'), put);
      assert.equal(await col.delete('x'), true);
      assert.equal(await col.delete('x'), false);
      assert.equal(await col.get('x'), undefined);
    });

    it('keeps createdAt and updates updatedAt on put', async () => {
      const col = storage.collection('stamps');
      const first = await col.put('k', 1);
      await sleep(15);
      const second = await col.put('k', 2);
      assert.equal(second.createdAt, first.createdAt);
      assert.ok(second.updatedAt > first.updatedAt);
      assert.deepEqual(await col.get('k'), second);
    });

    it('hides expired documents at once and purges them', async () => {
      const col = storage.collection('ttl');
      const doc = await col.put('short', 'x', { ttlSeconds: 0.3 });
      assert.ok(doc.expiresAt && doc.expiresAt > doc.updatedAt);
      await col.put('long', 'y', { ttlSeconds: 60 });
      await col.put('forever', 'z');
      assert.equal(await col.count(), 3);
      await sleep(450);
      assert.equal(await col.get('short'), undefined);
      assert.deepEqual(ids(await col.find()), ['forever', 'long']);
      assert.equal(await col.count(), 2);
      // a put without ttl clears the expiry
      await col.put('long', 'y2');
      assert.equal((await col.get('long'))?.expiresAt, undefined);
      // an expired document does not keep its createdAt
      const again = await col.put('short', 'new');
      assert.ok(again.createdAt > doc.createdAt);
    });

    const cases: Array<[string, Filter, string[]]> = [
      ['implicit $eq number', { n: 2 }, ['b']],
      ['$eq is type exact', { n: { $eq: '3' } }, ['c']],
      ['$eq string', { s: 'apple' }, ['a']],
      ['$eq boolean', { b: false }, ['b']],
      ['$eq null matches missing and null', { nul: null }, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']],
      ['$ne matches missing and other types', { n: { $ne: 2 } }, ['a', 'c', 'd', 'e', 'f', 'g', 'h', 'i']],
      ['$gt number ignores strings and arrays', { n: { $gt: 1 } }, ['b', 'd', 'e']],
      ['$gte', { n: { $gte: 2.5 } }, ['d', 'e']],
      ['$lt', { n: { $lt: 2 } }, ['a']],
      ['$lte', { n: { $lte: 2 } }, ['a', 'b']],
      ['$gt string by code point', { s: { $gt: 'b' } }, ['b', 'c', 'e']],
      ['$lt string vs number literal mismatch', { s: { $lt: 5 } }, []],
      ['$in mixed types', { n: { $in: [1, '3', 99] } }, ['a', 'c']],
      ['$in with null', { nul: { $in: [null] } }, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']],
      ['$nin', { n: { $nin: [1, 2] } }, ['c', 'd', 'e', 'f', 'g', 'h', 'i']],
      ['$contains string', { tags: { $contains: 'x' } }, ['a', 'd']],
      ['$contains number is type exact', { tags: { $contains: 1 } }, ['a']],
      ['$contains string "1"', { tags: { $contains: '1' } }, ['e']],
      ['$contains does not look into nested arrays', { tags: { $contains: 2.5 } }, ['e']],
      ['$contains null', { tags: { $contains: null } }, ['e']],
      ['$startsWith', { s: { $startsWith: 'ap' } }, ['a', 'f']],
      ['$startsWith is case-sensitive', { s: { $startsWith: 'd' } }, []],
      ['$exists true', { nul: { $exists: true } }, []],
      ['$exists on n', { n: { $exists: true } }, ['a', 'b', 'c', 'd', 'e', 'f']],
      ['$exists false', { meta: { $exists: false } }, ['e', 'g', 'h', 'i']],
      ['nested path', { 'meta.author': 'ann' }, ['a', 'f']],
      ['nested null', { 'meta.author': { $exists: false } }, ['c', 'd', 'e', 'g', 'h', 'i']],
      ['nested number', { 'meta.score': { $gt: 0 } }, ['a', 'f']],
      ['path through a string is missing', { 'meta.x': { $exists: true } }, []],
      ['path into an array is missing', { 'arr.0': { $exists: true } }, []],
      ['tricky string', { s: 'o\'brien "q" é😀' }, ['e']],
      ['$and', { $and: [{ 'meta.author': 'ann' }, { n: 1 }] }, ['a']],
      ['$or', { $or: [{ n: 10 }, { s: 'banana' }] }, ['b', 'd']],
      ['$not', { $not: { n: { $gt: 1 } } }, ['a', 'c', 'f', 'g', 'h', 'i']],
      ['$not of $exists', { $not: { 'meta.author': { $exists: true } } }, ['c', 'd', 'e', 'g', 'h', 'i']],
      ['implicit and of operators', { n: { $gt: 1, $lt: 3 } }, ['b', 'e']],
      ['$id', { $id: { $in: ['a', 'z', 'h'] } }, ['a', 'h']],
      ['$id $startsWith', { $id: { $startsWith: 'c' } }, ['c']],
      ['$id vs number', { $id: 1 }, []],
      ['$createdAt', { $createdAt: { $gt: 0 } }, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']],
      ['$expiresAt missing', { $expiresAt: { $exists: true } }, []],
      ['empty $in', { n: { $in: [] } }, []],
    ];
    for (const [name, filter, expected] of cases) {
      it(`filter: ${name}`, async () => {
        const col = storage.collection('fixture');
        assert.deepEqual(ids(await col.find({ filter })), expected);
        assert.equal(await col.count(filter), expected.length);
      });
    }

    it('orders asc/desc with missing first (asc) and ties by id', async () => {
      const col = storage.collection('fixture');
      assert.deepEqual(ids(await col.find({ orderBy: [{ field: 'n' }] })), ['g', 'h', 'i', 'a', 'b', 'e', 'd', 'c', 'f']);
      assert.deepEqual(ids(await col.find({ orderBy: [{ field: 'n', direction: 'desc' }] })), ['f', 'c', 'd', 'e', 'b', 'a', 'g', 'h', 'i']);
      assert.deepEqual(ids(await col.find({ orderBy: [{ field: 'meta.score', direction: 'desc' }, { field: 's' }] })), ['a', 'f', 'b', 'g', 'h', 'i', 'd', 'c', 'e']);
      assert.deepEqual(ids(await col.find({ orderBy: [{ field: '$id', direction: 'desc' }] })), ['i', 'h', 'g', 'f', 'e', 'd', 'c', 'b', 'a']);
      assert.deepEqual(ids(await col.find({ filter: { s: { $exists: true } }, orderBy: [{ field: 's' }] })), ['d', 'a', 'f', 'b', 'c', 'e']);
    });

    it('pages with limit and offset', async () => {
      const col = storage.collection('fixture');
      assert.deepEqual(ids(await col.find({ limit: 3 })), ['a', 'b', 'c']);
      assert.deepEqual(ids(await col.find({ limit: 3, offset: 3 })), ['d', 'e', 'f']);
      assert.deepEqual(ids(await col.find({ orderBy: [{ field: 'n' }], limit: 2, offset: 3 })), ['a', 'b']);
      assert.deepEqual(ids(await col.find({ offset: 100 })), []);
      assert.deepEqual(ids(await col.find({ limit: 0 })), []);
    });

    it('searches vectors with a filter in the right order', async () => {
      const col = storage.collection('vectors');
      const rnd = (seed: number) => Array.from({ length: 16 }, (_, i) => Math.sin(seed * 7.13 + i * 1.7));
      const docs = Array.from({ length: 60 }, (_, i) => ({ id: `v${String(i).padStart(2, '0')}`, group: i % 3, vector: rnd(i) }));
      await Promise.all(docs.map((d) => col.put(d.id, { group: d.group }, { vector: d.vector })));
      await col.put('novector', { group: 0 });
      const query = rnd(1000);
      const hits = await col.search(query, { k: 5, filter: { group: 1 } });
      const reference = docs
        .filter((d) => d.group === 1)
        .map((d) => ({ id: d.id, score: cosineSimilarity(query, d.vector.map(Math.fround)) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 5);
      assert.deepEqual(ids(hits), ids(reference as never));
      for (const [i, h] of hits.entries()) assert.ok(Math.abs(h.score - reference[i]!.score) < 1e-5);
      assert.equal(hits[0]!.vector!.length, 16);
      assert.equal((await col.search(query)).length, 10);
      await assert.rejects(col.search([1, 2, 3]), { code: 'DIMENSION_MISMATCH' });
      await assert.rejects(col.put('bad', {}, { vector: [1, 2] }), { code: 'DIMENSION_MISMATCH' });
      assert.deepEqual(await storage.collection('empty-vectors').search([1, 2]), []);
    });

    it('serves reads that race the write creating a collection, and refuses only the put whose vector does not fit', async () => {
      // Reads racing a collection's first write once failed on LanceDB ("Table ... was not found": the
      // table was listed before it could be opened) and lost the writes on lowdb (two in-memory copies)
      for (let round = 0; round < 8; round++) {
        const col = storage.collection(`racing-${round}`);
        const writesAndReads = Array.from({ length: 20 }, (_, i) => [col.put(`d${i}`, { i }, { vector: [1, i, 0] }), col.get(`d${i}`), col.find({ limit: 1 }), col.search([1, 0, 0], { k: 1 })]);
        const settled = await Promise.allSettled(writesAndReads.flat());
        const failed = settled.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        assert.deepEqual(
          failed.map((outcome) => String(outcome.reason)),
          [],
        );
        assert.equal(await col.count(), 20);
      }
      const col = storage.collection('mixed-dimensions');
      const settled = await Promise.allSettled(
        [
          [1, 0, 0],
          [0, 1, 0],
          [1, 2],
          [0, 0, 1],
        ].map((vector, i) => col.put(`p${i}`, { i }, { vector })),
      );
      assert.deepEqual(
        settled.map((outcome) => outcome.status),
        ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal((settled[2] as PromiseRejectedResult).reason.code, 'DIMENSION_MISMATCH');
      assert.deepEqual(ids(await col.find()), ['p0', 'p1', 'p3']);
    });

    it('never returns expired documents from a search, and still fills k', async () => {
      const col = storage.collection('expiring-vectors');
      const near = (i: number) => [1, i / 100, 0];
      for (let i = 0; i < 15; i++) await col.put(`gone${String(i).padStart(2, '0')}`, { i }, { vector: near(i), ttlSeconds: 0.3 });
      for (let i = 0; i < 5; i++) await col.put(`kept${i}`, { i }, { vector: [0, 1, i / 10] });
      await sleep(500);
      const hits = await col.search([1, 0, 0], { k: 3 });
      assert.equal(hits.length, 3, 'k is filled from live documents although the nearest ones expired');
      assert.ok(
        hits.every((hit) => hit.id.startsWith('kept')),
        ids(hits).join(','),
      );
    });

    it('holds writes at a snapshot barrier so an export inside it is consistent', async () => {
      const col = storage.collection('snapshotted');
      await col.put('before', 1);
      let writesDone = false;
      const exported = await storage.snapshot(async () => {
        const pending = Promise.all([col.put('during', 2), storage.collection('brand-new').put('x', 3), col.delete('before')]).then(() => (writesDone = true));
        await sleep(150);
        assert.equal(writesDone, false, 'writes wait for the snapshot to end');
        const docs: string[] = [];
        for await (const doc of storage.exportCollection('snapshotted')) docs.push(doc.id);
        void pending;
        return docs;
      });
      assert.deepEqual(exported, ['before']);
      await waitFor(() => writesDone, 'writes to go through once the snapshot ends', { attempts: 50, intervalMs: 20 });
      assert.deepEqual(ids(await col.find()), ['during']);
      assert.equal((await storage.collection('brand-new').get('x'))?.data, 3);
    });

    it('adds vectors to a collection created without them', async () => {
      const col = storage.collection('late-vectors');
      await col.put('plain', { a: 1 });
      await col.put('vec', { a: 2 }, { vector: [1, 0, 0] });
      assert.deepEqual(ids(await col.search([1, 0, 0])), ['vec']);
      assert.deepEqual((await col.get('plain'))?.data, { a: 1 });
    });

    it('stores large values and unicode', async () => {
      const col = storage.collection('big');
      const big = 'x'.repeat(1024 * 1024);
      await col.put('big', { big });
      assert.equal(((await col.get('big'))!.data as { big: string }).big.length, big.length);
      const id = 'ключ-🔑-\'"\\;--';
      const data = { ü: 'é😀\u0000\n\t"\'\\', nested: { emoji: '🚀' } };
      await col.put(id, data);
      assert.deepEqual((await col.get(id))?.data, data);
      assert.deepEqual(ids(await col.find({ filter: { $id: id } })), [id]);
      assert.deepEqual(ids(await col.find({ filter: { 'nested.emoji': '🚀' } })), [id]);
    });

    it('keeps all of 200 concurrent puts', async () => {
      const col = storage.collection('concurrent');
      await Promise.all(Array.from({ length: 200 }, (_, i) => col.put(`k${i}`, { i })));
      assert.equal(await col.count(), 200);
      await Promise.all(Array.from({ length: 50 }, (_, i) => col.put('same', { i })));
      assert.equal(await col.count(), 201);
    });

    it('lists collections and rejects invalid names and filters', async () => {
      const names = await storage.listCollections();
      assert.ok(names.includes('fixture') && names.includes('crud'));
      assert.throws(() => storage.collection('1bad'), { code: 'INVALID_ARGUMENT' });
      assert.throws(() => storage.collection('a/b'), { code: 'INVALID_ARGUMENT' });
      const col = storage.collection('fixture');
      await assert.rejects(col.find({ filter: { 'a..b': 1 } }), { code: 'INVALID_ARGUMENT' });
      await assert.rejects(col.find({ filter: { n: { $regex: 'x' } } as never }), { code: 'INVALID_ARGUMENT' });
      await assert.rejects(col.find({ filter: { $where: 'x' } as never }), { code: 'INVALID_ARGUMENT' });
      await assert.rejects(col.find({ limit: 10_001 }), { code: 'INVALID_ARGUMENT' });
      await assert.rejects(col.search([1], { k: 1001 }), { code: 'INVALID_ARGUMENT' });
      await assert.rejects(col.put('', 1), { code: 'INVALID_ARGUMENT' });
    });

    it('refuses a second open of the same data directory', async () => {
      await assert.rejects(open(engine, dir), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'LOCKED');
        assert.match(error.message, new RegExp(`in use by process ${process.pid}`));
        return true;
      });
    });

    it('keeps data after close and reopen', async () => {
      await storage.close();
      await assert.rejects(storage.collection('crud').get('x'), { code: 'CLOSED' });
      storage = await open(engine, dir);
      assert.equal(await storage.collection('concurrent').count(), 201);
      assert.deepEqual(ids(await storage.collection('fixture').find({ filter: { n: 2 } })), ['b']);
      assert.equal((await storage.collection('vectors').search(Array(16).fill(0.5), { k: 3 })).length, 3);
    });
  });
}

describe('storage contract: lowdb corruption', () => {
  it('reports a corrupt collection file with its path and leaves it alone', async () => {
    const { dir, cleanup } = await tempDir('corrupt-');
    try {
      const storage = await open('lowdb', dir);
      await storage.collection('notes').put('a', 1);
      await storage.close();
      const file = join(dir, 'lowdb', 'notes.json');
      await writeFile(file, '{"format":"mcp-server-lowdb","documents":[{"id":');
      await assert.rejects(open('lowdb', dir), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CORRUPT');
        assert.ok(error.message.includes(file));
        return true;
      });
      const again = await import('node:fs/promises').then((fs) => fs.readFile(file, 'utf8'));
      assert.equal(again, '{"format":"mcp-server-lowdb","documents":[{"id":');
    } finally {
      await cleanup();
    }
  });
});

describe('storage contract: lazy engines', () => {
  it('choosing lowdb loads no native engine module', async () => {
    const { spawnSync } = await import('node:child_process');
    const { dir, cleanup } = await tempDir('lazy-');
    try {
      const script = `
        const { openStorage } = await import(${JSON.stringify(new URL('../src/storage/open.ts', import.meta.url).href)});
        const { silentLogger } = await import(${JSON.stringify(new URL('../src/observability/logger.ts', import.meta.url).href)});
        const { configSchema } = await import(${JSON.stringify(new URL('../src/config/schema.ts', import.meta.url).href)});
        const s = await openStorage(configSchema.parse({ storage: { dataDir: ${JSON.stringify(dir)} } }).storage, silentLogger);
        await s.collection('a').put('x', 1);
        await s.close();
        const maps = (await import('node:fs')).readFileSync('/proc/self/maps', 'utf8');
        process.stdout.write(/lancedb|duckdb/i.test(maps) ? 'native' : 'clean');`;
      const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: process.cwd() });
      assert.equal(result.stdout, 'clean', result.stderr);
    } finally {
      await cleanup();
    }
  });
});

describe('storage contract: lowdb journal', () => {
  it('replays the journal over the snapshot, drops a torn last line, and reports a bad line with its path', async () => {
    const { dir, cleanup } = await tempDir('journal-');
    try {
      let storage = await open('lowdb', dir);
      const col = storage.collection('j');
      for (let i = 0; i < 5; i++) await col.put(`d${i}`, { i });
      await col.delete('d0');
      await storage.close();
      const journal = join(dir, 'lowdb', 'j.journal.jsonl');
      await appendFile(journal, '{"op":"put","doc":{"id":"torn"'); // a crash mid-append: never acknowledged
      storage = await open('lowdb', dir);
      assert.deepEqual(ids(await storage.collection('j').find()), ['d1', 'd2', 'd3', 'd4']);
      await storage.collection('j').put('after', 1);
      await storage.close();
      storage = await open('lowdb', dir);
      assert.deepEqual(ids(await storage.collection('j').find()), ['after', 'd1', 'd2', 'd3', 'd4']);
      await storage.close();
      await writeFile(journal, 'not json\n{"op":"delete","id":"d1"}\n');
      await assert.rejects(open('lowdb', dir), (error: StorageError) => error.code === 'CORRUPT' && error.message.includes(journal));
    } finally {
      await cleanup();
    }
  });

  it('compacts the journal into the snapshot once it outgrows the collection', async () => {
    const { dir, cleanup } = await tempDir('journal-compact-');
    try {
      const storage = await open('lowdb', dir);
      const col = storage.collection('busy');
      for (let i = 0; i < 1100; i++) await col.put('same', { i });
      await storage.close();
      const journalLines = (await readFile(join(dir, 'lowdb', 'busy.journal.jsonl'), 'utf8')).split('\n').filter(Boolean).length;
      assert.ok(journalLines < 1000, `journal was compacted (${journalLines} lines left)`);
      const reopened = await open('lowdb', dir);
      assert.deepEqual((await reopened.collection('busy').get('same'))?.data, { i: 1099 });
      await reopened.close();
    } finally {
      await cleanup();
    }
  });
});
