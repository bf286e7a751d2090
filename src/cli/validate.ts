import type { LoadedConfig } from '../config/types.js';
import { ModuleFileCache } from '../modules/file-cache.js';
import { formatModuleProblem } from '../modules/registry.js';
import { loadRegistry } from '../server/load-registry.js';

/** --validate-config: the config is already valid here (its warnings printed); also load every module and report problems. */
export async function validate(loaded: LoadedConfig): Promise<number> {
  const registry = await loadRegistry(loaded.config, 1, new ModuleFileCache());
  for (const problem of registry.problems) process.stderr.write(`${formatModuleProblem(problem)}\n`);
  const summary = `${registry.tools.size} tools, ${registry.resources.size} resources, ${registry.templates.size} resource templates, ${registry.prompts.size} prompts from ${registry.files.length} files`;
  if (registry.problems.length > 0) {
    process.stderr.write(`mcp-server: configuration is valid but ${registry.problems.length} module problem(s) were found (${summary})\n`);
    return 1;
  }
  const warnings = loaded.warnings.length > 0 ? `; ${loaded.warnings.length} warning${loaded.warnings.length === 1 ? '' : 's'} (see above)` : '';
  process.stdout.write(`configuration OK${loaded.configFile ? ` (${loaded.configFile})` : ' (defaults, no config file)'}: ${summary}${warnings}\n`);
  return 0;
}
