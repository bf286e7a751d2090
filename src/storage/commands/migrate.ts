import { mkdir } from 'node:fs/promises';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import { storagePaths } from '../engines.js';
import { lockStorage } from '../lock.js';
import { MIGRATIONS } from '../migrations.js';
import { CURRENT_SCHEMA_VERSION, readSchemaVersion, writeSchemaFile } from '../schema-version.js';
import { StorageError } from '../types.js';
import { serverVersion } from '../../version.js';
import type { CommandReport } from './report.js';

/** Upgrades a data directory step by step to the current schema version; running it again does nothing. */
export async function runMigrate(config: Config, log: Logger): Promise<CommandReport> {
  const { dataDir, enginePath } = storagePaths(config.storage);
  await mkdir(dataDir, { recursive: true });
  const lock = await lockStorage({ dataDir, enginePath }, log);
  try {
    let version = await readSchemaVersion(dataDir, enginePath);
    if (version === undefined) {
      await writeSchemaFile(dataDir, config.storage.type);
      return { ok: true, lines: [`${dataDir} is new; initialized at schema version ${CURRENT_SCHEMA_VERSION}`] };
    }
    if (version > CURRENT_SCHEMA_VERSION) {
      throw new StorageError('SCHEMA_TOO_NEW', `${dataDir} has schema version ${version}, written by a newer mcp-server; this one (${serverVersion}) migrates up to ${CURRENT_SCHEMA_VERSION}. Upgrade mcp-server.`);
    }
    if (version === CURRENT_SCHEMA_VERSION) return { ok: true, lines: [`${dataDir} is already at schema version ${version}; nothing to do`] };
    const lines: string[] = [];
    while (version < CURRENT_SCHEMA_VERSION) {
      const step = MIGRATIONS.find((m) => m.from === version);
      if (!step) throw new StorageError('NEEDS_MIGRATION', `no migration from schema version ${version}`);
      lines.push(`migrating ${dataDir} from version ${step.from} to ${step.to}: ${step.description}`);
      lines.push(...(await step.run({ dataDir, enginePath, engine: config.storage.type })).map((l) => `  ${l}`));
      await writeSchemaFile(dataDir, config.storage.type, step.to);
      version = step.to;
    }
    lines.push(`${dataDir} is now at schema version ${version}`);
    return { ok: true, lines };
  } finally {
    await lock.release();
  }
}
