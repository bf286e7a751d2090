import { mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import { serverVersion } from '../../version.js';
import { ARCHIVE_FORMAT_VERSION, packArchive, writeCollectionFile, type Manifest } from '../archive.js';
import { requestBackupFromOwner } from '../backup-requests.js';
import { storagePaths } from '../engines.js';
import { liveOwner } from '../lock.js';
import { openStorage } from '../open.js';
import { StorageError, type Storage } from '../types.js';
import type { BackupResult } from './report.js';

/**
 * Backs up every live document into a portable .tar.gz. When no process owns the data directory the
 * backup opens it itself. When a server on this host owns it (the lock), the backup asks that server
 * to write the archive from its open storage: the server holds every write at a barrier while it
 * exports, so the archive is one consistent snapshot, and the server keeps serving reads meanwhile.
 */
export async function runBackup(config: Config, output: string, log: Logger): Promise<BackupResult> {
  const target = resolve(output);
  const paths = storagePaths(config.storage);
  let storage: Storage;
  try {
    storage = await openStorage(config.storage, log);
  } catch (error) {
    const owner = error instanceof StorageError && error.code === 'LOCKED' ? await liveOwner(paths) : undefined;
    if (owner) return requestBackupFromOwner(owner.dataDir, owner.pid, target);
    throw error;
  }
  try {
    return await backupStorage(storage, target, paths.dataDir);
  } finally {
    await storage.close();
  }
}

/** Writes the archive from an open storage, inside one snapshot (writes wait until it is done). */
export async function backupStorage(storage: Storage, target: string, dataDir: string): Promise<BackupResult> {
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    const manifest: Manifest = {
      formatVersion: ARCHIVE_FORMAT_VERSION,
      engine: storage.engine,
      serverVersion,
      createdAt: new Date().toISOString(),
      collections: [],
    };
    await storage.snapshot(async () => {
      for (const name of await storage.listCollections()) {
        manifest.collections.push(await writeCollectionFile(staging, name, storage.exportCollection(name)));
      }
    });
    const partial = `${target}.tmp-${process.pid}`;
    await packArchive(staging, manifest, partial);
    await rename(partial, target);
    return { command: 'backup', archive: target, dataDir, engine: storage.engine, collections: manifest.collections.map(({ name, count }) => ({ name, count })) };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
