import type { Config } from '../config/schema.js';
import { createLogger } from '../observability/logger.js';
import { runBackup, runMigrate, runRepair, runRestore, type CommandResult } from '../storage/commands.js';
import { formatStorageResult, succeeded } from './storage-report.js';

export type StorageCommand = 'backup' | 'restore' | 'restore-dry-run' | 'repair' | 'migrate';

/** --backup, --restore, --repair-database and --migrate: report lines go to stdout, logs to stderr. */
export async function runStorageCommand(command: StorageCommand, config: Config, file?: string): Promise<number> {
  const log = createLogger(config.logging);
  const result: CommandResult = await (command === 'backup'
    ? runBackup(config, file!, log)
    : command === 'restore' || command === 'restore-dry-run'
      ? runRestore(config, file!, command === 'restore-dry-run', log)
      : command === 'repair'
        ? runRepair(config, log)
        : runMigrate(config, log));
  for (const line of formatStorageResult(result)) process.stdout.write(`${line}\n`);
  return succeeded(result) ? 0 : 1;
}
