import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeFsError } from './config-file.js';
import { getIn, isPlainObject } from './object-path.js';
import { problemAt, sourceOf, type Origins } from './origins.js';
import type { ConfigProblem, PathSegment } from './types.js';

/** Settings that hold paths: relative ones resolve against the config file's directory when the file set them, else against cwd. */
export const PATH_SETTINGS: readonly (readonly string[])[] = [
  ['tools', 'dirs'],
  ['storage', 'dataDir'],
  ['storage', 'path'],
  ['transport', 'tls', 'keyFile'],
  ['transport', 'tls', 'certFile'],
  ['logging', 'file'],
  ['upstreams', '*', 'cwd'],
];

/** Paths that must already exist when the config is loaded. */
const MUST_EXIST: readonly { path: readonly string[]; type: 'directory' | 'file' }[] = [
  { path: ['tools', 'dirs'], type: 'directory' },
  { path: ['transport', 'tls', 'keyFile'], type: 'file' },
  { path: ['transport', 'tls', 'certFile'], type: 'file' },
  { path: ['upstreams', '*', 'cwd'], type: 'directory' },
];

/** The absolute form of the path value at `path`. */
export function resolvePathValue(origins: Origins, path: readonly PathSegment[], value: string, cwd: string): string {
  const fromFile = sourceOf(origins, path).kind === 'file' && origins.file;
  return resolve(fromFile ? dirname(fromFile.file) : cwd, value);
}

/** Whether `path` is the setting (or an entry of it); a `*` segment of the setting matches any key. */
export function isPathSetting(path: readonly PathSegment[]): boolean {
  return PATH_SETTINGS.some((setting) => setting.length <= path.length && setting.every((segment, i) => segment === '*' || segment === path[i]));
}

/** The concrete paths a setting names: a `*` segment stands for every key of the object there (upstreams.*.cwd). */
function concretePaths(data: unknown, setting: readonly string[]): string[][] {
  const star = setting.indexOf('*');
  if (star === -1) return [[...setting]];
  const parent = getIn(data, setting.slice(0, star));
  if (!isPlainObject(parent)) return [];
  return Object.keys(parent).flatMap((key) => concretePaths(data, [...setting.slice(0, star), key, ...setting.slice(star + 1)]));
}

/** Every string at a path setting (each entry of a list, or its `path` when the entry is an object), with its own path. */
function* pathValues(data: unknown, pattern: readonly string[]): Generator<[PathSegment[], string]> {
  for (const setting of concretePaths(data, pattern)) yield* valuesAt(data, setting);
}

function* valuesAt(data: unknown, setting: readonly string[]): Generator<[PathSegment[], string]> {
  const value = getIn(data, setting);
  if (typeof value === 'string' && value !== '') yield [[...setting], value];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      if (typeof item === 'string' && item !== '') yield [[...setting, i], item];
      const nested = typeof item === 'object' && item !== null ? (item as { path?: unknown }).path : undefined;
      if (typeof nested === 'string' && nested !== '') yield [[...setting, i, 'path'], nested];
    }
  }
}

/** Replaces every relative path in `data` by its absolute form (in place). */
export function resolvePaths(data: unknown, origins: Origins, cwd: string): void {
  for (const setting of PATH_SETTINGS) {
    for (const [path, value] of pathValues(data, setting)) {
      const parent = getIn(data, path.slice(0, -1)) as Record<PathSegment, unknown>;
      parent[path[path.length - 1] as PathSegment] = resolvePathValue(origins, path, value, cwd);
    }
  }
}

/** Problems for tools directories and TLS files that are missing or of the wrong kind. */
export function checkPaths(data: unknown, origins: Origins, cwd: string): ConfigProblem[] {
  const problems = MUST_EXIST.flatMap(({ path: setting, type }) =>
    [...pathValues(data, setting)].flatMap(([path, value]) => {
      const message = existenceProblem(resolvePathValue(origins, path, value, cwd), type);
      return message ? [problemAt(origins, path, message)] : [];
    }),
  );
  return [...problems, ...tlsPairProblems(data, origins)];
}

function existenceProblem(absolute: string, type: 'directory' | 'file'): string | undefined {
  try {
    const stat = statSync(absolute, { throwIfNoEntry: false });
    if (!stat) return `${type} not found: ${absolute}`;
    if (type === 'directory' ? !stat.isDirectory() : !stat.isFile()) return `not a ${type}: ${absolute}`;
    return undefined;
  } catch (error) {
    return `cannot access ${absolute}: ${describeFsError(error)}`;
  }
}

/** keyFile and certFile only make sense together. */
function tlsPairProblems(data: unknown, origins: Origins): ConfigProblem[] {
  const tls = ['transport', 'tls'];
  const has = (key: string) => getIn(data, [...tls, key]) !== undefined;
  if (has('keyFile') === has('certFile')) return [];
  const [present, missing] = has('keyFile') ? ['keyFile', 'certFile'] : ['certFile', 'keyFile'];
  return [problemAt(origins, [...tls, present], `${missing} is required when ${present} is set (both are needed to serve HTTPS)`)];
}
