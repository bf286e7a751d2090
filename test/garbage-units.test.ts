import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapSpaceStatistics } from 'node:v8';
import { collectGarbage, shrinkHeap } from '../src/server/garbage.js';

const youngUsed = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_used_size ?? Number.NaN;

/** Allocates short-lived objects until the young generation holds at least `bytes` (at most 64 MB made). */
function fillYoungGeneration(bytes: number): number {
  let kept: unknown[] = [];
  for (let made = 0; made < 64 * 1024 * 1024; made += 64) {
    kept.push({ a: made, b: String(made) });
    if (kept.length < 1000) continue;
    kept = [];
    const used = youngUsed();
    if (used >= bytes) return used;
  }
  return youngUsed();
}

test('a minor collection empties the young generation of garbage, without --expose-gc', () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'the test runs without --expose-gc');
  const before = fillYoungGeneration(512 * 1024);
  assert.ok(before >= 512 * 1024, `young generation holds ${before} bytes before`);
  assert.equal(collectGarbage('minor'), true);
  const after = youngUsed();
  assert.ok(after < before / 2, `young generation: ${before} bytes before, ${after} after`);
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'gc stays out of the global scope');
});

test('a major collection frees the old generation of garbage, there and then', () => {
  const oldUsed = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? Number.NaN;
  let promoted: Array<{ n: number; s: string }> | undefined = Array.from({ length: 100_000 }, (_, n) => ({ n, s: String(n) }));
  // objects that survive two young-generation collections move to the old generation
  collectGarbage('minor');
  collectGarbage('minor');
  const withGarbage = oldUsed();
  assert.equal(promoted.length, 100_000);
  promoted = undefined;
  assert.equal(collectGarbage('major'), true);
  const after = oldUsed();
  assert.ok(withGarbage - after > 2 * 1024 * 1024, `old generation: ${withGarbage} bytes with the garbage, ${after} after`);
});

test('shrinking the heap frees the old generation there and then and gives the young generation back', async () => {
  const space = (name: string) => getHeapSpaceStatistics().find((entry) => entry.space_name === name);
  const youngSize = () => space('new_space')?.space_size ?? Number.NaN;
  const oldUsed = () => space('old_space')?.space_used_size ?? Number.NaN;
  // objects that keep surviving young-generation collections make V8 grow the young generation
  let kept: Array<{ n: number; s: string }> | undefined = [];
  for (let n = 0; n < 2_000_000 && (n < 200_000 || youngSize() < 8 * 1024 * 1024); n++) kept.push({ n, s: String(n) });
  const grown = youngSize();
  assert.ok(grown >= 8 * 1024 * 1024, `the young generation grew to ${grown} bytes`);
  collectGarbage('minor');
  collectGarbage('minor');
  const withGarbage = oldUsed();
  assert.ok(kept.length >= 200_000);
  kept = undefined;
  // a server's timers allocate a little while it is quiet; V8 11 shrinks only then (not at none)
  const trickle = setInterval(() => Array.from({ length: 100 }, (_, n) => ({ n })), 20);
  try {
    const shrunk = shrinkHeap();
    const after = oldUsed();
    assert.ok(withGarbage - after > 2 * 1024 * 1024, `old generation: ${withGarbage} bytes with the garbage, ${after} after`);
    assert.equal(await shrunk, true);
  } finally {
    clearInterval(trickle);
  }
  assert.ok(youngSize() <= 2 * 1024 * 1024, `young generation: ${grown} bytes before, ${youngSize()} after`);
});
