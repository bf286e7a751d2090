import { dirname, isAbsolute, relative } from 'node:path';
import { stringify } from 'yaml';
import { isPathSetting } from './file-checks.js';
import { formatPath, isPlainObject, leaves, setIn } from './object-path.js';
import { describeSource, displayFile } from './problems.js';
import { isRedactedPath, REDACTED } from './redact.js';
import { shapeAt } from './schema-walk.js';
import type { LoadedConfig, PathSegment, ValueSource } from './types.js';

export { formatProblems } from './problems.js';

interface Row {
  text: string;
  comment?: string;
}

/**
 * The effective config as YAML, each value followed by where it came from
 * (`# default`, `# config.yaml:12:3`, `# env MCP_PORT`, `# flag --port`). Secrets print as "[redacted]".
 * Keys the schema knows but nobody set print as `~`. Files are shown relative to `cwd` (default: the process's).
 */
export function formatEffectiveConfig(result: LoadedConfig, options: { cwd?: string } = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const header = result.configFile ? `config file: ${displayFile(result.configFile, cwd)}` : 'no config file';
  const rows: Row[] = [{ text: `# Effective configuration (${header}; precedence: flag > env > file > default)` }];
  const describe = (path: PathSegment[], value: unknown) => (value === undefined ? 'default (unset)' : describeSource(result.sources[formatPath(path)] ?? { kind: 'default' }, cwd));
  collectRows(result.config, [], rows, describe);
  return alignComments(rows).join('\n');
}

function collectRows(value: Record<string, unknown>, path: PathSegment[], rows: Row[], describe: (path: PathSegment[], value: unknown) => string): void {
  const indent = '  '.repeat(path.length);
  const keys = new Set([...Object.keys(shapeAt(path) ?? {}), ...Object.keys(value)]);
  for (const key of keys) {
    const child = value[key];
    const childPath = [...path, key];
    const hasKeys = isPlainObject(child) && Object.keys({ ...shapeAt(childPath), ...child }).length > 0;
    if (hasKeys && !isRedactedPath(childPath)) {
      rows.push({ text: `${indent}${formatKey(key)}:` });
      collectRows(child as Record<string, unknown>, childPath, rows, describe);
    } else {
      rows.push({ text: `${indent}${formatKey(key)}: ${formatLeaf(child, childPath)}`, comment: describe(childPath, child) });
    }
  }
}

function formatKey(key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
}

/** A leaf as YAML flow (JSON is valid YAML); a set secret never shows its value, only that it is set. */
function formatLeaf(value: unknown, path: PathSegment[]): string {
  if (value === undefined || value === null) return '~';
  const empty = Array.isArray(value) && value.length === 0;
  if (isRedactedPath(path) && !empty) return JSON.stringify(REDACTED);
  return JSON.stringify(value);
}

function alignComments(rows: Row[]): string[] {
  const width = Math.min(56, Math.max(...rows.filter((row) => row.comment).map((row) => row.text.length)));
  return rows.map((row) => (row.comment ? `${row.text.padEnd(width)}  # ${row.comment}` : row.text));
}

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
