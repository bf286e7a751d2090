import { readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import { backendOptions, openBackend, storagePaths } from '../engines.js';
import { TEMP_MARKER } from '../fs-util.js';
import { dataDirTarget, engineTarget, lockStorage } from '../lock.js';
import { TAKEOVER_SUFFIX, isStale, readLockFile, removeStaleLock, type LockTarget } from '../lock-file.js';
import { readSchemaVersion, CURRENT_SCHEMA_VERSION } from '../schema-version.js';
import { StorageError } from '../types.js';
import type { RepairFinding, RepairResult } from './report.js';

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

/** Removes a stale or unreadable lock (and takeover guards left by dead processes); refuses a live one. */
async function repairLock(area: 'lock' | 'engine lock', target: LockTarget, findings: RepairFinding[], log: Logger): Promise<void> {
  const { path } = target;
  for (let guard = `${path}${TAKEOVER_SUFFIX}`, depth = 0; depth < 3; guard += TAKEOVER_SUFFIX, depth++) {
    const info = await readLockFile(guard);
    if (info === 'unreadable' || (info && isStale(info))) {
      await rm(guard, { force: true });
      findings.push({ area, message: `removed ${guard}, left by a process that died while taking over a stale lock` });
    }
  }
  const info = await readLockFile(path);
  if (info === undefined) return void findings.push({ area, message: 'free' });
  if (info === 'unreadable') {
    await rm(path, { force: true });
    return void findings.push({ area, message: `found an unreadable lock file ${path}; removed it` });
  }
  if (!isStale(info)) {
    const why = info.hostname === hostname() ? target.describe(info) : `${target.describe(info)} (another host: cannot check that process)`;
    throw new StorageError('LOCKED', `cannot repair: ${why}`);
  }
  await removeStaleLock(path, info, log);
  findings.push({ area, message: `found a stale lock of process ${info.pid} (started ${info.startedAt}), which no longer runs; removed it` });
}

/** Checks the selected engine's data and repairs what is safe to repair; never deletes user data. */
export async function runRepair(config: Config, log: Logger): Promise<RepairResult> {
  const { dataDir, enginePath } = storagePaths(config.storage);
  const findings: RepairFinding[] = [];
  await repairLock('lock', dataDirTarget(dataDir), findings, log);
  await repairLock('engine lock', await engineTarget(enginePath), findings, log);
  const lock = await lockStorage({ dataDir, enginePath }, log);
  try {
    for (const temp of new Set([...(await walk(dataDir, 3)), ...(await walk(enginePath, 3))])) {
      await rm(temp, { recursive: true, force: true });
      findings.push({ area: 'temp', message: `removed leftover ${temp}` });
    }
    for (const entry of await readdir(dirname(enginePath)).catch(() => [] as string[])) {
      const path = join(dirname(enginePath), entry);
      if (entry.startsWith(`${basename(enginePath)}.restore-`)) {
        await rm(path, { recursive: true, force: true });
        findings.push({ area: 'restore', message: `removed the unfinished restore ${path} (the backup it came from is untouched)` });
      } else if (entry.startsWith(`${basename(enginePath)}.previous-`)) {
        findings.push({ area: 'restore', message: `kept ${path}, the data before a restore; delete it once you no longer need it` });
      }
    }
    const version = await readSchemaVersion(dataDir, enginePath);
    if (version !== undefined && version !== CURRENT_SCHEMA_VERSION) {
      findings.push({ area: 'schema', message: `version ${version}, this mcp-server uses ${CURRENT_SCHEMA_VERSION}; run --migrate (older) or upgrade (newer)`, problem: true });
    } else {
      findings.push({ area: 'schema', message: `version ${version ?? `${CURRENT_SCHEMA_VERSION} (new directory)`}` });
    }
    await repairEngine(config, enginePath, findings);
    return { command: 'repair', dataDir, engine: config.storage.type, enginePath, findings };
  } finally {
    await lock.release();
  }
}

async function repairEngine(config: Config, enginePath: string, findings: RepairFinding[]): Promise<void> {
  if (config.storage.type === 'lowdb') {
    const { repairLowdbFiles } = await import('../lowdb/check.js');
    const { problems, repaired } = await repairLowdbFiles(enginePath);
    for (const message of repaired) findings.push({ area: 'lowdb', message });
    for (const problem of problems) findings.push({ area: 'lowdb', message: `${problem} (left in place; restore it from a backup or move it away)`, problem: true });
    if (problems.length === 0 && repaired.length === 0) findings.push({ area: 'lowdb', message: 'every collection file is readable' });
    return;
  }
  const backend = await openBackend(config.storage.type, backendOptions(config.storage, enginePath));
  try {
    if ('compact' in backend) {
      const lance = backend as import('../lancedb/backend.js').LanceBackend;
      for (const name of await backend.listCollections()) {
        const stats = await lance.compact(name);
        findings.push({ area: 'lancedb', message: `${name}: compacted (${stats?.compaction.fragmentsRemoved ?? 0} fragments merged), removed ${stats?.prune.oldVersionsRemoved ?? 0} old versions` });
      }
    }
    if ('checkpoint' in backend) {
      await (backend as import('../duckdb/backend.js').DuckBackend).checkpoint();
      findings.push({ area: 'duckdb', message: 'checkpoint written' });
    }
  } finally {
    await backend.close();
  }
}
