import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The environment variable that names the config file (when --config is not given). */
export const CONFIG_PATH_ENV = 'MCP_CONFIG_PATH';

export const DEFAULT_CONFIG_FILE = 'config.yaml';

export interface ConfigFileChoice {
  file: string;
  /** Who named the file; a named file must exist, the default one may be absent. */
  namedBy?: { origin: 'flag' | 'env'; name: string };
}

/** The config file to read: --config, else MCP_CONFIG_PATH, else ./config.yaml when it exists. */
export function chooseConfigFile({ configPath, env, cwd }: { configPath?: string | undefined; env: NodeJS.ProcessEnv; cwd: string }): ConfigFileChoice | undefined {
  if (configPath) return { file: resolve(cwd, configPath), namedBy: { origin: 'flag', name: '--config' } };
  const fromEnv = env[CONFIG_PATH_ENV]?.trim();
  if (fromEnv) return { file: resolve(cwd, fromEnv), namedBy: { origin: 'env', name: CONFIG_PATH_ENV } };
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? { file: fallback } : undefined;
}
