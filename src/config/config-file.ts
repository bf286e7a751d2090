import { existsSync, readFileSync } from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { chooseConfigFile } from './config-path.js';
import { isPlainObject } from './object-path.js';
import type { ConfigProblem, LoadConfigOptions, PathSegment } from './types.js';

/** A file-system error in a few words: `no such file`, `permission denied`, ... */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

export interface Position {
  line: number;
  column: number;
}

/** A parsed config file that can say where any of its values stands. */
export interface YamlSource {
  file: string;
  /** The file's content as plain data (an empty file is `{}`). */
  data: Record<string, unknown>;
  /** Position of the value (or, with `at: 'key'`, the key) at `path`; undefined when the file does not set it. */
  locate(path: readonly PathSegment[], at?: 'key' | 'value'): Position | undefined;
  /** Position of the deepest value on `path` that the file does set. */
  locateNearest(path: readonly PathSegment[]): Position | undefined;
}

export type ReadResult = { ok: true; source: YamlSource } | { ok: false; problems: ConfigProblem[] };

export function readYamlFile(file: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ path: '', origin: 'file', file, message: `cannot read config file: ${describeFsError(error)}` }] };
  }
  return parseYaml(text, file);
}

export function parseYaml(text: string, file: string): ReadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => ({ path: '', origin: 'file', file, ...position(error.pos[0]), message: oneLine(error.message) })),
    };
  }
  const data: unknown = doc.toJS();
  if (data !== null && data !== undefined && !isPlainObject(data)) {
    const at = doc.contents?.range[0] ?? 0;
    return { ok: false, problems: [{ path: '', origin: 'file', file, ...position(at), message: 'the config file must be a mapping of sections (server, transport, ...)' }] };
  }
  const find = (path: readonly PathSegment[], nearest: boolean, at: 'key' | 'value'): Position | undefined => {
    const found = walk(doc, path, nearest);
    const node = at === 'key' ? found?.key : found?.value;
    if (!nearest && at === 'value' && isScalar(node) && node.value === null) return undefined;
    return node?.range ? position(node.range[0]) : undefined;
  };
  return {
    ok: true,
    source: {
      file,
      data: data ?? {},
      locate: (path, at = 'value') => find(path, false, at),
      locateNearest: (path) => find(path, true, 'value'),
    },
  };
}

interface Found {
  key?: Node;
  value: Node;
}

/** Follows `path` through the document's nodes; with `nearest`, stops at the last node that exists. */
function walk(doc: Document, path: readonly PathSegment[], nearest: boolean): Found | undefined {
  if (!doc.contents) return undefined;
  let found: Found = { value: doc.contents };
  for (const segment of path) {
    const node = isAlias(found.value) ? found.value.resolve(doc) : found.value;
    const next = node && child(node, segment);
    if (!next) return nearest ? found : undefined;
    found = next;
  }
  return found;
}

function child(node: Node, segment: PathSegment): Found | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
    return pair && { key: pair.key as Node, value: (pair.value ?? pair.key) as Node };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item ? { value: item as Node } : undefined;
  }
  return undefined;
}

function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}

export type ConfigFile = { file?: string; source?: YamlSource; problems: ConfigProblem[] };

/** Chooses and parses the config file; no file at all is fine (defaults, env and flags only). */
export function readConfigFile(options: LoadConfigOptions): ConfigFile {
  const choice = chooseConfigFile(options);
  if (!choice) return { problems: [] };
  const { file, namedBy } = choice;
  if (namedBy && !existsSync(file)) {
    return { file, problems: [{ path: '', message: `config file not found: ${file}`, file, ...namedBy }] };
  }
  const read = readYamlFile(file);
  return read.ok ? { file, source: read.source, problems: [] } : { file, problems: read.problems };
}
