import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import type { Backend, BackendOptions } from './backend.js';
import type { EngineName } from './types.js';

export interface StoragePaths {
  dataDir: string;
  enginePath: string;
}

export function storagePaths(config: Config['storage']): StoragePaths {
  const dataDir = resolve(config.dataDir);
  const enginePath = config.path ? resolve(config.path) : join(dataDir, config.type);
  return { dataDir, enginePath };
}

export function backendOptions(config: Config['storage'], path: string, log: Logger = silentLogger): BackendOptions {
  return { path, log, lancedb: { vectorIndexMinRows: config.lancedb.vectorIndexMinRows }, duckdb: { threads: config.duckdb.threads, memoryLimit: config.duckdb.memoryLimit } };
}

/** Imports only the chosen engine, so choosing lowdb never loads a native module. */
export async function openBackend(engine: EngineName, options: BackendOptions): Promise<Backend> {
  switch (engine) {
    case 'lowdb':
      return (await import('./lowdb/backend.js')).LowdbBackend.open(options);
    case 'lancedb':
      return (await import('./lancedb/backend.js')).LanceBackend.open(options);
    case 'duckdb':
      return (await import('./duckdb/backend.js')).DuckBackend.open(options);
  }
}
