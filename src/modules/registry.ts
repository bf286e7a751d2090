import path from 'node:path';
import { discoverModuleFiles } from './discover.js';
import { matchesAny } from './glob.js';
import { importFresh } from './import-module.js';
import { classify, definitionsOf, type LoadedDefinition, type LoadedPrompt, type LoadedResource, type LoadedTemplate, type LoadedTool } from './normalize.js';

export interface ModuleProblem {
  file: string;
  reason: string;
}

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
}

export interface RegistryOptions {
  dirs: readonly string[];
  enabled: readonly string[];
  disabled: readonly string[];
  generation: number;
}

export async function buildRegistry(options: RegistryOptions): Promise<RegistrySnapshot> {
  const problems: ModuleProblem[] = [];
  const files = await discoverModuleFiles(options.dirs);
  const maps = { tool: new Map(), resource: new Map(), resourceTemplate: new Map(), prompt: new Map() } as {
    [K in LoadedDefinition['kind']]: Map<string, Extract<LoadedDefinition, { kind: K }>>;
  };
  const uris = new Map<string, LoadedResource>();

  for (const file of files) {
    const loaded = await loadFile(file, options.generation, problems);
    for (const definition of loaded) {
      if (!matchesAny(definition.name, options.enabled) || matchesAny(definition.name, options.disabled)) continue;
      const map = maps[definition.kind] as Map<string, LoadedDefinition>;
      const existing = map.get(definition.name) ?? (definition.kind === 'resource' ? uris.get(definition.def.uri) : undefined);
      if (existing) {
        problems.push({
          file: definition.file,
          reason: `duplicate ${definition.kind} "${definition.name}": also defined in ${existing.file} (the first one is served)`,
        });
        continue;
      }
      map.set(definition.name, definition);
      if (definition.kind === 'resource') uris.set(definition.def.uri, definition);
    }
  }

  return Object.freeze({
    generation: options.generation,
    tools: maps.tool,
    resources: maps.resource,
    templates: maps.resourceTemplate,
    prompts: maps.prompt,
    problems: Object.freeze(problems),
    files: Object.freeze(files),
  });
}

async function loadFile(file: string, generation: number, problems: ModuleProblem[]): Promise<LoadedDefinition[]> {
  const source = { file, moduleName: path.basename(file).replace(/\.[^.]+$/, '') };
  let exported: unknown[];
  try {
    exported = await definitionsOf(await importFresh(file, generation));
  } catch (error) {
    problems.push({ file, reason: `failed to load: ${errorMessage(error)}` });
    return [];
  }
  if (exported.length === 0) {
    problems.push({ file, reason: 'exports no definitions (export a tool, resource, resource template or prompt object)' });
    return [];
  }
  const definitions: LoadedDefinition[] = [];
  for (const value of exported) {
    try {
      definitions.push(classify(value, source));
    } catch (error) {
      problems.push({ file, reason: errorMessage(error) });
    }
  }
  return definitions;
}

/** One line, however many the error had (a compiler error lists its location on the next line). */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const line = text.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

/** The package's own tools/ directory: built-in modules, discovered like any user's. */
export const builtinToolsDir = path.resolve(new URL('../../tools/', import.meta.url).pathname);

/** The directories modules are discovered in: the built-ins (unless disabled), then the configured ones. */
export function moduleDirs(tools: { builtins: boolean; dirs: readonly string[] }): string[] {
  return [...(tools.builtins ? [builtinToolsDir] : []), ...tools.dirs];
}
