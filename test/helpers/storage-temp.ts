import { configSchema, type Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/observability/logger.js';
import { openStorage } from '../../src/storage/open.js';
import type { EngineName, Storage } from '../../src/storage/types.js';

export const ENGINES: EngineName[] = ['lowdb', 'lancedb', 'duckdb'];

export { tempDir } from './temp-dir.js';

export function storageConfig(engine: EngineName, dataDir: string, extra: Partial<Config['storage']> = {}): Config['storage'] {
  return configSchema.parse({ storage: { type: engine, dataDir, ...extra } }).storage;
}

export function fullConfig(engine: EngineName, dataDir: string): Config {
  return configSchema.parse({ storage: { type: engine, dataDir } });
}

export const open = (engine: EngineName, dataDir: string, extra: Partial<Config['storage']> = {}): Promise<Storage> => openStorage(storageConfig(engine, dataDir, extra), silentLogger);
