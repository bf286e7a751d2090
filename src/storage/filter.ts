import { StorageError, type Filter, type FindQuery, type Scalar, type SearchOptions } from './types.js';

/**
 * Filter validation and compilation into a small condition tree that every engine evaluates the same way.
 *
 * Semantics (identical on all engines, proven by the contract suite):
 * - A data path walks object keys only; a missing key, a non-object on the way or an array is "missing".
 * - `{f: v}` / `$eq: v` matches when the field has the same JSON type as v and the same value.
 *   `$eq: null` matches a field that is missing or null (the same as `$exists: false`).
 * - `$ne` is exactly NOT `$eq`, so it also matches documents where the field is missing or has another type;
 *   `$nin` is exactly NOT `$in`; `$not` negates a whole filter. There is no third "unknown" value.
 * - `$gt/$gte/$lt/$lte` compare numbers with numbers and strings with strings (by Unicode code point);
 *   any other pairing is false.
 * - `$contains` matches an array field with an element of the same type and value (no nested arrays).
 * - `$startsWith` matches string fields only.
 * - Metadata keys: `$id` is a string, `$createdAt`/`$updatedAt` numbers, `$expiresAt` a number or missing.
 */

export type MetaField = 'id' | 'createdAt' | 'updatedAt' | 'expiresAt';
/** The column each metadata field lives in, in the SQL engines. */
export const META_COLUMNS: Record<MetaField, string> = { id: 'id', createdAt: 'created_at', updatedAt: 'updated_at', expiresAt: 'expires_at' };
export type FieldRef = { kind: 'meta'; name: MetaField } | { kind: 'data'; path: string[] };
export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte';
export type NonNullScalar = string | number | boolean;

export type Condition =
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'eq'; field: FieldRef; value: NonNullScalar }
  | { kind: 'cmp'; field: FieldRef; op: CompareOp; value: number | string }
  | { kind: 'contains'; field: FieldRef; value: Scalar }
  | { kind: 'startsWith'; field: FieldRef; value: string }
  | { kind: 'exists'; field: FieldRef };

export interface OrderKey {
  field: FieldRef;
  desc: boolean;
}

export interface NormalizedFind {
  filter?: Condition;
  orderBy: OrderKey[];
  limit: number;
  offset: number;
}

export const LIMITS = {
  defaultLimit: 100,
  maxLimit: 10_000,
  maxOffset: 100_000_000,
  defaultK: 10,
  maxK: 1000,
  maxDepth: 32,
  maxConditions: 1000,
  maxInValues: 1000,
} as const;

const PATH = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
const META: Record<string, MetaField> = { $id: 'id', $createdAt: 'createdAt', $updatedAt: 'updatedAt', $expiresAt: 'expiresAt' };
const OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$contains', '$startsWith', '$exists']);

const invalid = (message: string): never => {
  throw new StorageError('INVALID_ARGUMENT', message);
};

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseField(key: string): FieldRef {
  const meta = META[key];
  if (meta) return { kind: 'meta', name: meta };
  if (!PATH.test(key)) {
    invalid(`invalid field "${key}": use a path like "title" or "meta.author" (letters, digits, _ and dots) or one of ${Object.keys(META).join(', ')}`);
  }
  return { kind: 'data', path: key.split('.') };
}

export const fieldName = (field: FieldRef): string => (field.kind === 'meta' ? `$${field.name}` : field.path.join('.'));

function scalar(value: unknown, where: string): Scalar {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return invalid(`${where} must be a string, finite number, boolean or null`);
}

function comparable(value: unknown, where: string): number | string {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
  return invalid(`${where} must be a finite number or a string`);
}

function equals(field: FieldRef, value: Scalar): Condition {
  return value === null ? { kind: 'not', item: { kind: 'exists', field } } : { kind: 'eq', field, value };
}

class Compiler {
  private conditions = 0;

