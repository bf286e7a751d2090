import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { answerBackupRequests } from '../storage/backup-requests.js';
import { storagePaths } from '../storage/engines.js';
import type { Storage } from '../storage/types.js';

/**
 * A running server answers `mcp-server --backup` (run by an operator while it serves): when asked
 * (the CLI wires SIGUSR2 to it), it writes the requested archives from its own open storage, one
 * round at a time. Returns the function that asks.
 */
export function backupAnswerer(config: Config, storage: Storage, log: Logger): () => Promise<void> {
  const { dataDir } = storagePaths(config.storage);
  let answering: Promise<void> = Promise.resolve();
  return () =>
    (answering = answering
      .then(async () => {
        const { backupStorage } = await import('../storage/commands/backup.js'); // tar, only when asked
        await answerBackupRequests(dataDir, (output) => backupStorage(storage, output, dataDir), log);
      })
      .catch((error: unknown) => log.error({ err: error }, 'answering backup requests failed')));
}
