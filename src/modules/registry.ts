import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverModuleFiles } from './discover.js';
import { matchesAny } from './glob.js';
import { ModuleFileCache, type FileLoad, type ModuleProblem } from './file-cache.js';
import { toolsDirPaths, type ToolsDir } from '../config/schema.js';
import { importVersion } from './import-module.js';
import { inModuleScope } from './module-scope.js';
import { timerDelay } from '../timers.js';
import { classify, definitionsOf, type LoadedDefinition, type LoadedPrompt, type LoadedResource, type LoadedTemplate, type LoadedTool } from './normalize.js';

export type { FileLoad, ModuleProblem } from './file-cache.js';

/**
 * An immutable view of everything served. The server reads the current snapshot per request;
 * a reload builds a new one and swaps it in whole, so a request never sees half a reload.
 */
export interface RegistrySnapshot {
  readonly generation: number;
  readonly tools: ReadonlyMap<string, LoadedTool>;
  readonly resources: ReadonlyMap<string, LoadedResource>;
  readonly templates: ReadonlyMap<string, LoadedTemplate>;
  readonly prompts: ReadonlyMap<string, LoadedPrompt>;
  readonly problems: readonly ModuleProblem[];
  readonly files: readonly string[];
  /** Files imported to build this snapshot; the others kept the definitions of an earlier build. */
  readonly imported: readonly string[];
  /** What the module files hold (before enabled/disabled), so a snapshot can be rebuilt with other upstream definitions. */
  readonly modules: ModuleFiles;
  /** Upstream definitions not served because a name or URI was taken (one line each); not module problems. */
  readonly skipped: readonly string[];
}

/** The definitions and problems of the module files, in discovery order. */
export interface ModuleFiles {
  readonly files: readonly string[];
  readonly definitions: readonly LoadedDefinition[];
  readonly problems: readonly ModuleProblem[];
  readonly imported: readonly string[];
}

export interface AssembleOptions {
  enabled: readonly string[];
  disabled: readonly string[];
  generation: number;
  /** Definitions of other sources (upstreams), served after the module files' (a name taken first wins). */
  extra?: readonly LoadedDefinition[];
}

export interface RegistryOptions extends AssembleOptions {
  dirs: readonly string[];
  /** Loads of earlier builds, reused for files whose content did not change (default: none). */
  cache?: ModuleFileCache;
  /** How long one file may take to load (its top-level code, including top-level await); default 30 s. */
  importTimeoutMs?: number;
  /** Another way to load a file (say, in a worker thread), or undefined to import it in-process. */
  loaderFor?: LoaderFor;
}

/** Loads one version of a module file in some other way than an in-process import. */
export interface FileLoader {
  /** Names the way: a load made one way is never reused for another. */
  readonly variant: string;
  load(file: string, version: string, importTimeoutMs: number): Promise<FileLoad>;
}

export type LoaderFor = (file: string) => FileLoader | undefined;

export async function buildRegistry(options: RegistryOptions): Promise<RegistrySnapshot> {
  return assembleRegistry(await loadModuleFiles(options.dirs, options.cache ?? new ModuleFileCache(), options.importTimeoutMs, options.loaderFor), options);
}

/**
 * Discovers and loads (through the cache) every module file under `dirs`; one file may take
 * `importTimeoutMs` (default 30 s) to load. `loaderFor` names the files loaded another way.
 */
export async function loadModuleFiles(dirs: readonly string[], cache: ModuleFileCache, importTimeoutMs = 30_000, loaderFor?: LoaderFor): Promise<ModuleFiles> {
  const problems: ModuleProblem[] = [];
  const imported: string[] = [];
  const definitions: LoadedDefinition[] = [];
  const files = await discoverModuleFiles(dirs);
  cache.retain(files);
  for (const file of files) {
    const loader = loaderFor?.(file);
    const { load, imported: fresh } = loader
      ? await cache.load(file, (version) => loader.load(file, version, importTimeoutMs), loader.variant)
      : await cache.load(file, (version) => loadFile(file, version, importTimeoutMs));
    if (fresh) imported.push(file);
    problems.push(...load.problems);
    definitions.push(...load.definitions);
  }
  return Object.freeze({ files: Object.freeze(files), definitions: Object.freeze(definitions), problems: Object.freeze(problems), imported: Object.freeze(imported) });
}

/**
 * The snapshot of module definitions plus other sources' (upstreams), filtered by enabled/disabled.
 * Two module definitions with one name (or one resource URI) are a module problem; an upstream
 * definition whose name or URI is taken is skipped instead, and said so in `skipped`.
 */
