import { isPlainObject } from './object-path.js';
import { shapeAt } from './schema-walk.js';
import type { PathSegment } from './types.js';

/**
 * In YAML `key:` with no value is null. For a key the schema knows (or one inside a free-form
 * section such as `modules`) that means "not set here", so its default applies; unknown keys stay,
 * so that validation reports them. Items of lists are left alone.
 */
export function dropUnsetKeys(value: unknown, path: PathSegment[] = []): unknown {
  if (Array.isArray(value)) return value.map((item, i) => dropUnsetKeys(item, [...path, i]));
  if (!isPlainObject(value)) return value;
  const shape = shapeAt(path);
  const entries = Object.entries(value)
    .filter(([key, child]) => child !== null || (shape !== undefined && !(key in shape)))
    .map(([key, child]) => [key, dropUnsetKeys(child, [...path, key])]);
  return Object.fromEntries(entries);
}
