import type { CommandResult, RepairResult } from '../storage/commands.js';

interface Counted {
  name: string;
  count: number;
}

const total = (collections: readonly Counted[]) => collections.reduce((n, c) => n + c.count, 0);
const perCollection = (collections: readonly Counted[]) => collections.map((c) => `  ${c.name}: ${c.count}`);

/** Whether a storage command's result calls for exit code 0. */
export const succeeded = (result: CommandResult): boolean => result.command !== 'repair' || !hasProblems(result);

const hasProblems = (result: RepairResult) => result.findings.some((finding) => finding.problem);

/** A storage command's result as the lines --backup, --restore, --repair-database and --migrate print. */
export function formatStorageResult(result: CommandResult): string[] {
  switch (result.command) {
    case 'backup':
      return [
        ...(result.writtenByServer ? [`the running server (process ${result.writtenByServer}) wrote the backup from a consistent snapshot`] : []),
        `backed up ${total(result.collections)} documents in ${result.collections.length} collections from ${result.dataDir} (${result.engine})`,
        ...perCollection(result.collections),
        `wrote ${result.archive}`,
      ];
    case 'restore': {
      const { source } = result;
      return [
        `verified ${result.archive}: ${total(source.collections)} documents in ${source.collections.length} collections (from ${source.engine}, mcp-server ${source.serverVersion}, ${source.createdAt})`,
        ...perCollection(source.collections),
        ...(result.dryRun ? [`dry run: would restore into ${result.enginePath} (${result.engine}); nothing was changed`] : []),
        ...(result.previous ? [`kept the previous data at ${result.previous}`] : []),
        ...(result.dryRun ? [] : [`restored into ${result.enginePath} (${result.engine})`]),
      ];
    }
    case 'migrate':
      if (result.outcome === 'new') return [`${result.dataDir} is new; initialized at schema version ${result.version}`];
      if (result.outcome === 'current') return [`${result.dataDir} is already at schema version ${result.version}; nothing to do`];
      return [
        ...result.steps.flatMap((step) => [`migrating ${result.dataDir} from version ${step.from} to ${step.to}: ${step.description}`, ...step.notes.map((note) => `  ${note}`)]),
        `${result.dataDir} is now at schema version ${result.version}`,
      ];
    case 'repair':
      return [`checking ${result.dataDir} (${result.engine}, ${result.enginePath})`, ...result.findings.map((finding) => `${finding.area}: ${finding.message}`)];
  }
}