export function assembleRegistry(modules: ModuleFiles, options: AssembleOptions): RegistrySnapshot {
  const problems: ModuleProblem[] = [...modules.problems];
  const skipped: string[] = [];
  const maps = { tool: new Map(), resource: new Map(), resourceTemplate: new Map(), prompt: new Map() } as {
    [K in LoadedDefinition['kind']]: Map<string, Extract<LoadedDefinition, { kind: K }>>;
  };
  const uris = new Map<string, LoadedResource>();

  for (const definition of [...modules.definitions, ...(options.extra ?? [])]) {
    if (!matchesAny(definition.name, options.enabled) || matchesAny(definition.name, options.disabled)) continue;
    const map = maps[definition.kind] as Map<string, LoadedDefinition>;
    const existing = map.get(definition.name) ?? (definition.kind === 'resource' ? uris.get(definition.def.uri) : undefined);
    if (existing) {
      const what = existing.name === definition.name ? `${definition.kind} "${definition.name}"` : `resource URI ${(definition.def as { uri: string }).uri}`;
      if (definition.forward) skipped.push(`${definition.file}: ${what} not served: also defined in ${existing.file}`);
      else problems.push({ file: definition.file, reason: `duplicate ${definition.kind} "${definition.name}": also defined in ${existing.file} (the first one is served)` });
      continue;
    }
    map.set(definition.name, definition);
    if (definition.kind === 'resource') uris.set(definition.def.uri, definition);
  }

  return Object.freeze({
    generation: options.generation,
    tools: maps.tool,
    resources: maps.resource,
    templates: maps.resourceTemplate,
    prompts: maps.prompt,
    problems: Object.freeze(problems),
    files: modules.files,
    imported: modules.imported,
    modules,
    skipped: Object.freeze(skipped),
  });
}

/** A module's name: its file name without extension; keys its `modules.<name>` config section. */
export const moduleNameOf = (file: string): string => path.basename(file).replace(/\.[^.]+$/, '');

async function loadFile(file: string, version: string, importTimeoutMs: number): Promise<FileLoad> {
  let exported: unknown[];
  try {
    const loading = inModuleScope({ file, module: moduleNameOf(file), operation: 'import' }, async () => definitionsOf(await importVersion(file, version)));
    exported = await withinTime(loading, importTimeoutMs);
  } catch (error) {
    return importFailure(file, error instanceof ImportTimeout ? error.message : `failed to load: ${errorMessage(error)}`);
  }
  return classifyExports(file, exported);
}

/** A file that could not be loaded, and why. */
export const importFailure = (file: string, reason: string): FileLoad => ({ definitions: [], problems: [{ file, reason }] });

/** What a module file's exports give: its definitions, and a problem for each export that is not one. */
export function classifyExports(file: string, exported: readonly unknown[]): FileLoad {
  const source = { file, moduleName: moduleNameOf(file) };
  if (exported.length === 0) {
    return { definitions: [], problems: [{ file, reason: 'exports no definitions (export a tool, resource, resource template or prompt object)' }] };
  }
  const definitions: LoadedDefinition[] = [];
  const problems: ModuleProblem[] = [];
  for (const value of exported) {
    try {
      definitions.push(classify(value, source));
    } catch (error) {
      problems.push({ file, reason: errorMessage(error) });
    }
  }
  return { definitions, problems };
}

/** A module problem as `--validate-config` prints it: `file: reason`. */
export const formatModuleProblem = (problem: ModuleProblem): string => `${problem.file}: ${problem.reason}`;

class ImportTimeout extends Error {}

/** Why a file that took longer than `ms` to load is not served. */
export const importTimeoutReason = (ms: number): string => `did not finish loading within ${ms / 1000} s (a top-level await that never settles?)`;

/**
 * A load that does not settle in time (say, a top-level await that never resolves) is given up: the
 * file is reported and the others load. Its import cannot be cancelled; it is left pending. The timer
 * also keeps the process alive meanwhile, where a never-settling import alone would let Node exit.
 */
async function withinTime<T>(loading: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ImportTimeout(importTimeoutReason(ms))), timerDelay(ms));
  });
  try {
    return await Promise.race([loading, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One line, however many the error had (a compiler error lists its location on the next line). */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const line = text.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

/**
 * The built-in modules, discovered like any user's: compiled to dist/tools by `npm run build` (no
 * TypeScript compiler at start-up), or the sources in tools/ when running from src/.
 */
export const builtinToolsDir = [new URL('../tools/', import.meta.url), new URL('../../tools/', import.meta.url)].map((url) => fileURLToPath(url)).find((dir) => existsSync(dir))!;

/** The directories modules are discovered in: the built-ins (unless disabled), then the configured ones. */
export function moduleDirs(tools: { builtins: boolean; dirs: readonly ToolsDir[] }): string[] {
  return [...(tools.builtins ? [builtinToolsDir] : []), ...toolsDirPaths(tools.dirs)];
}
