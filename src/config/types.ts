import type { Config } from './schema.js';

/** Raw CLI flag values, exactly as the command line gave them. */
export interface ConfigFlags {
  transport?: string;
  host?: string;
  port?: string;
  toolsDirs?: string[];
  storage?: string;
  dataDir?: string;
  logLevel?: string;
  logFormat?: string;
  sslKeyfile?: string;
  sslCertfile?: string;
  /** --watch: present means on. */
  watch?: boolean;
  /** --debug: present means on. */
  debug?: boolean;
  metricsPort?: string;
}

export interface LoadConfigOptions {
  /** From --config; wins over MCP_CONFIG_PATH and ./config.yaml. */
  configPath?: string;
  env: Record<string, string | undefined>;
  flags: ConfigFlags;
  cwd: string;
}

/** Where one effective value came from. `file` is an absolute path; line and column count from 1. */
export type ValueSource = { kind: 'default' } | { kind: 'file'; file: string; line: number; column: number } | { kind: 'env'; name: string } | { kind: 'flag'; name: string };

/** An error (the config is refused) or, in `warnings`, something read but worth changing. */
export interface ConfigProblem {
  /** YAML path of the offending value, e.g. `transport.port` or `tools.dirs[1]`; empty for the file as a whole. */
  path: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  origin: 'file' | 'env' | 'flag';
  /** The environment variable (`MCP_PORT`) or flag (`--port`) for origin env or flag. */
  name?: string;
}

export interface LoadedConfig {
  ok: true;
  config: Config;
  /** Source of every leaf value, keyed by dotted path (`transport.port`); arrays count as one leaf. */
  sources: Record<string, ValueSource>;
  configFile?: string;
  /** Things read but worth changing (old key names, ignored sections, unknown MCP_* variables); errors under `strict: true`. */
  warnings: ConfigProblem[];
}

export interface FailedConfig {
  ok: false;
  problems: ConfigProblem[];
  configFile?: string;
  warnings: ConfigProblem[];
}

export type ConfigResult = LoadedConfig | FailedConfig;

/** One step of a path into the config: an object key or an array index. */
export type PathSegment = string | number;
