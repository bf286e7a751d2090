import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/observability/logger.js';
import { openStorage } from '../../src/storage/open.js';
import type { EngineName, Storage } from '../../src/storage/types.js';

export const ENGINES: EngineName[] = ['lowdb', 'lancedb', 'duckdb'];

export async function tempDir(prefix = 'storage-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function storageConfig(engine: EngineName, dataDir: string, extra: Partial<Config['storage']> = {}): Config['storage'] {
  return configSchema.parse({ storage: { type: engine, dataDir, ...extra } }).storage;
}

export function fullConfig(engine: EngineName, dataDir: string): Config {
  return configSchema.parse({ storage: { type: engine, dataDir } });
}

export const open = (engine: EngineName, dataDir: string, extra: Partial<Config['storage']> = {}): Promise<Storage> =>
  openStorage(storageConfig(engine, dataDir, extra), silentLogger);
