import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import { extractAndVerify, readCollectionFile } from '../archive.js';
import { backendOptions, openBackend, storagePaths } from '../engines.js';
import { lockStorage } from '../lock.js';
import { writeSchemaFile } from '../schema-version.js';
import { BackendStorage } from '../storage.js';
import type { RestoreResult } from './report.js';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/**
 * Restores a backup into the configured engine. The archive is extracted and verified completely first;
 * the new data is then built in a directory next to the engine's, and swapped in with two renames. The
 * previous data stays at `<path>.previous-<time>` (delete it yourself once satisfied).
 */
export async function runRestore(config: Config, input: string, dryRun: boolean, log: Logger): Promise<RestoreResult> {
  const archive = resolve(input);
  const { dataDir, enginePath } = storagePaths(config.storage);
  const work = await mkdtemp(join(tmpdir(), 'mcp-restore-'));
  try {
    const manifest = await extractAndVerify(archive, work);
    const { engine, serverVersion, createdAt } = manifest;
    const result: RestoreResult = {
      command: 'restore',
      archive,
      source: { engine, serverVersion, createdAt, collections: manifest.collections.map(({ name, count }) => ({ name, count })) },
      engine: config.storage.type,
      enginePath,
      dryRun,
    };
    if (dryRun) return result;

    await mkdir(dataDir, { recursive: true });
    const lock = await lockStorage({ dataDir, enginePath }, log);
    const building = `${enginePath}.restore-${stamp()}`;
    try {
      const storage = new BackendStorage(await openBackend(config.storage.type, backendOptions(config.storage, building)));
      try {
        for (const entry of manifest.collections) await storage.importCollection(entry.name, readCollectionFile(work, entry));
      } finally {
        await storage.close();
      }
      if (await exists(enginePath)) {
        result.previous = `${enginePath}.previous-${stamp()}`;
        await rename(enginePath, result.previous);
      }
      await rename(building, enginePath);
      await writeSchemaFile(dataDir, config.storage.type);
      return result;
    } catch (error) {
      await rm(building, { recursive: true, force: true });
      throw error;
    } finally {
      await lock.release();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
