import { isPlainObject } from './object-path.js';
import { isRedactedPath, REDACTED } from './redact.js';
import type { PathSegment } from './types.js';

/** A copy of a config with every secret replaced by "[redacted]", as --print-config shows it (an empty list stays empty). */
export function redactedConfig(value: unknown, path: PathSegment[] = []): unknown {
  const empty = value === undefined || value === null || (Array.isArray(value) && value.length === 0);
  if (path.length > 0 && isRedactedPath(path) && !empty) return REDACTED;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, redactedConfig(child, [...path, key])]));
  return value;
}
