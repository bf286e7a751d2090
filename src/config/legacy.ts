import type { YamlSource } from './config-file.js';
import { deleteIn, formatPath, getIn, hasKey, isPlainObject, isPrefix, setIn } from './object-path.js';
import { problemAt, type Origins } from './origins.js';
import { unknownKeyMessage } from './suggest.js';
import type { ConfigProblem, PathSegment } from './types.js';

/**
 * Config files written for other MCP servers' deployment guides use other key names. They are read
 * as today's keys, each with a warning that names the key to write instead.
 */
export interface KeyRename {
  from: readonly string[];
  to: readonly string[];
}

export const KEY_ALIASES: readonly KeyRename[] = [
  { from: ['tools', 'directories'], to: ['tools', 'dirs'] },
  { from: ['performance', 'request_timeout'], to: ['tools', 'timeoutSeconds'] },
  { from: ['performance', 'max_concurrent_requests'], to: ['transport', 'maxConcurrentRequests'] },
];

/** Settings of those guides this server has no use for: ignored, with a warning. */
const UNUSED: readonly (readonly string[])[] = [['performance', 'enable_cache'], ['cache'], ['database']];

/** Sections only those guides have: once their known keys are taken out, anything left is an unknown key. */
const GUIDE_SECTIONS = ['performance'];

/** true: discover modules in tools.dirs (what happens anyway); false: built-in modules only. */
const AUTO_DISCOVER = ['tools', 'auto_discover'];
const DIRS = ['tools', 'dirs'];

export interface LegacyRewrite {
  /** The file's data in today's keys. */
  data: Record<string, unknown>;
  /** Renames applied, so that values can still be found in the file under today's keys. */
  renames: KeyRename[];
  warnings: ConfigProblem[];
  problems: ConfigProblem[];
}

/** Reads the old keys of a config file as today's keys. */
export function rewriteLegacyKeys(source: YamlSource): LegacyRewrite {
  const result: LegacyRewrite = { data: structuredClone(source.data), renames: [], warnings: [], problems: [] };
  const { data } = result;
  const origins: Origins = { file: source, overrides: [] };
  const warn = (path: readonly string[], message: string) => result.warnings.push(problemAt(origins, path, message, 'key'));
  const fail = (path: readonly string[], message: string, at: 'key' | 'value' = 'key') => result.problems.push(problemAt(origins, path, message, at));

  for (const alias of KEY_ALIASES) {
    if (!hasKey(data, alias.from)) continue;
    const value = getIn(data, alias.from);
    deleteIn(data, alias.from);
    const to = formatPath(alias.to);
    if (getIn(data, alias.to) != null) fail(alias.from, `old name of ${to}, which is set too; keep only ${to}`);
    else if (setIn(data, alias.to, value)) {
      result.renames.push(alias);
      warn(alias.from, `old name, read as ${to}; rename it to ${to}`);
    }
  }

  if (hasKey(data, AUTO_DISCOVER)) {
    const value = getIn(data, AUTO_DISCOVER);
    deleteIn(data, AUTO_DISCOVER);
    if (value === false) {
      setIn(data, DIRS, []);
      result.renames.push({ from: AUTO_DISCOVER, to: DIRS });
      warn(AUTO_DISCOVER, 'old key; false is read as tools.dirs: [] (built-in modules only); write that instead');
    } else if (value === true || value === null) {
      warn(AUTO_DISCOVER, 'old key; true is what happens anyway (modules in tools.dirs are discovered); delete it');
    } else {
      fail(AUTO_DISCOVER, `expected true or false, got ${JSON.stringify(value)}`, 'value');
    }
  }

  for (const path of UNUSED) {
    if (!hasKey(data, path)) continue;
    deleteIn(data, path);
    warn(path, 'not used by mcp-server; ignored (delete it)');
  }

  for (const section of GUIDE_SECTIONS) {
    if (!hasKey(data, [section])) continue;
    const rest = data[section];
    delete data[section];
    const known = [...KEY_ALIASES.map((alias) => alias.from), ...UNUSED].filter((path) => path[0] === section).map((path) => path[1] as string);
    if (rest !== null && !isPlainObject(rest)) fail([section], 'expected a mapping', 'value');
    for (const key of Object.keys(isPlainObject(rest) ? rest : {})) fail([section, key], unknownKeyMessage(key, known));
  }
  return result;
}

/** A view of the file that finds renamed values under today's keys (the last rename of a key wins). */
export function withRenames(source: YamlSource, renames: readonly KeyRename[]): YamlSource {
  const inFile = (path: readonly PathSegment[]): readonly PathSegment[] => {
    const rename = renames.findLast(({ to }) => isPrefix(to, path));
    return rename ? [...rename.from, ...path.slice(rename.to.length)] : path;
  };
  return {
    ...source,
    locate: (path, at) => source.locate(inFile(path), at),
    locateNearest: (path) => source.locateNearest(inFile(path)),
  };
}

/** Old key names inside the object at `path`, each with today's name, for suggestions on near misses. */
export function oldNamesAt(path: readonly PathSegment[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const { from, to } of KEY_ALIASES) {
    if (from.length === path.length + 1 && isPrefix(path, from)) names[from.at(-1)!] = isPrefix(path, to) ? to.slice(path.length).join('.') : formatPath(to);
  }
  return names;
}

/** Values other MCP servers' deployment guides use, read as ours (from any layer), each with a warning. */
const VALUE_ALIASES: readonly { path: string[]; from: string; to: string; note: string }[] = [
  { path: ['storage', 'type'], from: 'tinydb', to: 'lowdb', note: 'the embedded JSON-file engine' },
  { path: ['logging', 'format'], from: 'text', to: 'pretty', note: 'human-readable lines' },
  { path: ['transport', 'type'], from: 'streamable-http', to: 'http-stream', note: 'Streamable HTTP' },
];

const ENABLED = ['tools', 'enabled'];

/** Rewrites old values in the merged data (in place); returns one warning for each, placed where it was set. */
export function rewriteLegacyValues(data: Record<string, unknown>, origins: Origins): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  for (const { path, from, to, note } of VALUE_ALIASES) {
    const value = getIn(data, path);
    if (typeof value !== 'string' || value.trim().toLowerCase() !== from) continue;
    setIn(data, path, to);
    warnings.push(problemAt(origins, path, `"${value}" is read as "${to}" (${note}); write ${to}`));
  }
  const enabled = getIn(data, ENABLED);
  if (typeof enabled === 'boolean') {
    const list = enabled ? ['*'] : [];
    setIn(data, ENABLED, list);
    warnings.push(problemAt(origins, ENABLED, `${enabled} is read as ${JSON.stringify(list)} (${enabled ? 'every' : 'no'} tool, resource and prompt); write that list`));
  }
  return warnings;
}
