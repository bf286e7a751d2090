import { z } from 'zod';

/**
 * The value of `values` that `raw` names, ignoring case (`INFO`, `HTTP-STREAM`, `LanceDB`), or the
 * one a synonym stands for (`warning` -> `warn`). Anything else is returned unchanged for the
 * schema to reject.
 */
export function canonicalEnumValue(raw: unknown, values: readonly string[], synonyms: Readonly<Record<string, string>> = {}): unknown {
  if (typeof raw !== 'string') return raw;
  const lower = raw.trim().toLowerCase();
  return values.find((value) => value.toLowerCase() === lower) ?? synonyms[lower] ?? raw;
}

/** An enumeration read case-insensitively (from the file, the environment and flags alike). */
export function looseEnum<const T extends readonly [string, ...string[]]>(values: T, synonyms: Readonly<Record<string, T[number]>> = {}) {
  return z.preprocess((raw) => canonicalEnumValue(raw, values, synonyms), z.enum(values));
}
