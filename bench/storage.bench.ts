// Storage benchmark: put, get, find with a filter and vector search (k=10) per engine and size.
// BENCH_SIZES=1000,10000 shrinks it (default 1000,10000,100000). Not a test: it prints a table.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { silentLogger } from '../src/observability/logger.js';
import { openStorage } from '../src/storage/open.js';
import type { EngineName, Storage, StoredDocument } from '../src/storage/types.js';

const DIMENSIONS = 256;
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const ENGINES = (process.env.BENCH_ENGINES ?? 'lowdb,lancedb,duckdb').split(',') as EngineName[];
const MAX_OPS = 200;
const MAX_SECONDS = 5;

let seed = 42;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const vector = () => Array.from({ length: DIMENSIONS }, () => random() * 2 - 1);

function* documents(n: number): Generator<StoredDocument> {
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    yield { id: `doc-${String(i).padStart(7, '0')}`, data: { i, group: i % 10, title: `document number ${i}` }, vector: vector(), createdAt: now, updatedAt: now };
  }
}

interface Result {
  ops: number;
  seconds: number;
  p50: number;
  p95: number;
}

async function measure(op: (i: number) => Promise<unknown>): Promise<Result> {
  const times: number[] = [];
  const start = performance.now();
  while (times.length < MAX_OPS && performance.now() - start < MAX_SECONDS * 1000) {
    const t = performance.now();
    await op(times.length);
    times.push(performance.now() - t);
  }
  const seconds = (performance.now() - start) / 1000;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { ops: times.length, seconds, p50: at(0.5), p95: at(0.95) };
}

async function bench(engine: EngineName, size: number): Promise<Array<[string, Result | string]>> {
  const dir = await mkdtemp(join(tmpdir(), `bench-${engine}-`));
  let storage: Storage | undefined;
  try {
    storage = await openStorage(configSchema.parse({ storage: { type: engine, dataDir: dir } }).storage, silentLogger);
    const col = storage.collection('bench');
    const loadStart = performance.now();
    await storage.importCollection('bench', documents(size));
    const load = `${((performance.now() - loadStart) / 1000).toFixed(1)}s`;
    const id = () => `doc-${String(Math.floor(random() * size)).padStart(7, '0')}`;
    const results: Array<[string, Result | string]> = [['load', load]];
    results.push(['get', await measure(() => col.get(id()))]);
    results.push(['find', await measure(() => col.find({ filter: { group: 3, i: { $gte: Math.floor(random() * size) } }, limit: 10 }))]);
    results.push(['search', await measure(() => col.search(vector(), { k: 10 }))]);
    results.push(['search+filter', await measure(() => col.search(vector(), { k: 10, filter: { group: 3 } }))]);
    results.push(['put', await measure((i) => col.put(`new-${i}`, { i, group: i % 10 }, { vector: vector() }))]);
    return results;
  } finally {
    await storage?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const rows: string[][] = [];
for (const size of SIZES) {
  for (const engine of ENGINES) {
    process.stderr.write(`benchmarking ${engine} at ${size} documents...\n`);
    for (const [name, r] of await bench(engine, size)) {
      rows.push(typeof r === 'string' ? [engine, String(size), name, '', '', '', r] : [engine, String(size), name, (r.ops / r.seconds).toFixed(0), r.p50.toFixed(2), r.p95.toFixed(2), `${r.ops} ops`]);
    }
  }
}
const header = ['engine', 'docs', 'operation', 'ops/s', 'p50 ms', 'p95 ms', 'note'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
