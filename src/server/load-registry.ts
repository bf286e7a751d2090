import type { Config } from '../config/schema.js';
import type { ModuleFileCache } from '../modules/file-cache.js';
import type { LoadedDefinition } from '../modules/normalize.js';
import { assembleRegistry, loadModuleFiles, moduleDirs, type RegistrySnapshot } from '../modules/registry.js';
import type { WorkerIsolation } from './isolation/worker-isolation.js';

/** Where upstream definitions come from: those of the upstreams a config names, as they are now. */
export interface UpstreamDefinitions {
  definitionsFor(upstreams: Config['upstreams']): LoadedDefinition[];
}

const noUpstreams: UpstreamDefinitions = { definitionsFor: () => [] };

/**
 * The registry snapshot a config serves. Every source of definitions feeds it here, so start-up and
 * reload build the same thing the same way: the module directories (files with isolation: worker
 * are loaded in `workers`, and their definitions run there), then the upstream MCP servers (their
 * definitions as they are now; an upstream that is down has none).
 */
export async function loadRegistry(config: Config, generation: number, cache: ModuleFileCache, upstreams: UpstreamDefinitions = noUpstreams, workers?: WorkerIsolation): Promise<RegistrySnapshot> {
  const modules = await loadModuleFiles(moduleDirs(config.tools), cache, config.tools.importTimeoutSeconds * 1000, workers?.loaderFor(config));
  return assembleRegistry(modules, { ...filters(config), generation, extra: upstreams.definitionsFor(config.upstreams) });
}

/**
 * The snapshot with the same module definitions and the upstreams' definitions as they are now: an
 * upstream came up, went down or changed its lists. No file is read, no module imported.
 */
export function refreshRegistry(snapshot: RegistrySnapshot, config: Config, generation: number, upstreams: UpstreamDefinitions): RegistrySnapshot {
  const modules = { ...snapshot.modules, imported: [] };
  return assembleRegistry(modules, { ...filters(config), generation, extra: upstreams.definitionsFor(config.upstreams) });
}

const filters = (config: Config) => ({ enabled: config.tools.enabled, disabled: config.tools.disabled });
