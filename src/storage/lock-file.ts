import { randomUUID } from 'node:crypto';
import { link, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Logger } from '../observability/logger.js';
import { TEMP_MARKER } from './fs-util.js';
import { StorageError } from './types.js';

/**
 * One exclusive lock file holding its owner's pid, host and start time (plus the owner's data directory).
 *
 * Creating it is atomic: the content is written to a temp file first and then hard-linked to the lock's
 * name, which fails when the name exists, so nobody ever reads a half-written lock. Taking over a stale
 * lock (its process is gone) is atomic too: only the holder of `<lock>.takeover`, itself such a lock,
 * may remove it, and only after checking that the lock is still the stale one it saw. Without that, two
 * processes that both saw the stale lock could remove each other's fresh lock and both run.
 */

export interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
  /** The data directory of the process that holds the lock (engine locks name it). */
  dataDir?: string;
}

export interface HeldLock {
  release(): Promise<void>;
}

/** How a lock describes itself in errors. */
export interface LockTarget {
  path: string;
  /** "X is in use by ..." for a lock held by another live process. */
  describe(info: LockInfo): string;
  /** The whole message for a lock file that cannot be read. */
  unreadable: string;
}

export const TAKEOVER_SUFFIX = '.takeover';
const WAIT_RETRY_MS = 200;
/** A takeover guard is held for a few file operations; a live holder lets go well within this. */
const GUARD_WAIT_MS = 30_000;
/** Guards of guards, for a process that died while taking over; deeper means something is wrong. */
const MAX_TAKEOVER_DEPTH = 3;
/** Lock changes in a row without ever seeing a live holder (each one is progress by someone else). */
const MAX_ATTEMPTS = 10;
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/** Locks held by this process, so a second open in-process is refused instead of deadlocking. */
const held = new Set<string>();

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock names another process on this host: the only kind we can check or signal. */
const isOtherLocalProcess = (info: LockInfo): boolean => info.hostname === hostname() && info.pid !== process.pid;

/** A lock whose process is known to be gone. */
export const isStale = (info: LockInfo): boolean => isOtherLocalProcess(info) && !isProcessAlive(info.pid);

/** A lock held by another live process on this host (a running server that can be asked for things). */
export const isHeldByLiveLocalProcess = (info: LockInfo): boolean => isOtherLocalProcess(info) && isProcessAlive(info.pid);

const sameHolder = (a: LockInfo, b: LockInfo): boolean => a.pid === b.pid && a.hostname === b.hostname && a.startedAt === b.startedAt;

export async function readLockFile(path: string): Promise<LockInfo | 'unreadable' | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
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

async function writeDurably(path: string, text: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates the lock file with our info; false when it exists. */
async function create(path: string, dataDir: string | undefined): Promise<boolean> {
  const info: LockInfo = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), ...(dataDir ? { dataDir } : {}) };
  const text = JSON.stringify(info);
  const temp = `${path}${TEMP_MARKER}${process.pid}-${randomUUID()}`;
  const failed = (error: unknown) => new StorageError('IO', `cannot create lock file ${path}: ${(error as Error).message}`, { cause: error });
  try {
    await writeDurably(temp, text, 'wx');
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!LINK_UNSUPPORTED.has(code)) throw failed(error);
    // a file system without hard links: exclusive create, then write (a reader may briefly see it empty)
    try {
      await writeDurably(path, text, 'wx');
      return true;
    } catch (fallbackError) {
      if ((fallbackError as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw failed(fallbackError);
    }
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Takes the lock file. A lock held by a live process is retried until `deadline`; a stale one is taken
 * over (with a warning); an unreadable one is refused (--repair-database removes it).
 */
export async function takeLockFile(target: LockTarget, log: Logger, deadline: number, dataDir?: string): Promise<HeldLock> {
  const { path } = target;
  if (held.has(path)) {
    const info = await readLockFile(path);
    throw new StorageError('LOCKED', info && info !== 'unreadable' ? target.describe(info) : `${path} is already held by this process`);
  }
  await take(target, log, deadline, dataDir, 0);
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

async function take(target: LockTarget, log: Logger, deadline: number, dataDir: string | undefined, depth: number): Promise<void> {
  let waiting = false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; ) {
    if (await create(target.path, dataDir)) return;
    const holder = await readLockFile(target.path);
    if (holder === undefined) {
      attempt++; // released meanwhile: try again
      continue;
    }
    if (holder === 'unreadable') throw new StorageError('LOCKED', target.unreadable);
    if (isStale(holder)) {
      attempt++;
      await removeStaleLock(target.path, holder, log, depth);
      continue;
    }
    if (Date.now() + WAIT_RETRY_MS > deadline) throw new StorageError('LOCKED', target.describe(holder));
    if (!waiting) log.info({ waitMs: deadline - Date.now() }, `waiting for a lock: ${target.describe(holder)}`);
    waiting = true;
    attempt = 0; // bounded by the deadline from here
    await new Promise((resolve) => setTimeout(resolve, WAIT_RETRY_MS));
  }
  throw new StorageError('LOCKED', `could not take the lock ${target.path}: other processes keep taking it`);
}

/**
 * Removes the lock file if it still is the stale lock `stale`, under its takeover guard; true when removed.
 * Every process that takes over a stale lock goes through here, so no two remove one lock.
 */
export async function removeStaleLock(path: string, stale: LockInfo, log: Logger, depth = 0): Promise<boolean> {
  const guard = `${path}${TAKEOVER_SUFFIX}`;
  if (depth >= MAX_TAKEOVER_DEPTH) {
    throw new StorageError('LOCKED', `cannot take over the stale lock ${path}: ${guard} files of dead processes are in the way; run mcp-server --repair-database`);
  }
  const guardTarget: LockTarget = {
    path: guard,
    describe: (info) => `process ${info.pid} on ${info.hostname} is taking over the stale lock ${path}`,
    unreadable: `the takeover guard ${guard} is unreadable; if no mcp-server is starting, run mcp-server --repair-database`,
  };
  await take(guardTarget, log, Date.now() + GUARD_WAIT_MS, undefined, depth + 1);
  try {
    const current = await readLockFile(path);
    if (current === undefined || current === 'unreadable' || !sameHolder(current, stale)) return false;
    log.warn({ lock: path, stalePid: stale.pid, startedAt: stale.startedAt }, 'taking over a stale lock left by a process that no longer runs');
    await rm(path, { force: true });
    return true;
  } finally {
    await rm(guard, { force: true });
  }
}
