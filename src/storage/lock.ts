import { mkdir, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../observability/logger.js';
import type { StoragePaths } from './engines.js';
import { isHeldByLiveLocalProcess, readLockFile, takeLockFile, type HeldLock, type LockInfo, type LockTarget } from './lock-file.js';

export { isHeldByLiveLocalProcess, isProcessAlive, isStale, type LockInfo } from './lock-file.js';

/**
 * One process owns a data directory and the engine directory it uses: `<dataDir>/.lock` and
 * `<enginePath>.lock` (beside the engine directory, which `storage.path` may put anywhere, so two
 * servers with different data directories cannot share engine files either).
 *
 * Policy: a lock held by a live process (or by any process on another host, which we cannot check) refuses
 * the open. A lock left by a dead process on this host is stale: it is taken over with a warning (atomically,
 * see lock-file.ts), because after a crash or SIGKILL the server must come back without a human (systemd
 * restarts it). An unreadable lock file is never taken over silently; --repair-database removes it.
 */

export const LOCK_FILE = '.lock';

export type StorageLock = HeldLock;

export const dataDirLockPath = (dataDir: string): string => join(dataDir, LOCK_FILE);

/** Beside the engine directory, named after its real location so two spellings of one path meet. */
export async function engineLockPath(enginePath: string): Promise<string> {
  await mkdir(dirname(enginePath), { recursive: true });
  return join(await realpath(dirname(enginePath)), `${basename(enginePath)}.lock`);
}

export function describeHolder(dataDir: string, info: LockInfo): string {
  return `data directory ${dataDir} is in use by process ${info.pid} on ${info.hostname} (started ${info.startedAt}); stop it or choose another --data-dir`;
}

export function describeEngineHolder(enginePath: string, info: LockInfo): string {
  const owner = info.dataDir ? `, data directory ${info.dataDir}` : '';
  return `engine directory ${enginePath} is in use by process ${info.pid} on ${info.hostname} (started ${info.startedAt}${owner}); stop it or choose another storage.path`;
}

export function dataDirTarget(dataDir: string): LockTarget {
  const path = dataDirLockPath(dataDir);
  return {
    path,
    describe: (info) => describeHolder(dataDir, info),
    unreadable: `lock file ${path} is unreadable; if no mcp-server uses ${dataDir}, run: mcp-server --repair-database --data-dir ${dataDir}`,
  };
}

export async function engineTarget(enginePath: string): Promise<LockTarget> {
  const path = await engineLockPath(enginePath);
  return {
    path,
    describe: (info) => describeEngineHolder(enginePath, info),
    unreadable: `lock file ${path} is unreadable; if no mcp-server uses ${enginePath}, run mcp-server --repair-database with the same configuration`,
  };
}

/**
 * Takes the data directory lock, then the engine directory lock. With `waitMs`, locks held by a live
 * process are retried until then: an SDK stdio client negotiating the protocol era probes with a
 * short-lived sibling process and starts the real server as the sibling exits, so the two briefly overlap.
 */
export async function lockStorage(paths: StoragePaths, log: Logger, waitMs = 0): Promise<StorageLock> {
  const deadline = Date.now() + waitMs;
  const dataLock = await takeLockFile(dataDirTarget(paths.dataDir), log, deadline);
  try {
    const engineLock = await takeLockFile(await engineTarget(paths.enginePath), log, deadline, paths.dataDir);
    return {
      async release() {
        await engineLock.release();
        await dataLock.release();
      },
    };
  } catch (error) {
    await dataLock.release();
    throw error;
  }
}

/** A live server on this host that owns these paths, and the data directory it answers requests in. */
export async function liveOwner(paths: StoragePaths): Promise<{ pid: number; dataDir: string } | undefined> {
  const data = await readLockFile(dataDirLockPath(paths.dataDir));
  if (data && data !== 'unreadable' && isHeldByLiveLocalProcess(data)) return { pid: data.pid, dataDir: paths.dataDir };
  const engine = await readLockFile(await engineLockPath(paths.enginePath));
  if (engine && engine !== 'unreadable' && engine.dataDir && isHeldByLiveLocalProcess(engine)) return { pid: engine.pid, dataDir: engine.dataDir };
  return undefined;
}
