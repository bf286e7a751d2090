import { readConfigFile } from './config-file.js';
import { readEnv } from './env.js';
import { checkPaths, resolvePaths } from './file-checks.js';
import { readFlags } from './flags.js';
import { formatPath, leaves, setIn } from './object-path.js';
import { sourceOf, type Origins } from './origins.js';
import { sortProblems } from './problems.js';
import type { Config } from './schema.js';
import type { ConfigProblem, ConfigResult, LoadConfigOptions, ValueSource } from './types.js';
import { dropUnsetKeys } from './unset-keys.js';
import { validate } from './validate.js';

export type { ConfigFlags, ConfigProblem, ConfigResult, LoadConfigOptions, LoadedConfig, FailedConfig, ValueSource } from './types.js';

/**
 * Builds the effective config: defaults < config file < MCP_* environment < CLI flags.
 * Reads the config file and checks that configured directories exist; otherwise pure.
 * Collects every problem (with file:line:column, or the variable or flag) instead of stopping at the first.
 */
export function loadConfig(options: LoadConfigOptions): ConfigResult {
  const { cwd } = options;
  const file = readConfigFile(options);
  const env = readEnv(options.env);
  const flags = readFlags(options.flags);
  const origins: Origins = { file: file.source, overrides: [...env.overrides, ...flags.overrides] };
  const configFile = file.file ? { configFile: file.file } : {};

  const problems: ConfigProblem[] = [...file.problems, ...env.problems, ...flags.problems];
  if (file.problems.length > 0) return { ok: false, problems: sortProblems(problems), ...configFile };

  const data = dropUnsetKeys(structuredClone(file.source?.data ?? {})) as Record<string, unknown>;
  for (const override of origins.overrides) setIn(data, override.path, override.value);

  const validated = validate(data, origins);
  problems.push(...(validated.ok ? [] : validated.problems), ...checkPaths(data, origins, cwd));
  if (!validated.ok || problems.length > 0) return { ok: false, problems: sortProblems(problems), ...configFile };

  const config: Config = structuredClone(validated.config);
  resolvePaths(config, origins, cwd);
  return { ok: true, config, sources: leafSources(config, origins), ...configFile };
}

function leafSources(config: Config, origins: Origins): Record<string, ValueSource> {
  const sources: Record<string, ValueSource> = {};
  for (const [path] of leaves(config)) sources[formatPath(path)] = sourceOf(origins, path);
  return sources;
}
