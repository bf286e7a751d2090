import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { openStorage } from '../storage/open.js';
import { StorageError, type Storage } from '../storage/types.js';

const RETRY_MS = 200;

/**
 * Opens storage, waiting up to storage.lockWaitSeconds while another live process holds the lock.
 * An SDK client negotiating the protocol era over stdio probes with a short-lived sibling process
 * and starts the real server as the sibling exits; the two briefly overlap.
 */
export async function openStorageWaiting(config: Config['storage'], log: Logger): Promise<Storage> {
  const deadline = Date.now() + config.lockWaitSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await openStorage(config, log);
    } catch (error) {
      if (!(error instanceof StorageError) || error.code !== 'LOCKED' || Date.now() + RETRY_MS > deadline) throw error;
      if (attempt === 1) log.info({ wait: config.lockWaitSeconds }, `waiting for the data directory lock: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}
