import { readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import { backendOptions, openBackend, storagePaths } from '../engines.js';
import { TEMP_MARKER } from '../fs-util.js';
import { LOCK_FILE, acquireLock, describeHolder, isStale, readLock } from '../lock.js';
import { readSchemaVersion, CURRENT_SCHEMA_VERSION } from '../schema-version.js';
import { StorageError } from '../types.js';
import type { CommandReport } from './report.js';

async function walk(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.name.includes(TEMP_MARKER)) found.push(path);
    else if (entry.isDirectory() && depth > 0) found.push(...(await walk(path, depth - 1)));
  }
  return found;
}

async function repairLock(dataDir: string, lines: string[]): Promise<void> {
  const info = await readLock(dataDir);
  const path = join(dataDir, LOCK_FILE);
  if (info === undefined) return void lines.push('lock: free');
  if (info === 'unreadable') {
    await rm(path, { force: true });
    return void lines.push(`lock: found an unreadable lock file ${path}; removed it`);
  }
  if (!isStale(info)) {
    const why = info.hostname === hostname() ? describeHolder(dataDir, info) : `${describeHolder(dataDir, info)} (another host: cannot check that process)`;
    throw new StorageError('LOCKED', `cannot repair: ${why}`);
  }
  await rm(path, { force: true });
  lines.push(`lock: found a stale lock of process ${info.pid} (started ${info.startedAt}), which no longer runs; removed it`);
}

/** Checks the selected engine's data and repairs what is safe to repair; never deletes user data. */
export async function runRepair(config: Config, log: Logger): Promise<CommandReport> {
  const { dataDir, enginePath } = storagePaths(config.storage);
  const lines: string[] = [`checking ${dataDir} (${config.storage.type}, ${enginePath})`];
  let ok = true;
  await repairLock(dataDir, lines);
  const lock = await acquireLock(dataDir, log);
  try {
    for (const temp of new Set([...(await walk(dataDir, 3)), ...(await walk(enginePath, 3))])) {
      await rm(temp, { recursive: true, force: true });
      lines.push(`temp: removed leftover ${temp}`);
    }
    for (const entry of await readdir(dirname(enginePath)).catch(() => [] as string[])) {
      const path = join(dirname(enginePath), entry);
      if (entry.startsWith(`${basename(enginePath)}.restore-`)) {
        await rm(path, { recursive: true, force: true });
        lines.push(`restore: removed the unfinished restore ${path} (the backup it came from is untouched)`);
      } else if (entry.startsWith(`${basename(enginePath)}.previous-`)) {
        lines.push(`restore: kept ${path}, the data before a restore; delete it once you no longer need it`);
      }
    }
    const version = await readSchemaVersion(dataDir, enginePath);
    if (version !== undefined && version !== CURRENT_SCHEMA_VERSION) {
      ok = false;
      lines.push(`schema: version ${version}, this mcp-server uses ${CURRENT_SCHEMA_VERSION}; run --migrate (older) or upgrade (newer)`);
    } else {
      lines.push(`schema: version ${version ?? `${CURRENT_SCHEMA_VERSION} (new directory)`}`);
    }
    const engineOk = await repairEngine(config, enginePath, lines);
    return { ok: ok && engineOk, lines };
  } finally {
    await lock.release();
  }
}

async function repairEngine(config: Config, enginePath: string, lines: string[]): Promise<boolean> {
  if (config.storage.type === 'lowdb') {
    const { checkLowdbFiles } = await import('../lowdb/check.js');
    const problems = await checkLowdbFiles(enginePath);
    for (const problem of problems) lines.push(`lowdb: ${problem} (left in place; restore it from a backup or move it away)`);
    if (problems.length === 0) lines.push('lowdb: every collection file is readable');
    return problems.length === 0;
  }
  const backend = await openBackend(config.storage.type, backendOptions(config.storage, enginePath));
  try {
    if ('compact' in backend) {
      const lance = backend as import('../lancedb/backend.js').LanceBackend;
      for (const name of await backend.listCollections()) {
        const stats = await lance.compact(name);
        lines.push(`lancedb: ${name}: compacted (${stats?.compaction.fragmentsRemoved ?? 0} fragments merged), removed ${stats?.prune.oldVersionsRemoved ?? 0} old versions`);
      }
    }
    if ('checkpoint' in backend) {
      await (backend as import('../duckdb/backend.js').DuckBackend).checkpoint();
      lines.push('duckdb: checkpoint written');
    }
    return true;
  } finally {
    await backend.close();
  }
}
