import { CONFIG_PATH_ENV } from './config-path.js';
import { formatPath } from './object-path.js';
import { collectOverrides, type OverrideTarget, type Overrides } from './overrides.js';
import { closest } from './suggest.js';
import type { ConfigProblem } from './types.js';

/** Environment variables that set config values; the README's "Environment variables" table documents the same. */
export const ENV_VARS: Readonly<Record<string, OverrideTarget>> = {
  MCP_TRANSPORT_TYPE: { path: ['transport', 'type'], kind: 'string' },
  MCP_HOST: { path: ['transport', 'host'], kind: 'string' },
  MCP_PORT: { path: ['transport', 'port'], kind: 'integer' },
  MCP_API_KEY: { path: ['transport', 'apiKeys'], kind: 'list' },
  MCP_ADMIN_KEY: { path: ['transport', 'adminKeys'], kind: 'list' },
  MCP_STORAGE_TYPE: { path: ['storage', 'type'], kind: 'string' },
  MCP_STORAGE_PATH: { path: ['storage', 'path'], kind: 'string' },
  MCP_DATA_PATH: { path: ['storage', 'dataDir'], kind: 'string' },
  MCP_LOG_LEVEL: { path: ['logging', 'level'], kind: 'string' },
  MCP_LOG_FORMAT: { path: ['logging', 'format'], kind: 'string' },
  MCP_TOOLS_DIRS: { path: ['tools', 'dirs'], kind: 'pathList' },
  MCP_SERVER_NAME: { path: ['server', 'name'], kind: 'string' },
  MCP_REPLICA_ID: { path: ['transport', 'replicaId'], kind: 'string' },
  MCP_REQUEST_STATE_SECRET: { path: ['server', 'requestStateSecret'], kind: 'string' },
  MCP_TOOL_TIMEOUT_SECONDS: { path: ['tools', 'timeoutSeconds'], kind: 'number' },
  MCP_TOOLS_ISOLATION: { path: ['tools', 'isolation'], kind: 'string' },
};

/** Names other MCP servers' deployment guides use for our variables: read as ours, with a warning. */
export const ENV_ALIASES: Readonly<Record<string, keyof typeof ENV_VARS>> = {
  MCP_SERVER_HOST: 'MCP_HOST',
  MCP_SERVER_PORT: 'MCP_PORT',
  MCP_TRANSPORT: 'MCP_TRANSPORT_TYPE',
};

type Env = Record<string, string | undefined>;

/** An empty variable counts as unset. */
const isSet = (env: Env, name: string) => (env[name]?.trim() ?? '') !== '';

/** Config values from MCP_* variables, with warnings for old names and for MCP_* variables that set nothing. */
export function readEnv(env: Env): Overrides & { warnings: ConfigProblem[] } {
  const entries = Object.entries(ENV_VARS).flatMap(([name, target]) => (isSet(env, name) ? [{ raw: env[name]!, target, source: { kind: 'env' as const, name } }] : []));
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  for (const [name, current] of Object.entries(ENV_ALIASES)) {
    if (!isSet(env, name)) continue;
    const target = ENV_VARS[current]!;
    const at = { path: formatPath(target.path), origin: 'env' as const, name };
    if (isSet(env, current)) {
      problems.push({ ...at, message: `old name of ${current}, which is set too; keep only ${current}` });
      continue;
    }
    entries.push({ raw: env[name]!, target, source: { kind: 'env', name } });
    warnings.push({ ...at, message: `old name, read as ${current}; rename it to ${current}` });
  }
  const collected = collectOverrides(entries);
  return { overrides: collected.overrides, problems: [...problems, ...collected.problems], warnings: [...warnings, ...unknownVariables(env)] };
}

/** One warning for each MCP_* variable that is not a setting, naming the closest one that is. */
function unknownVariables(env: Env): ConfigProblem[] {
  const known = [CONFIG_PATH_ENV, ...Object.keys(ENV_VARS), ...Object.keys(ENV_ALIASES)];
  return Object.keys(env)
    .filter((name) => name.startsWith('MCP_') && isSet(env, name) && !known.includes(name))
    .sort()
    .map((name) => {
      const guess = closest(name, known);
      const meant = guess && (ENV_ALIASES[guess] ?? guess);
      const hint = meant ? `did you mean ${meant}?` : 'see "Environment variables" in the README';
      return { path: '', origin: 'env', name, message: `${name} is not a setting; ${hint}` };
    });
}
