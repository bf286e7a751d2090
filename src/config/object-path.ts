import type { PathSegment } from './types.js';

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `['tools', 'dirs', 1]` -> `tools.dirs[1]`; keys that are not plain names are quoted: `modules["a.b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPrefix(prefix: readonly PathSegment[], path: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

export function getIn(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof segment === 'number' ? !Array.isArray(node) : !isPlainObject(node)) return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

/**
 * Sets `value` at `path` (string keys only), creating missing objects on the way.
 * Returns false, changing nothing, when something that is not an object is in the way:
 * that value is wrong already and validation will say so.
 */
export function setIn(root: Record<string, unknown>, path: readonly string[], value: unknown): boolean {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key] ?? {};
    if (!isPlainObject(next)) return false;
    node[key] = next;
    node = next;
  }
  node[path[path.length - 1] as string] = value;
  return true;
}

/** Whether the object on `path` has its last key (even with a null value). */
export function hasKey(root: unknown, path: readonly string[]): boolean {
  const parent = getIn(root, path.slice(0, -1));
  return isPlainObject(parent) && Object.hasOwn(parent, path[path.length - 1] as string);
}

/** Removes the last key of `path` from its object, when there is one. */
export function deleteIn(root: unknown, path: readonly string[]): void {
  const parent = getIn(root, path.slice(0, -1));
  if (isPlainObject(parent)) delete parent[path[path.length - 1] as string];
}

/** Every leaf of a plain value with its path; arrays, scalars and empty objects are leaves. */
export function* leaves(value: unknown, path: PathSegment[] = []): Generator<[PathSegment[], unknown]> {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) yield* leaves(child, [...path, key]);
  } else {
    yield [path, value];
  }
}
