import type { Config } from '../config/schema.js';
import type { ModuleFileCache } from '../modules/file-cache.js';
import { buildRegistry, moduleDirs, type RegistrySnapshot } from '../modules/registry.js';

/**
 * The registry snapshot a config serves. Every source of definitions feeds it here, so start-up and
 * reload build the same thing the same way: today the module directories; upstream MCP servers and
 * worker-isolated modules join them here as further sources of definitions.
 */
export function loadRegistry(config: Config, generation: number, cache: ModuleFileCache): Promise<RegistrySnapshot> {
  const { tools } = config;
  return buildRegistry({ dirs: moduleDirs(tools), enabled: tools.enabled, disabled: tools.disabled, generation, cache, importTimeoutMs: tools.importTimeoutSeconds * 1000 });
}
