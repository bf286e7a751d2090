import { StorageError, type Json, type PutOptions, type StoredDocument } from './types.js';

/** Document rules shared by every engine: names, ids, vectors, timestamps and the JSON shape of a document. */

const COLLECTION = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const MAX_ID_LENGTH = 1024;
export const MAX_DIMENSIONS = 4096;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export function checkCollectionName(name: unknown): string {
  if (typeof name !== 'string' || !COLLECTION.test(name)) {
    throw new StorageError('INVALID_ARGUMENT', `invalid collection name ${JSON.stringify(name)}: use 1-64 letters, digits, _ or -, starting with a letter`);
  }
  return name;
}

export function checkId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new StorageError('INVALID_ARGUMENT', `a document id must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  }
  if (LONE_SURROGATE.test(id)) throw new StorageError('INVALID_ARGUMENT', 'a document id must be well-formed Unicode (no lone surrogates)');
  return id;
}

/** Data must survive a JSON round trip unchanged; returns the canonical copy engines store. */
export function checkData(data: unknown): Json {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw new StorageError('INVALID_ARGUMENT', `document data is not serializable as JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new StorageError('INVALID_ARGUMENT', 'document data must be a JSON value');
  return JSON.parse(text) as Json;
}

/** Vectors are stored as float32 by every engine, so they are rounded here once for identical results. */
export function checkVector(vector: unknown, what = 'vector'): number[] {
  if (!Array.isArray(vector) || vector.length === 0 || vector.length > MAX_DIMENSIONS) {
    throw new StorageError('INVALID_ARGUMENT', `${what} must be a non-empty array of at most ${MAX_DIMENSIONS} numbers`);
  }
  return vector.map((x) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new StorageError('INVALID_ARGUMENT', `${what} must contain finite numbers only`);
    return Math.fround(x);
  });
}

export function checkDimension(collection: string, expected: number | undefined, actual: number): void {
  if (expected !== undefined && expected !== actual) {
    throw new StorageError('DIMENSION_MISMATCH', `collection "${collection}" holds ${expected}-dimensional vectors; got ${actual}`);
  }
}

export function checkTtl(ttlSeconds: unknown): number | undefined {
  if (ttlSeconds === undefined) return undefined;
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new StorageError('INVALID_ARGUMENT', 'ttlSeconds must be a positive number');
  }
  return ttlSeconds;
}

export function buildDocument(id: string, data: Json, options: PutOptions, existing: StoredDocument | undefined, now: number): StoredDocument {
  const ttl = checkTtl(options.ttlSeconds);
  return {
    id,
    data,
    ...(options.vector ? { vector: options.vector } : {}),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    ...(ttl !== undefined ? { expiresAt: now + Math.round(ttl * 1000) } : {}),
  };
}

export const isLive = (doc: Pick<StoredDocument, 'expiresAt'>, now: number): boolean => doc.expiresAt === undefined || doc.expiresAt > now;

const isTimestamp = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Validates a document coming from outside (an import or a backup line) and returns a clean copy. */
export function checkStoredDocument(value: unknown, where: string): StoredDocument {
  const fail = (why: string): never => {
    throw new StorageError('CORRUPT', `${where}: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not a document object');
  const doc = value as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!['id', 'data', 'vector', 'createdAt', 'updatedAt', 'expiresAt'].includes(key)) fail(`unexpected key "${key}"`);
  }
  if (typeof doc.id !== 'string' || doc.id.length === 0) fail('id must be a non-empty string');
  if (!('data' in doc)) fail('data is missing');
  if (!isTimestamp(doc.createdAt) || !isTimestamp(doc.updatedAt)) fail('createdAt and updatedAt must be numbers');
  if (doc.expiresAt !== undefined && !isTimestamp(doc.expiresAt)) fail('expiresAt must be a number');
  let vector: number[] | undefined;
  try {
    vector = doc.vector === undefined ? undefined : checkVector(doc.vector);
  } catch (error) {
    fail((error as Error).message);
  }
  return {
    id: checkId(doc.id),
    data: checkData(doc.data),
    ...(vector ? { vector } : {}),
    createdAt: doc.createdAt as number,
    updatedAt: doc.updatedAt as number,
    ...(doc.expiresAt !== undefined ? { expiresAt: doc.expiresAt as number } : {}),
  };
}

/** Builds a document from a SQL engine row (see META_COLUMNS); `dataColumn` holds the JSON text, nulls mean absent. */
export function documentFromRow(row: Record<string, unknown>, dataColumn: string): StoredDocument {
  const vector = row.vector as ArrayLike<number> | null | undefined;
  const expiresAt = row.expires_at as number | null | undefined;
  return {
    id: row.id as string,
    data: JSON.parse(row[dataColumn] as string) as Json,
    ...(vector ? { vector: Array.from(vector, Number) } : {}),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    ...(expiresAt !== null && expiresAt !== undefined ? { expiresAt: Number(expiresAt) } : {}),
  };
}

export function cosineSimilarity(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
