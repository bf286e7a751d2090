import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../observability/logger.js';
import { StorageError } from './types.js';

/**
 * One process owns a data directory: `<dataDir>/.lock`, created with O_EXCL, holds pid, host and start time.
 *
 * Policy: a lock held by a live process (or by any process on another host, which we cannot check) refuses
 * the open. A lock left by a dead process on this host is stale: openStorage takes it over with a warning,
 * because after a crash or SIGKILL the server must come back without a human (systemd restarts it).
 * An unreadable lock file is never taken over silently; --repair-database removes it.
 */

export interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
}

export const LOCK_FILE = '.lock';
const held = new Set<string>();

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readLock(dataDir: string): Promise<LockInfo | 'unreadable' | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, LOCK_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    if (Number.isInteger(info.pid) && typeof info.hostname === 'string') return info;
  } catch {
    // fall through
  }
  return 'unreadable';
}

/** The lock names another process on this host: the only kind we can check or signal. */
const isOtherLocalProcess = (info: LockInfo): boolean => info.hostname === hostname() && info.pid !== process.pid;

/** A lock whose process is known to be gone. */
export const isStale = (info: LockInfo): boolean => isOtherLocalProcess(info) && !isProcessAlive(info.pid);

/** A lock held by another live process on this host (a running server that can be asked for things). */
export const isHeldByLiveLocalProcess = (info: LockInfo): boolean => isOtherLocalProcess(info) && isProcessAlive(info.pid);

export interface DataDirLock {
  release(): Promise<void>;
}

async function create(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    const info: LockInfo = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
    await handle.writeFile(JSON.stringify(info));
    await handle.sync();
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StorageError('IO', `cannot create lock file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export function describeHolder(dataDir: string, info: LockInfo): string {
  return `data directory ${dataDir} is in use by process ${info.pid} on ${info.hostname} (started ${info.startedAt}); stop it or choose another --data-dir`;
}

const WAIT_RETRY_MS = 200;

/**
 * Takes the data directory lock. With `waitMs`, a lock held by a live process is retried until then:
 * an SDK stdio client negotiating the protocol era probes with a short-lived sibling process and
 * starts the real server as the sibling exits, so the two briefly overlap.
 */
export async function acquireLock(dataDir: string, log: Logger, waitMs = 0): Promise<DataDirLock> {
  const deadline = Date.now() + waitMs;
  let waiting = false;
  const path = join(dataDir, LOCK_FILE);
  if (held.has(path)) {
    const info = await readLock(dataDir);
    throw new StorageError('LOCKED', info && info !== 'unreadable' ? describeHolder(dataDir, info) : `data directory ${dataDir} is already open in this process`);
  }
  for (let attempt = 0; attempt < 3; ) {
    if (await create(path)) {
      held.add(path);
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          held.delete(path);
          await rm(path, { force: true });
        },
      };
    }
    const info = await readLock(dataDir);
    if (info === undefined) {
      attempt++; // released meanwhile: try again
      continue;
    }
    if (info === 'unreadable') {
      throw new StorageError('LOCKED', `lock file ${path} is unreadable; if no mcp-server uses ${dataDir}, run: mcp-server --repair-database --data-dir ${dataDir}`);
    }
    if (!isStale(info)) {
      if (Date.now() + WAIT_RETRY_MS > deadline) throw new StorageError('LOCKED', describeHolder(dataDir, info));
      if (!waiting) log.info({ waitMs }, `waiting for the data directory lock: ${describeHolder(dataDir, info)}`);
      waiting = true;
      await new Promise((resolve) => setTimeout(resolve, WAIT_RETRY_MS));
      continue;
    }
    attempt++;
    log.warn({ lock: path, stalePid: info.pid, startedAt: info.startedAt }, 'taking over a stale data directory lock left by a process that no longer runs');
    await rm(path, { force: true });
  }
  throw new StorageError('LOCKED', `could not take the lock ${path}: another process keeps taking it`);
}
