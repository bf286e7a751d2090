import { mkdir } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { backendOptions, openBackend, storagePaths } from './engines.js';
import { lockStorage } from './lock.js';
import { ensureSchema } from './schema-version.js';
import { BackendStorage } from './storage.js';
import type { Storage } from './types.js';

/**
 * Opens the configured engine: lock, schema check, lazy engine import, TTL sweeper. A server passes
 * `waitForLock` to wait up to storage.lockWaitSeconds for another live process to let go.
 */
export async function openStorage(config: Config['storage'], log: Logger, options: { waitForLock?: boolean } = {}): Promise<Storage> {
  const { dataDir, enginePath } = storagePaths(config);
  await mkdir(dataDir, { recursive: true });
  const lock = await lockStorage({ dataDir, enginePath }, log, options.waitForLock ? config.lockWaitSeconds * 1000 : 0);
  try {
    await ensureSchema(dataDir, enginePath, config.type);
    const backend = await openBackend(config.type, backendOptions(config, enginePath, log));
    let sweeping: Promise<unknown> | undefined;
    const timer = setInterval(() => {
      sweeping ??= storage
        .purgeExpired()
        .then((purged) => purged > 0 && log.debug({ purged }, 'purged expired documents'))
        .catch((error: unknown) => log.warn({ err: error }, 'purging expired documents failed'))
        .finally(() => (sweeping = undefined));
    }, config.sweepIntervalSeconds * 1000);
    timer.unref();
    const storage = new BackendStorage(backend, async () => {
      clearInterval(timer);
      await sweeping;
      await lock.release();
    });
    log.debug({ engine: config.type, path: enginePath }, 'storage opened');
    return storage;
  } catch (error) {
    await lock.release();
    throw error;
  }
}
