import type { Condition, FieldRef, OrderKey } from './filter.js';
import type { Json, StoredDocument } from './types.js';

/** The in-JS evaluator of a compiled filter (used by lowdb) and the one ordering rule every engine follows. */

const MISSING = undefined;

export function readField(doc: StoredDocument, field: FieldRef): Json | undefined {
  if (field.kind === 'meta') return doc[field.name];
  let value: Json | undefined = doc.data;
  for (const key of field.path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return MISSING;
    value = Object.hasOwn(value, key) ? value[key] : MISSING;
  }
  return value;
}

/** Strings compare by Unicode code point, the order DuckDB and LanceDB use (UTF-8 bytes). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done) return cb.done ? 0 : -1;
    if (cb.done) return 1;
    const d = ca.value.codePointAt(0)! - cb.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

function compare(a: Json | undefined, b: number | string): number | undefined {
  if (typeof b === 'number') return typeof a === 'number' ? a - b : undefined;
  return typeof a === 'string' ? compareStrings(a, b) : undefined;
}

export function matches(doc: StoredDocument, condition: Condition): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.items.every((c) => matches(doc, c));
    case 'or':
      return condition.items.some((c) => matches(doc, c));
    case 'not':
      return !matches(doc, condition.item);
    case 'exists': {
      const value = readField(doc, condition.field);
      return value !== undefined && value !== null;
    }
    case 'eq':
      return readField(doc, condition.field) === condition.value;
    case 'cmp': {
      const d = compare(readField(doc, condition.field), condition.value);
      if (d === undefined) return false;
      return condition.op === 'gt' ? d > 0 : condition.op === 'gte' ? d >= 0 : condition.op === 'lt' ? d < 0 : d <= 0;
    }
    case 'contains': {
      const value = readField(doc, condition.field);
      return Array.isArray(value) && value.some((e) => e === condition.value);
    }
    case 'startsWith': {
      const value = readField(doc, condition.field);
      return typeof value === 'string' && value.startsWith(condition.value);
    }
  }
}

/**
 * Sort order of one value: missing/null < booleans < numbers < strings < arrays and objects (which tie).
 * `desc` reverses the whole order, so missing values come last. Ties are broken by id ascending.
 */
export function typeRank(value: Json | undefined): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'string') return 3;
  return 4;
}

function compareValues(a: Json | undefined, b: Json | undefined): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1) return Number(a) - Number(b);
  if (ra === 2) return (a as number) - (b as number);
  if (ra === 3) return compareStrings(a as string, b as string);
  return 0;
}

export function documentComparator(orderBy: OrderKey[]): (a: StoredDocument, b: StoredDocument) => number {
  return (a, b) => {
    for (const key of orderBy) {
      const d = compareValues(readField(a, key.field), readField(b, key.field));
      if (d !== 0) return key.desc ? -d : d;
    }
    return compareStrings(a.id, b.id);
  };
}
