import { formatPath, isPrefix } from './object-path.js';
import type { Override } from './overrides.js';
import type { ConfigProblem, PathSegment, ValueSource } from './types.js';
import type { YamlSource } from './config-file.js';

/** The layers a config is built from, lowest first: file, then overrides (env, then flags). */
export interface Origins {
  file?: YamlSource;
  overrides: readonly Override[];
}

/** The override (the last one wins) that set `path` or a value containing it. */
function overrideFor(origins: Origins, path: readonly PathSegment[]): Override | undefined {
  return origins.overrides.findLast((override) => isPrefix(override.path, path));
}

/** Where the effective value at `path` came from. */
export function sourceOf(origins: Origins, path: readonly PathSegment[]): ValueSource {
  const override = overrideFor(origins, path);
  if (override) return override.source;
  const position = origins.file?.locate(path);
  if (origins.file && position) return { kind: 'file', file: origins.file.file, ...position };
  return { kind: 'default' };
}

/** A problem about the value at `path`, placed where that value came from (with `at: 'key'`, at its key). */
export function problemAt(origins: Origins, path: readonly PathSegment[], message: string, at: 'key' | 'value' = 'value'): ConfigProblem {
  const override = overrideFor(origins, path);
  if (override) return { path: formatPath(path), message, origin: override.source.kind, name: override.source.name };
  const file = origins.file;
  const position = file && ((at === 'key' && file.locate(path, 'key')) || file.locateNearest(path));
  return { path: formatPath(path), message, origin: 'file', ...(file && { file: file.file }), ...position };
}
