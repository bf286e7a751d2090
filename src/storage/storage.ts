import type { Backend } from './backend.js';
import { buildDocument, checkCollectionName, checkData, checkDimension, checkId, checkStoredDocument, checkVector, cosineSimilarity } from './document.js';
import { compileFilter, normalizeFind, normalizeSearch } from './filter.js';
import { compareStrings } from './evaluate.js';
import { WriteQueue } from './write-queue.js';
import {
  StorageError,
  type Collection,
  type Filter,
  type FindQuery,
  type Json,
  type PutOptions,
  type SearchHit,
  type SearchOptions,
  type Storage,
  type StorageHealth,
  type StoredDocument,
} from './types.js';

interface PendingPut {
  id: string;
  data: Json;
  options: PutOptions;
  resolve: (doc: StoredDocument) => void;
  /** This put alone is refused (its vector does not fit the collection); the others of its batch go on. */
  reject: (error: unknown) => void;
}

const IMPORT_CHUNK = 500;

/**
 * The engine-independent half of every Storage: argument validation, write serialization and batching,
 * put semantics (createdAt kept, expiry), vector dimensions and scores. Engines only implement Backend.
 */
export class BackendStorage implements Storage {
  private readonly queues = new Map<string, WriteQueue<PendingPut>>();
  private readonly dimensions = new Map<string, number>();
  private closed = false;
  private closing: Promise<void> | undefined;
  /** While a snapshot runs: resolves when it ends; queues created meanwhile wait for it too. */
  private barrier: Promise<void> | undefined;
  private snapshots: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly backend: Backend,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  get engine() {
    return this.backend.engine;
  }

  collection<T = Json>(name: string): Collection<T> {
    checkCollectionName(name);
    return {
      name,
      get: (id) => this.get(name, id) as never,
      put: (id, data, options) => this.put(name, id, data as Json, options) as never,
      delete: (id) => this.delete(name, id),
      find: (query) => this.find(name, query) as never,
      count: (filter) => this.count(name, filter),
      search: (vector, options) => this.search(name, vector, options) as never,
    };
  }

  async listCollections(): Promise<string[]> {
    this.checkOpen();
    return (await this.backend.listCollections()).sort();
  }

  async *exportCollection(name: string): AsyncIterable<StoredDocument> {
    this.checkOpen();
    checkCollectionName(name);
    if (!this.barrier) await this.queue(name).idle();
    yield* this.backend.exportDocuments(name, Date.now());
  }

  snapshot<T>(task: () => Promise<T>): Promise<T> {
    const run = this.snapshots.then(() => this.exclusive(task));
    this.snapshots = run.catch(() => undefined);
    return run;
  }

  /** Parks every write queue behind a barrier, runs the task once all earlier writes are done, then releases. */
  private async exclusive<T>(task: () => Promise<T>): Promise<T> {
    this.checkOpen();
    let release!: () => void;
    this.barrier = new Promise<void>((resolve) => (release = resolve));
    try {
      await Promise.all([...this.queues.values()].map((queue) => this.park(queue)));
      return await task();
    } finally {
      this.barrier = undefined;
      release();
    }
  }

  /** Resolves once the queue reaches the barrier; the queue then waits there until it is released. */
  private park(queue: WriteQueue<PendingPut>): Promise<void> {
    const barrier = this.barrier;
    return new Promise<void>((reached) => {
      void queue.run(async () => {
        reached();
        await barrier;
      });
    });
  }

  async importCollection(name: string, documents: AsyncIterable<StoredDocument> | Iterable<StoredDocument>): Promise<number> {
    this.checkOpen();
    checkCollectionName(name);
    let chunk: StoredDocument[] = [];
    let total = 0;
    const write = async () => {
      const docs = chunk;
      chunk = [];
      await this.queue(name).run(async () => {
        for (const doc of docs) if (doc.vector) await this.checkDimension(name, doc.vector.length);
        await this.backend.upsert(name, docs);
      });
    };
    for await (const doc of documents) {
      chunk.push(checkStoredDocument(doc, `document ${total + 1} imported into "${name}"`));
      total++;
      if (chunk.length >= IMPORT_CHUNK) await write();
    }
    if (chunk.length > 0) await write();
    return total;
  }

