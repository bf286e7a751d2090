import { collectOverrides, type OverrideTarget, type Overrides } from './overrides.js';

/** The environment variable that names the config file (when --config is not given). */
export const CONFIG_PATH_ENV = 'MCP_CONFIG_PATH';

/** Environment variables that set config values; ENVIRONMENT.md documents the same table. */
export const ENV_VARS: Readonly<Record<string, OverrideTarget>> = {
  MCP_TRANSPORT_TYPE: { path: ['transport', 'type'], kind: 'string' },
  MCP_HOST: { path: ['transport', 'host'], kind: 'string' },
  MCP_PORT: { path: ['transport', 'port'], kind: 'integer' },
  MCP_API_KEY: { path: ['transport', 'apiKeys'], kind: 'list' },
  MCP_STORAGE_TYPE: { path: ['storage', 'type'], kind: 'string' },
  MCP_STORAGE_PATH: { path: ['storage', 'path'], kind: 'string' },
  MCP_DATA_PATH: { path: ['storage', 'dataDir'], kind: 'string' },
  MCP_LOG_LEVEL: { path: ['logging', 'level'], kind: 'string' },
  MCP_LOG_FORMAT: { path: ['logging', 'format'], kind: 'string' },
  MCP_TOOLS_DIRS: { path: ['tools', 'dirs'], kind: 'pathList' },
  MCP_SERVER_NAME: { path: ['server', 'name'], kind: 'string' },
  MCP_TOOL_TIMEOUT_SECONDS: { path: ['tools', 'timeoutSeconds'], kind: 'number' },
};

/** Config values from MCP_* variables. An empty variable counts as unset. */
export function readEnv(env: Record<string, string | undefined>): Overrides {
  const entries = Object.entries(ENV_VARS).flatMap(([name, target]) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? [] : [{ raw, target, source: { kind: 'env' as const, name } }];
  });
  return collectOverrides(entries);
}
