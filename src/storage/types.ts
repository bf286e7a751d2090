/**
 * The storage contract every engine (lowdb, LanceDB, DuckDB) implements with identical behaviour.
 * Modules see only `Storage` and `Collection`; engines live in src/storage/<engine>/.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * `T` itself when every value in it survives JSON: strings, numbers, booleans, null, arrays and
 * objects of those (interfaces too; optional or `undefined` fields, which JSON drops, are fine).
 * Functions, Dates, Maps, bigints, symbols and `unknown` turn into `never` in the places they occur.
 */
export type JsonShape<T> = T extends Json
  ? T
  : T extends (...args: never[]) => unknown
    ? never
    : T extends readonly unknown[]
      ? { [K in keyof T]: JsonShape<T[K]> }
      : T extends object
        ? { [K in keyof T]: JsonField<T[K]> }
        : never;

type JsonField<V> = V extends undefined ? V : JsonShape<V>;

/** A collection name where `T` is JSON (see JsonShape); otherwise a type error that says so. */
export type CollectionName<T> = [T] extends [JsonShape<T>] ? string : string & { 'collection documents must be JSON (no functions, Dates, Maps, bigints)': T };

export type EngineName = 'lowdb' | 'lancedb' | 'duckdb';

/** One stored document. Timestamps are milliseconds since the Unix epoch. */
export interface StoredDocument<T = Json> {
  id: string;
  data: T;
  /** Present when the document was put with a vector. */
  vector?: number[];
  createdAt: number;
  updatedAt: number;
  /** Absent when the document never expires. */
  expiresAt?: number;
}

export interface SearchHit<T = Json> extends StoredDocument<T> {
  /** Cosine similarity to the query vector, in [-1, 1]; higher is closer. */
  score: number;
}

export type Scalar = string | number | boolean | null;

export interface FieldOperators {
  $eq?: Scalar;
  $ne?: Scalar;
  $gt?: number | string;
  $gte?: number | string;
  $lt?: number | string;
  $lte?: number | string;
  $in?: Scalar[];
  $nin?: Scalar[];
  /** The field is an array that contains this value. */
  $contains?: Scalar;
  /** The field is a string that starts with this prefix (case-sensitive). */
  $startsWith?: string;
  /** true: the field is present and not null; false: absent or null. */
  $exists?: boolean;
}

export type FieldCondition = Scalar | FieldOperators;

/**
 * A filter over documents. Keys are field paths: a plain path ("title", "meta.author") reads the
 * document's data (which must be an object for it to match); the reserved keys `$id`, `$createdAt`,
 * `$updatedAt` and `$expiresAt` read the document's metadata. `$and`, `$or` and `$not` combine filters.
 * All conditions in one object must hold (implicit AND). A path must match /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.
 */
export interface Filter {
  $and?: Filter[];
  $or?: Filter[];
  $not?: Filter;
  [field: string]: FieldCondition | Filter[] | Filter | undefined;
}

export interface OrderBy {
  /** Same field syntax as Filter keys (`$id`, `$createdAt`, `$updatedAt` or a data path). */
  field: string;
  direction?: 'asc' | 'desc';
}

export interface FindQuery {
  filter?: Filter;
  /** Default: `$id` ascending. Ties are always broken by `$id` ascending so paging is stable. */
  orderBy?: OrderBy[];
  /** Default 100, maximum 10 000. */
  limit?: number;
  offset?: number;
}

export interface PutOptions {
  /** The document expires (becomes invisible, then is purged) this many seconds after the put. */
  ttlSeconds?: number;
  /** An embedding stored with the document for `search`. All vectors of one collection share a dimension. */
  vector?: number[];
}

export interface SearchOptions {
  /** How many nearest documents to return (default 10, maximum 1000). */
  k?: number;
  filter?: Filter;
}

/** A collection whose documents hold `T` (what the caller promises to store; engines store any JSON). */
export interface Collection<T = Json> {
  readonly name: string;
  get(id: string): Promise<StoredDocument<T> | undefined>;
  /** Insert or replace. Keeps `createdAt` of an existing live document; a put without ttlSeconds clears any expiry. */
  put(id: string, data: T, options?: PutOptions): Promise<StoredDocument<T>>;
  /** true when a live document was deleted. */
  delete(id: string): Promise<boolean>;
  find(query?: FindQuery): Promise<StoredDocument<T>[]>;
  count(filter?: Filter): Promise<number>;
  /** k nearest documents by cosine similarity among those that have a vector and match the filter. */
  search(vector: number[], options?: SearchOptions): Promise<SearchHit<T>[]>;
}

export interface Storage {
  readonly engine: EngineName;
  /** Collection names: /^[A-Za-z][A-Za-z0-9_-]{0,63}$/. Created on first put. `T`: the documents' shape. */
  collection<T = Json>(name: CollectionName<T>): Collection<T>;
  listCollections(): Promise<string[]>;
  /** Every live (unexpired) document of a collection, ordered by id: the backup path. */
  exportCollection(name: string): AsyncIterable<StoredDocument>;
  /**
   * Runs `task` while no write is in progress and none can start (writes queue behind it): a
   * consistent view of every collection, for an online backup. Exports inside `task` do not wait.
   */
  snapshot<T>(task: () => Promise<T>): Promise<T>;
  /** Writes documents as given (keeping their timestamps and expiry): the restore path. */
  importCollection(name: string, documents: AsyncIterable<StoredDocument> | Iterable<StoredDocument>): Promise<number>;
  /** Whether the engine can serve now (cheap; for readiness probes): a fault it is recovering from says why not. */
  health(): Promise<StorageHealth>;
  /** Flushes and releases the data directory and engine locks. Idempotent. */
  close(): Promise<void>;
}

export type StorageHealth = { ok: true } | { ok: false; problem: string };

/** A storage error with a stable code; messages are meant for the person reading them. */
export class StorageError extends Error {
  constructor(
    readonly code: 'LOCKED' | 'CORRUPT' | 'INVALID_ARGUMENT' | 'DIMENSION_MISMATCH' | 'SCHEMA_TOO_NEW' | 'NEEDS_MIGRATION' | 'CLOSED' | 'UNAVAILABLE' | 'IO',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}
