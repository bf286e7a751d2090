/** The storage commands the CLI wires to --backup, --restore, --repair-database and --migrate. */
export { runBackup } from './commands/backup.js';
export { runMigrate } from './commands/migrate.js';
export { runRepair } from './commands/repair.js';
export type { BackupResult, CommandResult, MigrateResult, RepairFinding, RepairResult, RestoreResult } from './commands/report.js';
export { runRestore } from './commands/restore.js';
