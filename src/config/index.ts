export { loadConfig } from './load.js';
export { formatEffectiveConfig, formatProblems } from './print.js';
export { ENV_VARS, CONFIG_PATH_ENV } from './env.js';
export { CONFIG_FLAGS } from './flags.js';
export { configSchema, type Config, type StorageType, type TransportType } from './schema.js';
export type { ConfigFlags, ConfigProblem, ConfigResult, FailedConfig, LoadConfigOptions, LoadedConfig, ValueSource } from './types.js';
