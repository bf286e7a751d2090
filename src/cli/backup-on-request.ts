import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { answerBackupRequests } from '../storage/backup-requests.js';
import { backupStorage } from '../storage/commands/backup.js';
import { storagePaths } from '../storage/engines.js';
import type { Storage } from '../storage/types.js';

/**
 * A running server answers `mcp-server --backup` (run by an operator while it serves): on SIGUSR2 it
 * writes the requested archives from its own open storage. Returns the function that stops listening.
 */
export function serveBackupRequests(config: Config, storage: Storage, log: Logger): () => void {
  const { dataDir } = storagePaths(config.storage);
  let answering: Promise<void> = Promise.resolve();
  const onSignal = () => {
    answering = answering
      .then(() => answerBackupRequests(dataDir, (output) => backupStorage(storage, output, dataDir), log))
      .catch((error: unknown) => log.error({ err: error }, 'answering backup requests failed'));
  };
  process.on('SIGUSR2', onSignal);
  return () => process.off('SIGUSR2', onSignal);
}