  async health(): Promise<StorageHealth> {
    if (this.closed) return { ok: false, problem: 'storage is closed' };
    const problem = this.backend.problem?.();
    if (problem) return { ok: false, problem };
    try {
      await this.backend.listCollections();
      return { ok: true };
    } catch (error) {
      return { ok: false, problem: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Purges expired documents of every collection (the TTL sweeper). */
  async purgeExpired(): Promise<number> {
    if (this.closed) return 0;
    let purged = 0;
    for (const name of await this.backend.listCollections()) {
      purged += await this.queue(name).run(() => this.backend.purgeExpired(name, Date.now()));
    }
    return purged;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      await Promise.all([...this.queues.values()].map((q) => q.idle()));
      try {
        await this.backend.close();
      } finally {
        await this.onClose();
      }
    })();
    return this.closing;
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('CLOSED', 'storage is closed');
  }

  private queue(name: string): WriteQueue<PendingPut> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new WriteQueue((items) => this.flushPuts(name, items));
      this.queues.set(name, queue);
      if (this.barrier) void this.park(queue);
    }
    return queue;
  }

  private async checkDimension(name: string, length: number): Promise<void> {
    let dimension = this.dimensions.get(name);
    if (dimension === undefined) {
      dimension = await this.backend.dimension(name);
      if (dimension !== undefined) this.dimensions.set(name, dimension);
    }
    checkDimension(name, dimension, length);
    this.dimensions.set(name, length);
  }

  private async flushPuts(name: string, queued: PendingPut[]): Promise<void> {
    // inside the write queue: the dimension read cannot race the write that creates the collection
    const items: PendingPut[] = [];
    for (const item of queued) {
      try {
        if (item.options.vector) await this.checkDimension(name, item.options.vector.length);
        items.push(item);
      } catch (error) {
        item.reject(error);
      }
    }
    if (items.length === 0) return;
    const now = Date.now();
    const existing = await this.backend.getMany(name, [...new Set(items.map((i) => i.id))], now);
    const written = new Map<string, StoredDocument>();
    const results: Array<[PendingPut, StoredDocument]> = [];
    for (const item of items) {
      const doc = buildDocument(item.id, item.data, item.options, written.get(item.id) ?? existing.get(item.id), now);
      written.set(item.id, doc);
      results.push([item, doc]);
    }
    await this.backend.upsert(name, [...written.values()]);
    for (const [item, doc] of results) item.resolve(doc);
  }

  private async get(name: string, id: string): Promise<StoredDocument | undefined> {
    this.checkOpen();
    checkId(id);
    return (await this.backend.getMany(name, [id], Date.now())).get(id);
  }

  private async put(name: string, id: string, data: Json, options: PutOptions = {}): Promise<StoredDocument> {
    this.checkOpen();
    checkId(id);
    const clean = checkData(data);
    const vector = options.vector === undefined ? undefined : checkVector(options.vector);
    const normalized: PutOptions = { ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}), ...(vector ? { vector } : {}) };
    buildDocument(id, clean, normalized, undefined, 0); // validates ttl before queueing
    let result: { doc: StoredDocument } | { error: unknown } | undefined;
    await this.queue(name).add({ id, data: clean, options: normalized, resolve: (doc) => (result = { doc }), reject: (error) => (result = { error }) });
    if (result && 'doc' in result) return result.doc;
    throw result?.error ?? new StorageError('IO', `the put of "${id}" into "${name}" ended without an answer`);
  }

  private async delete(name: string, id: string): Promise<boolean> {
    this.checkOpen();
    checkId(id);
    return this.queue(name).run(() => this.backend.delete(name, id, Date.now()));
  }

  private async find(name: string, query: FindQuery | undefined): Promise<StoredDocument[]> {
    this.checkOpen();
    const q = normalizeFind(query);
    if (q.limit === 0) return [];
    return this.backend.find(name, q, Date.now());
  }

  private async count(name: string, filter: Filter | undefined): Promise<number> {
    this.checkOpen();
    return this.backend.count(name, compileFilter(filter), Date.now());
  }

  private async search(name: string, vector: number[], options: SearchOptions | undefined): Promise<SearchHit[]> {
    this.checkOpen();
    const query = checkVector(vector, 'query vector');
    const { k, filter } = normalizeSearch(options);
    const dimension = this.dimensions.get(name) ?? (await this.backend.dimension(name));
    if (dimension === undefined) return [];
    checkDimension(name, dimension, query.length);
    const docs = await this.backend.search(name, query, k, filter, Date.now());
    return docs.map((doc) => ({ ...doc, score: cosineSimilarity(query, doc.vector!) })).sort((a, b) => b.score - a.score || compareStrings(a.id, b.id));
  }
}
