import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentComparator, matches } from '../src/storage/evaluate.js';
import { compileFilter, normalizeFind } from '../src/storage/filter.js';
import { StorageError, type Filter, type Json, type StoredDocument } from '../src/storage/types.js';

/**
 * The filter semantics every engine shares, evaluated in-process (the JS evaluator lowdb uses). The
 * contract suite (storage-contract.test.ts) proves LanceDB and DuckDB agree with it.
 */
const doc = (id: string, data: Json, meta: Partial<StoredDocument> = {}): StoredDocument => ({ id, data, createdAt: 1000, updatedAt: 2000, ...meta });

const DOCS: StoredDocument[] = [
  doc('a', { title: 'Apple', n: 1, tags: ['fruit', 'red'], meta: { author: 'ann' } }),
  doc('b', { title: 'banana', n: 2, tags: ['fruit'], meta: { author: 'bob' }, flag: null }),
  doc('c', { title: 'Cherry', n: '3', tags: [['nested']], meta: ['not', 'an', 'object'] }),
  doc('d', { n: 10, tags: 'fruit' }, { expiresAt: 5000 }),
  doc('e', 'just a string'),
];

const ids = (filter: Filter) => {
  const condition = compileFilter(filter);
  return DOCS.filter((d) => (condition ? matches(d, condition) : true)).map((d) => d.id);
};

const invalid = (filter: unknown, message: RegExp) =>
  assert.throws(
    () => compileFilter(filter as Filter),
    (error: unknown) => error instanceof StorageError && error.code === 'INVALID_ARGUMENT' && message.test(error.message),
  );

describe('filter evaluation', () => {
  it('equality needs the same JSON type and value; null means missing or null', () => {
    assert.deepEqual(ids({ n: 1 }), ['a']);
    assert.deepEqual(ids({ n: 3 }), [], 'the string "3" is not the number 3');
    assert.deepEqual(ids({ flag: null }), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(ids({ flag: { $exists: true } }), []);
    assert.deepEqual(ids({ title: { $exists: false } }), ['d', 'e']);
  });

  it('$ne and $nin are exactly NOT $eq and NOT $in, so they match missing fields and other types', () => {
    assert.deepEqual(ids({ n: { $ne: 1 } }), ['b', 'c', 'd', 'e']);
    assert.deepEqual(ids({ n: { $in: [1, 2, '3'] } }), ['a', 'b', 'c']);
    assert.deepEqual(ids({ n: { $nin: [1, 2] } }), ['c', 'd', 'e']);
  });

  it('comparisons pair numbers with numbers and strings with strings (by code point)', () => {
    assert.deepEqual(ids({ n: { $gt: 1 } }), ['b', 'd']);
    assert.deepEqual(ids({ n: { $gte: 2, $lt: 10 } }), ['b']);
    assert.deepEqual(ids({ title: { $lt: 'a' } }), ['a', 'c'], 'upper case sorts before lower case');
    assert.deepEqual(ids({ n: { $lte: '9' } }), ['c']);
  });

  it('$contains looks into arrays (one level), $startsWith into strings', () => {
    assert.deepEqual(ids({ tags: { $contains: 'fruit' } }), ['a', 'b'], 'a string field is not an array');
    assert.deepEqual(ids({ tags: { $contains: 'nested' } }), []);
    assert.deepEqual(ids({ title: { $startsWith: 'b' } }), ['b']);
    assert.deepEqual(ids({ title: { $startsWith: 'B' } }), []);
  });

  it('paths walk objects only: an array on the way or non-object data is missing', () => {
    assert.deepEqual(ids({ 'meta.author': 'ann' }), ['a']);
    assert.deepEqual(ids({ 'meta.author': { $exists: true } }), ['a', 'b']);
    assert.deepEqual(ids({ 'meta.0': 'not' }), []);
  });

  it('combines with $and, $or, $not and reads metadata fields', () => {
    assert.deepEqual(ids({ $or: [{ n: 1 }, { n: 10 }] }), ['a', 'd']);
    assert.deepEqual(ids({ $and: [{ tags: { $contains: 'fruit' } }, { $not: { n: 1 } }] }), ['b']);
    assert.deepEqual(ids({ $id: { $in: ['a', 'e'] } }), ['a', 'e']);
    assert.deepEqual(ids({ $expiresAt: { $exists: true } }), ['d']);
    assert.deepEqual(ids({ $createdAt: { $lt: 1001 } }), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(ids({}), ['a', 'b', 'c', 'd', 'e'], 'an empty filter matches everything');
  });

  it('refuses malformed filters with a message naming the problem', () => {
    invalid({ 'bad path!': 1 }, /invalid field "bad path!"/);
    invalid({ n: { $regex: 'x' } }, /unknown operator "\$regex"/);
    invalid({ n: { $gt: true } }, /must be a finite number or a string/);
    invalid({ n: { $in: 'x' } }, /needs an array/);
    invalid({ $or: [] }, /non-empty array/);
    invalid({ n: {} }, /has no operator/);
    invalid({ n: Number.NaN }, /finite number/);
    let deep: Filter = { n: 1 };
    for (let i = 0; i < 40; i++) deep = { $not: deep };
    invalid(deep, /nested deeper than/);
  });
});

describe('document order', () => {
  it('missing < booleans < numbers < strings < objects; desc reverses all of it; ties by id', () => {
    const docs = [doc('s', { v: 'x' }), doc('o', { v: { a: 1 } }), doc('m', {}), doc('n2', { v: 2 }), doc('n1', { v: 1 }), doc('b', { v: true }), doc('t', { v: 'x' })];
    const sorted = (direction: 'asc' | 'desc') => [...docs].sort(documentComparator(normalizeFind({ orderBy: [{ field: 'v', direction }] }).orderBy)).map((d) => d.id);
    assert.deepEqual(sorted('asc'), ['m', 'b', 'n1', 'n2', 's', 't', 'o']);
    assert.deepEqual(sorted('desc'), ['o', 's', 't', 'n2', 'n1', 'b', 'm']);
  });

  it('checks limit and offset bounds', () => {
    assert.deepEqual(normalizeFind(undefined), { orderBy: [], limit: 100, offset: 0 });
    assert.throws(() => normalizeFind({ limit: 10_001 }), /limit must be an integer from 0 to 10000/);
    assert.throws(() => normalizeFind({ offset: -1 }), /offset must be an integer/);
  });
});
