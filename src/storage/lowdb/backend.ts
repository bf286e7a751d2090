import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { Backend, BackendOptions } from '../backend.js';
import { checkCollectionName, cosineSimilarity, isLive } from '../document.js';
import { compareStrings, documentComparator, matches } from '../evaluate.js';
import type { Condition, NormalizedFind } from '../filter.js';
import { StorageError, type StoredDocument } from '../types.js';
import { DurableJsonFile } from './json-file.js';
import { Journal, type JournalEntry } from './journal.js';

interface FileContent {
  format: 'mcp-server-lowdb';
  version: 1;
  documents: StoredDocument[];
}

const EXTENSION = '.json';
const JOURNAL_EXTENSION = '.journal.jsonl';
/** The snapshot is rewritten once the journal holds more entries than this or than the collection has documents. */
const COMPACT_MIN_ENTRIES = 1000;

function checkContent(path: string) {
  return (value: unknown): FileContent => {
    const content = value as Partial<FileContent> | null;
    if (typeof content !== 'object' || content === null || content.format !== 'mcp-server-lowdb' || !Array.isArray(content.documents)) {
      throw new StorageError('CORRUPT', `${path} is not an mcp-server lowdb collection file; restore it from a backup or move it away`);
    }
    for (const doc of content.documents) {
      if (typeof doc !== 'object' || doc === null || typeof doc.id !== 'string' || typeof doc.createdAt !== 'number') {
        throw new StorageError('CORRUPT', `${path} holds a malformed document; restore it from a backup or move it away`);
      }
    }
    return content as FileContent;
  };
}

interface LoadedCollection {
  db: Low<FileContent>;
  journal: Journal;
  docs: Map<string, StoredDocument>;
  dimension: number | undefined;
  /** The file exists (the collection was created). */
  persisted: boolean;
}

/**
 * lowdb: one JSON snapshot file per collection, held in memory, plus an append-only journal of the
 * changes since: a write appends (and fsyncs) one line per document; the snapshot is rewritten
 * atomically, and the journal emptied, when the journal has grown as large as the collection.
 */
export class LowdbBackend implements Backend {
  readonly engine = 'lowdb' as const;
  private readonly collections = new Map<string, LoadedCollection>();
  private readonly loading = new Map<string, Promise<LoadedCollection>>();

  private constructor(private readonly dir: string) {}

  static async open(options: BackendOptions): Promise<LowdbBackend> {
    await mkdir(options.path, { recursive: true });
    const backend = new LowdbBackend(options.path);
    // Load everything now so a corrupt file is reported at startup, not in the middle of a tool call.
    for (const name of await backend.fileNames()) await backend.load(name);
    return backend;
  }

  /** Reads and checks one collection file (repair). */
  static async readFile(path: string): Promise<void> {
    await new DurableJsonFile(path, checkContent(path)).read();
  }

  private async fileNames(): Promise<string[]> {
    const files = await readdir(this.dir);
    const names = new Set([
      ...files.filter((f) => f.endsWith(EXTENSION)).map((f) => f.slice(0, -EXTENSION.length)),
      ...files.filter((f) => f.endsWith(JOURNAL_EXTENSION)).map((f) => f.slice(0, -JOURNAL_EXTENSION.length)),
    ]);
    return [...names].sort().filter((name) => {
      try {
        return checkCollectionName(name) === name;
      } catch {
        return false;
      }
    });
  }

  /**
   * The collection, read from disk once: concurrent first uses share one read, so no second copy can
   * replace the one a write went to (a read racing a collection's first write lost that write).
   */
  private load(name: string): Promise<LoadedCollection> {
    let loading = this.loading.get(name);
    if (!loading) {
      loading = this.read(name);
      this.loading.set(name, loading);
      loading.catch(() => this.loading.delete(name)); // a failed read is tried again next time
    }
    return loading;
  }

  private async read(name: string): Promise<LoadedCollection> {
    const path = join(this.dir, name + EXTENSION);
    const db = new Low<FileContent>(new DurableJsonFile(path, checkContent(path)), { format: 'mcp-server-lowdb', version: 1, documents: [] });
    const content = await db.adapter.read();
    if (content) db.data = content;
    const journal = new Journal(join(this.dir, name + JOURNAL_EXTENSION));
    const entries = await journal.read();
    const docs = new Map(db.data.documents.map((d) => [d.id, d]));
    for (const entry of entries) applyEntry(docs, entry);
    const withVector = [...docs.values()].find((d) => d.vector);
    const loaded: LoadedCollection = { db, journal, docs, dimension: withVector?.vector?.length, persisted: content !== null || entries.length > 0 };
    this.collections.set(name, loaded);
    return loaded;
  }

