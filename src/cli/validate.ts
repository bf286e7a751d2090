import type { LoadedConfig } from '../config/types.js';
import { ModuleFileCache } from '../modules/file-cache.js';
import { formatModuleProblem } from '../modules/registry.js';
import { silentLogger } from '../observability/logger.js';
import { WorkerIsolation } from '../server/isolation/worker-isolation.js';
import { loadRegistry } from '../server/load-registry.js';
import { upstreamProblems } from '../upstreams/validate.js';

/**
 * --validate-config: the config is already valid here (its warnings printed); also load every module,
 * check every upstream's command and variables (without starting it), and report problems.
 */
export async function validate(loaded: LoadedConfig): Promise<number> {
  // modules with isolation: worker are loaded in a worker, as a server would load them
  const workers = new WorkerIsolation(loaded.config, silentLogger);
  const registry = await loadRegistry(loaded.config, 1, new ModuleFileCache(), undefined, workers).finally(() => workers.close());
  const upstreams = upstreamProblems(loaded.config.upstreams);
  for (const problem of registry.problems) process.stderr.write(`${formatModuleProblem(problem)}\n`);
  for (const problem of upstreams) process.stderr.write(`${problem}\n`);
  const upstreamCount = Object.keys(loaded.config.upstreams).length;
  const summary = `${registry.tools.size} tools, ${registry.resources.size} resources, ${registry.templates.size} resource templates, ${registry.prompts.size} prompts from ${registry.files.length} files${upstreamCount > 0 ? `; ${upstreamCount} upstream${upstreamCount === 1 ? '' : 's'} (not started)` : ''}`;
  if (registry.problems.length > 0 || upstreams.length > 0) {
    const found = [registry.problems.length > 0 ? `${registry.problems.length} module problem(s)` : '', upstreams.length > 0 ? `${upstreams.length} upstream problem(s)` : '']
      .filter(Boolean)
      .join(' and ');
    process.stderr.write(`mcp-server: configuration is valid but ${found} were found (${summary})\n`);
    return 1;
  }
  const warnings = loaded.warnings.length > 0 ? `; ${loaded.warnings.length} warning${loaded.warnings.length === 1 ? '' : 's'} (see above)` : '';
  process.stdout.write(`configuration OK${loaded.configFile ? ` (${loaded.configFile})` : ' (defaults, no config file)'}: ${summary}${warnings}\n`);
  return 0;
}