  filter(filter: unknown, depth: number): Condition {
    if (!isPlainObject(filter)) return invalid('a filter must be an object');
    if (depth > LIMITS.maxDepth) invalid(`filter nested deeper than ${LIMITS.maxDepth} levels`);
    const items: Condition[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      if (key === '$and' || key === '$or') {
        if (!Array.isArray(value) || value.length === 0) invalid(`${key} needs a non-empty array of filters`);
        items.push({ kind: key === '$and' ? 'and' : 'or', items: (value as unknown[]).map((f) => this.filter(f, depth + 1)) });
      } else if (key === '$not') {
        items.push({ kind: 'not', item: this.filter(value, depth + 1) });
      } else {
        items.push(this.field(parseField(key), value, key));
      }
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private count(): void {
    if (++this.conditions > LIMITS.maxConditions) invalid(`filter has more than ${LIMITS.maxConditions} conditions`);
  }

  private field(field: FieldRef, condition: unknown, key: string): Condition {
    this.count();
    if (!isPlainObject(condition)) return equals(field, scalar(condition, `value of "${key}"`));
    const items: Condition[] = [];
    for (const [op, value] of Object.entries(condition)) {
      if (value === undefined) continue;
      if (!OPERATORS.has(op)) invalid(`unknown operator "${op}" on "${key}"; use one of ${[...OPERATORS].join(', ')}`);
      const where = `${op} on "${key}"`;
      switch (op) {
        case '$eq':
          items.push(equals(field, scalar(value, where)));
          break;
        case '$ne':
          items.push({ kind: 'not', item: equals(field, scalar(value, where)) });
          break;
        case '$gt':
        case '$gte':
        case '$lt':
        case '$lte':
          items.push({ kind: 'cmp', field, op: op.slice(1) as CompareOp, value: comparable(value, where) });
          break;
        case '$in':
        case '$nin': {
          if (!Array.isArray(value)) return invalid(`${where} needs an array`);
          if (value.length > LIMITS.maxInValues) invalid(`${where} has more than ${LIMITS.maxInValues} values`);
          const any: Condition = { kind: 'or', items: value.map((v) => equals(field, scalar(v, `${where} element`))) };
          items.push(op === '$in' ? any : { kind: 'not', item: any });
          break;
        }
        case '$contains':
          items.push({ kind: 'contains', field, value: scalar(value, where) });
          break;
        case '$startsWith':
          if (typeof value !== 'string') invalid(`${where} needs a string`);
          items.push({ kind: 'startsWith', field, value: value as string });
          break;
        case '$exists':
          if (typeof value !== 'boolean') invalid(`${where} needs true or false`);
          items.push(value ? { kind: 'exists', field } : { kind: 'not', item: { kind: 'exists', field } });
          break;
      }
    }
    if (items.length === 0) invalid(`"${key}" has no operator`);
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }
}

export function compileFilter(filter: Filter | undefined): Condition | undefined {
  if (filter === undefined) return undefined;
  if (isPlainObject(filter) && Object.keys(filter).length === 0) return undefined;
  return new Compiler().filter(filter, 0);
}

function integer(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(`${name} must be an integer from ${min} to ${max}`);
  }
  return value as number;
}

export function normalizeFind(query: FindQuery | undefined): NormalizedFind {
  const q: FindQuery = query ?? {};
  if (!isPlainObject(query ?? {})) invalid('a find query must be an object');
  if (q.orderBy !== undefined && !Array.isArray(q.orderBy)) invalid('orderBy must be an array of { field, direction }');
  const orderBy = (q.orderBy ?? []).map((o: unknown): OrderKey => {
    if (!isPlainObject(o) || typeof o.field !== 'string') return invalid('each orderBy entry needs a field');
    if (o.direction !== undefined && o.direction !== 'asc' && o.direction !== 'desc') invalid('orderBy direction must be "asc" or "desc"');
    return { field: parseField(o.field), desc: o.direction === 'desc' };
  });
  const filter = compileFilter(q.filter);
  return {
    ...(filter ? { filter } : {}),
    orderBy,
    limit: integer(q.limit, 'limit', 0, LIMITS.maxLimit, LIMITS.defaultLimit),
    offset: integer(q.offset, 'offset', 0, LIMITS.maxOffset, 0),
  };
}

export function normalizeSearch(options: SearchOptions | undefined): { k: number; filter?: Condition } {
  const o: SearchOptions = options ?? {};
  if (!isPlainObject(options ?? {})) invalid('search options must be an object');
  const filter = compileFilter(o.filter);
  return { k: integer(o.k, 'k', 1, LIMITS.maxK, LIMITS.defaultK), ...(filter ? { filter } : {}) };
}

/** True when ordering uses metadata only (engines can then sort natively). */
export const ordersByMetaOnly = (orderBy: OrderKey[]): boolean => orderBy.every((o) => o.field.kind === 'meta');
