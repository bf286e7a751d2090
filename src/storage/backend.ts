import type { Logger } from '../observability/logger.js';
import type { Condition, NormalizedFind } from './filter.js';
import type { EngineName, StoredDocument } from './types.js';

/**
 * What an engine implements. Arguments arrive validated and normalized; `now` decides what is live.
 * Writes to one collection are serialized by the caller, so a backend never sees two concurrent writes
 * to the same collection.
 */
export interface Backend {
  readonly engine: EngineName;
  listCollections(): Promise<string[]>;
  /** Live documents among these ids. */
  getMany(collection: string, ids: string[], now: number): Promise<Map<string, StoredDocument>>;
  /** Inserts or replaces documents exactly as given. */
  upsert(collection: string, documents: StoredDocument[]): Promise<void>;
  /** Removes the document whatever its expiry; true when a live one was removed. */
  delete(collection: string, id: string, now: number): Promise<boolean>;
  find(collection: string, query: NormalizedFind, now: number): Promise<StoredDocument[]>;
  count(collection: string, filter: Condition | undefined, now: number): Promise<number>;
  /** Up to k live documents with a vector that match the filter, nearest first (cosine). */
  search(collection: string, vector: number[], k: number, filter: Condition | undefined, now: number): Promise<StoredDocument[]>;
  /** The vector dimension of a collection, once it holds a vector. */
  dimension(collection: string): Promise<number | undefined>;
  /** Physically removes expired documents; returns how many. */
  purgeExpired(collection: string, now: number): Promise<number>;
  /** Live documents ordered by id, in pages. */
  exportDocuments(collection: string, now: number): AsyncIterable<StoredDocument>;
  /** Why the engine cannot serve now (it is recovering from a fault), or undefined when it can. */
  problem?(): string | undefined;
  close(): Promise<void>;
}

export interface BackendOptions {
  /** The engine's own directory (config.storage.path ?? <dataDir>/<type>). */
  path: string;
  log: Logger;
  lancedb: { vectorIndexMinRows: number };
  duckdb: { threads?: number | undefined; memoryLimit?: string | undefined };
}
