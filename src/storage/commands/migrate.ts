import { mkdir } from 'node:fs/promises';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import { storagePaths } from '../engines.js';
import { lockStorage } from '../lock.js';
import { MIGRATIONS } from '../migrations.js';
import { CURRENT_SCHEMA_VERSION, readSchemaVersion, writeSchemaFile } from '../schema-version.js';
import { StorageError } from '../types.js';
import { serverVersion } from '../../version.js';
import type { MigrateResult, MigrationStep } from './report.js';

/** Upgrades a data directory step by step to the current schema version; running it again does nothing. */
export async function runMigrate(config: Config, log: Logger): Promise<MigrateResult> {
  const { dataDir, enginePath } = storagePaths(config.storage);
  await mkdir(dataDir, { recursive: true });
  const lock = await lockStorage({ dataDir, enginePath }, log);
  try {
    let version = await readSchemaVersion(dataDir, enginePath);
    if (version === undefined) {
      await writeSchemaFile(dataDir, config.storage.type);
      return { command: 'migrate', dataDir, outcome: 'new', version: CURRENT_SCHEMA_VERSION, steps: [] };
    }
    if (version > CURRENT_SCHEMA_VERSION) {
      throw new StorageError(
        'SCHEMA_TOO_NEW',
        `${dataDir} has schema version ${version}, written by a newer mcp-server; this one (${serverVersion}) migrates up to ${CURRENT_SCHEMA_VERSION}. Upgrade mcp-server.`,
      );
    }
    if (version === CURRENT_SCHEMA_VERSION) return { command: 'migrate', dataDir, outcome: 'current', version, steps: [] };
    const steps: MigrationStep[] = [];
    while (version < CURRENT_SCHEMA_VERSION) {
      const step = MIGRATIONS.find((m) => m.from === version);
      if (!step) throw new StorageError('NEEDS_MIGRATION', `no migration from schema version ${version}`);
      const notes = await step.run({ dataDir, enginePath, engine: config.storage.type });
      steps.push({ from: step.from, to: step.to, description: step.description, notes });
      await writeSchemaFile(dataDir, config.storage.type, step.to);
      version = step.to;
    }
    return { command: 'migrate', dataDir, outcome: 'migrated', version, steps };
  } finally {
    await lock.release();
  }
}