  /** Makes changes durable: appends them to the journal, and compacts when the journal is large. */
  private async record(loaded: LoadedCollection, entries: JournalEntry[]): Promise<void> {
    await loaded.journal.append(entries);
    loaded.persisted = true;
    if (loaded.journal.length <= Math.max(COMPACT_MIN_ENTRIES, loaded.docs.size)) return;
    // the write is durable in the journal already; a failed compaction is simply tried again later
    await this.compact(loaded).catch(() => undefined);
  }

  /**
   * Writes the collection as the new snapshot (atomically: on a full disk the old one stays), then
   * empties the journal. If emptying fails, replaying the journal over the new snapshot changes nothing.
   */
  private async compact(loaded: LoadedCollection, documents = [...loaded.docs.values()]): Promise<void> {
    loaded.db.data = { format: 'mcp-server-lowdb', version: 1, documents };
    await loaded.db.write();
    loaded.persisted = true;
    await loaded.journal.reset();
  }

  private live(loaded: LoadedCollection, filter: Condition | undefined, now: number): StoredDocument[] {
    const result: StoredDocument[] = [];
    for (const doc of loaded.docs.values()) if (isLive(doc, now) && (!filter || matches(doc, filter))) result.push(doc);
    return result;
  }

  async listCollections(): Promise<string[]> {
    return [...this.collections.entries()].filter(([, c]) => c.persisted).map(([name]) => name);
  }

  async getMany(collection: string, ids: string[], now: number): Promise<Map<string, StoredDocument>> {
    const loaded = await this.load(collection);
    const result = new Map<string, StoredDocument>();
    for (const id of ids) {
      const doc = loaded.docs.get(id);
      if (doc && isLive(doc, now)) result.set(id, doc);
    }
    return result;
  }

  async upsert(collection: string, documents: StoredDocument[]): Promise<void> {
    const loaded = await this.load(collection);
    const previous = documents.map((d) => loaded.docs.get(d.id));
    for (const doc of documents) loaded.docs.set(doc.id, doc);
    try {
      await this.record(
        loaded,
        documents.map((doc) => ({ op: 'put', doc })),
      );
    } catch (error) {
      for (const [i, doc] of documents.entries()) {
        const before = previous[i];
        if (before) loaded.docs.set(doc.id, before);
        else loaded.docs.delete(doc.id);
      }
      throw error;
    }
    loaded.dimension ??= documents.find((d) => d.vector)?.vector?.length;
  }

  async delete(collection: string, id: string, now: number): Promise<boolean> {
    const loaded = await this.load(collection);
    const doc = loaded.docs.get(id);
    if (!doc) return false;
    loaded.docs.delete(id);
    try {
      await this.record(loaded, [{ op: 'delete', id }]);
    } catch (error) {
      loaded.docs.set(id, doc);
      throw error;
    }
    return isLive(doc, now);
  }

  async find(collection: string, query: NormalizedFind, now: number): Promise<StoredDocument[]> {
    const docs = this.live(await this.load(collection), query.filter, now);
    return docs.sort(documentComparator(query.orderBy)).slice(query.offset, query.offset + query.limit);
  }

  async count(collection: string, filter: Condition | undefined, now: number): Promise<number> {
    return this.live(await this.load(collection), filter, now).length;
  }

  async search(collection: string, vector: number[], k: number, filter: Condition | undefined, now: number): Promise<StoredDocument[]> {
    return this.live(await this.load(collection), filter, now)
      .filter((d) => d.vector)
      .map((doc) => ({ doc, score: cosineSimilarity(vector, doc.vector!) }))
      .sort((a, b) => b.score - a.score || compareStrings(a.doc.id, b.doc.id))
      .slice(0, k)
      .map((s) => s.doc);
  }

  async dimension(collection: string): Promise<number | undefined> {
    return (await this.load(collection)).dimension;
  }

  async purgeExpired(collection: string, now: number): Promise<number> {
    const loaded = await this.load(collection);
    const kept = [...loaded.docs.values()].filter((d) => isLive(d, now));
    const purged = loaded.docs.size - kept.length;
    if (purged === 0) return 0;
    // memory follows the disk: the documents go only once the snapshot without them is written
    await this.compact(loaded, kept);
    for (const doc of loaded.docs.values()) if (!isLive(doc, now)) loaded.docs.delete(doc.id);
    return purged;
  }

  async *exportDocuments(collection: string, now: number): AsyncIterable<StoredDocument> {
    yield* this.live(await this.load(collection), undefined, now).sort((a, b) => compareStrings(a.id, b.id));
  }

  async close(): Promise<void> {
    for (const loaded of this.collections.values()) await loaded.journal.close();
    this.collections.clear();
    this.loading.clear();
  }
}

function applyEntry(docs: Map<string, StoredDocument>, entry: JournalEntry): void {
  if (entry.op === 'put') docs.set(entry.doc.id, entry.doc);
  else docs.delete(entry.id);
}
