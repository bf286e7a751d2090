import { mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import { ARCHIVE_FORMAT_VERSION, packArchive, writeCollectionFile, type Manifest } from '../archive.js';
import { storagePaths } from '../engines.js';
import { openStorage } from '../open.js';
import { StorageError } from '../types.js';
import { serverVersion } from '../../version.js';
import type { CommandReport } from './report.js';

/**
 * Backs up every live document into a portable .tar.gz.
 * Policy: the backup opens the storage itself, so it takes the data directory lock: a running server
 * must be stopped first (a clear LOCKED error says so). That makes the snapshot consistent on every
 * engine without coordinating with another process.
 */
export async function runBackup(config: Config, output: string, log: Logger): Promise<CommandReport> {
  const target = resolve(output);
  let storage;
  try {
    storage = await openStorage(config.storage, log);
  } catch (error) {
    if (error instanceof StorageError && error.code === 'LOCKED') {
      throw new StorageError('LOCKED', `cannot back up while the data directory is in use: ${error.message}. Stop the server, run the backup, then start it again.`, { cause: error });
    }
    throw error;
  }
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    const manifest: Manifest = {
      formatVersion: ARCHIVE_FORMAT_VERSION,
      engine: storage.engine,
      serverVersion,
      createdAt: new Date().toISOString(),
      collections: [],
    };
    for (const name of await storage.listCollections()) {
      manifest.collections.push(await writeCollectionFile(staging, name, storage.exportCollection(name)));
    }
    const partial = `${target}.tmp-${process.pid}`;
    await packArchive(staging, manifest, partial);
    await rename(partial, target);
    const total = manifest.collections.reduce((n, c) => n + c.count, 0);
    return {
      ok: true,
      lines: [
        `backed up ${total} documents in ${manifest.collections.length} collections from ${storagePaths(config.storage).dataDir} (${storage.engine})`,
        ...manifest.collections.map((c) => `  ${c.name}: ${c.count}`),
        `wrote ${target}`,
      ],
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await storage.close();
  }
}
