import type { EngineName } from '../types.js';

/**
 * What the storage commands return: data, for the CLI to format (src/cli/storage-report.ts). A
 * command that cannot do its work throws a StorageError instead.
 */

export interface CollectionCount {
  name: string;
  count: number;
}

export interface BackupResult {
  command: 'backup';
  archive: string;
  dataDir: string;
  engine: EngineName;
  collections: CollectionCount[];
  /** The running server (its PID) that wrote the archive from its open storage, when one owned the data. */
  writtenByServer?: number;
}

export interface RestoreResult {
  command: 'restore';
  archive: string;
  /** What the verified archive holds and where it came from. */
  source: { engine: EngineName; serverVersion: string; createdAt: string; collections: CollectionCount[] };
  engine: EngineName;
  enginePath: string;
  /** Verified only; nothing was changed. */
  dryRun: boolean;
  /** Where the data from before the restore was kept. */
  previous?: string;
}

export interface MigrationStep {
  from: number;
  to: number;
  description: string;
  /** What the step did, one entry per change. */
  notes: string[];
}

export interface MigrateResult {
  command: 'migrate';
  dataDir: string;
  /** `new`: a fresh directory, initialized; `current`: nothing to do; `migrated`: `steps` ran. */
  outcome: 'new' | 'current' | 'migrated';
  /** The schema version the directory is at now. */
  version: number;
  steps: MigrationStep[];
}

/** One check or repair of --repair-database, in the order they ran. */
export interface RepairFinding {
  /** What was checked: a lock, leftovers, the schema version, or the engine's own files. */
  area: 'lock' | 'engine lock' | 'temp' | 'restore' | 'schema' | EngineName;
  message: string;
  /** Something left for the operator: the repair as a whole is not ok. */
  problem?: boolean;
}

export interface RepairResult {
  command: 'repair';
  dataDir: string;
  engine: EngineName;
  enginePath: string;
  findings: RepairFinding[];
}

export type CommandResult = BackupResult | RestoreResult | MigrateResult | RepairResult;
