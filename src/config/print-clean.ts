import { dirname, isAbsolute, relative } from 'node:path';
import { stringify } from 'yaml';
import { displayFile } from './describe.js';
import { isPathSetting } from './file-checks.js';
import { formatPath, leaves, setIn } from './object-path.js';
import { isRedactedPath } from './redact.js';
import type { LoadedConfig, PathSegment, ValueSource } from './types.js';

/**
 * `--print-config --format yaml`: the config as a clean file in today's keys (old spellings
 * resolved), holding every value the file, the environment or a flag set; defaults are left out.
 * Paths the file set stay relative to its directory. Secrets are never printed: a comment names them.
 */
export function formatCleanConfig(result: LoadedConfig, options: { cwd?: string } = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const clean: Record<string, unknown> = {};
  const secrets: string[] = [];
  for (const [path, value] of leaves(result.config)) {
    const source = result.sources[formatPath(path)];
    if (value === undefined || !source || source.kind === 'default') continue;
    if (isRedactedPath(path) && !(Array.isArray(value) && value.length === 0)) secrets.push(formatPath(path));
    else setIn(clean, path as string[], asWritten(path, value, source, result.configFile));
  }
  const from = result.configFile ? `${displayFile(result.configFile, cwd)}, the environment and flags` : 'the environment and flags';
  const header = [`# mcp-server configuration in today's keys: the values set by ${from}; defaults left out.`];
  if (secrets.length > 0) header.push(`# Not printed (secrets): ${secrets.join(', ')}. Add them here, or set them through the environment.`);
  return `${header.join('\n')}\n${Object.keys(clean).length > 0 ? stringify(clean) : '{}\n'}`;
}

/** A path the file set, relative to the file's directory again (the effective config holds absolute paths). */
function asWritten(path: readonly PathSegment[], value: unknown, source: ValueSource, configFile: string | undefined): unknown {
  if (source.kind !== 'file' || !configFile || !isPathSetting(path)) return value;
  const base = dirname(configFile);
  const relativePath = (absolute: unknown): unknown => {
    if (typeof absolute === 'object' && absolute !== null && 'path' in absolute) return { ...absolute, path: relativePath(absolute.path) };
    if (typeof absolute !== 'string') return absolute;
    const rel = relative(base, absolute);
    if (rel === '') return '.';
    return isAbsolute(rel) || rel.startsWith('..') ? rel : `./${rel}`;
  };
  return Array.isArray(value) ? value.map(relativePath) : relativePath(value);
}
