import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_PATH_ENV } from './env.js';
import type { ConfigProblem, LoadConfigOptions } from './types.js';
import { readYamlFile, type YamlSource } from './yaml-source.js';

export const DEFAULT_CONFIG_FILE = 'config.yaml';

interface Choice {
  file: string;
  /** Who named the file; a named file must exist, the default one may be absent. */
  namedBy?: { origin: 'flag' | 'env'; name: string };
}

/** The config file to read: --config, else MCP_CONFIG_PATH, else ./config.yaml when it exists. */
function chooseConfigFile({ configPath, env, cwd }: LoadConfigOptions): Choice | undefined {
  if (configPath) return { file: resolve(cwd, configPath), namedBy: { origin: 'flag', name: '--config' } };
  const fromEnv = env[CONFIG_PATH_ENV]?.trim();
  if (fromEnv) return { file: resolve(cwd, fromEnv), namedBy: { origin: 'env', name: CONFIG_PATH_ENV } };
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? { file: fallback } : undefined;
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
