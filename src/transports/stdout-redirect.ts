import { closeSync, fstatSync, openSync, type Stats } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Logger } from '../observability/logger.js';
import { FdCopier, writerOnFd, type FdCopy } from './fd-copy.js';
import { HandoverWritable } from './handover-writable.js';

/** fd 1's stand-in stays open for the life of the process (a socket copy must not be collected). */
const keptOpen: FdCopy[] = [];

/** A copier started ahead of time by prepareStdoutMove (its helper boots while the server loads). */
let prepared: FdCopier | undefined;

/**
 * Starts what moveProtocolOffFd1 will need (the fd copy helper process, when stdout or stderr is a
 * socket) right away, so that its start-up overlaps the server's own instead of delaying the first
 * answer. Call it first thing in a process that will probably serve over stdio; cheap otherwise.
 */
export function prepareStdoutMove(): void {
  if (process.platform === 'win32' || prepared || !statOrUndefined(0) || !statOrUndefined(1) || !statOrUndefined(2)) return;
  try {
    prepared = new FdCopier([1, 2]);
  } catch {
    // moveProtocolOffFd1 tries again and says why
  }
}

/** The server does not serve over stdio after all: let a prepared helper go. */
export function cancelStdoutMove(): void {
  prepared?.close();
  prepared = undefined;
}

/** Where protocol messages go while fd 1 is moved off the protocol. */
export interface ProtocolStdout {
  /** Writes protocol messages to the client's stdout: through fd 1 until the move, then through the copy. */
  readonly writable: Writable;
  /** Resolves once fd 1 no longer reaches the client's stdout (or, after a warning, when that was given up). */
  readonly moved: Promise<void>;
}

/**
 * Moves the MCP protocol off fd 1, so that nothing but the protocol can reach the client's stdout:
 * the protocol gets a new fd onto the original stdout, and fd 1 becomes a copy of stderr (the log
 * stream), so `fs.writeSync(1, ...)`, a native module's printf and child processes with inherited
 * stdio all end up on stderr. Returns undefined (after a warning) when the move is not possible
 * here; the protocol then stays on fd 1.
 * The protocol's writer can be used at once: until the copy of stdout is ready (a socket's comes
 * from a helper process), messages go through fd 1, and the writer hands over to the copy between
 * two messages, nothing reordered or lost. Nothing that could write to fd 1 itself (module code,
 * child processes, native engines) may run before `moved` resolves, and nothing else may open
 * files before this is called: a closed fd 1 goes to the next descriptor opened.
 */
export function moveProtocolOffFd1(log: Logger): ProtocolStdout | undefined {
  if (process.platform === 'win32') return undefined;
  const stderr = statOrUndefined(2);
  if (!statOrUndefined(0) || !statOrUndefined(1) || !stderr) {
    log.warn('stdin, stdout or stderr is closed; the protocol stays on fd 1');
    return undefined;
  }
  const copier = prepared ?? new FdCopier([1, 2]);
  prepared = undefined;
  const writable = new HandoverWritable(() => writerOnFd(1));
  const moved = (async () => {
    let protocol: FdCopy;
    try {
      protocol = await copier.copy(1);
    } catch (error) {
      log.warn({ err: error }, 'could not open a second descriptor onto stdout; the protocol stays on fd 1, where fs.writeSync(1) and child processes with inherited stdio can reach it');
      return;
    }
    const onFd1 = await writable.handOver(protocol.writable());
    onFd1?.destroy(); // nothing of it is in flight; destroying it lets go of fd 1 without closing it
    closeSync(1);
    await placeStderrAtFd1(copier, stderr, log);
  })().finally(() => copier.close());
  return { writable, moved };
}

/** How long (and how many tries) fd 1 may take to become a copy of stderr. */
const LANDING_MS = 3000;
const LANDING_ATTEMPTS = 50;

/**
 * fd 1 is closed: the next descriptor opened anywhere in the process gets number 1 (POSIX: lowest
 * free), so copy stderr now. Another thread can open a file in between (the module loader reading
 * a file, say) and take fd 1 for a moment: then the copy lands elsewhere, is closed, and the next
 * try waits for fd 1 to be free again. fd 1 is never left free: the next descriptor opened there
 * (a database file, an event loop's epoll fd) would receive every stray write.
 */
async function placeStderrAtFd1(copier: FdCopier, stderr: Stats, log: Logger): Promise<void> {
  const deadline = Date.now() + LANDING_MS;
  for (let attempt = 0; attempt < LANDING_ATTEMPTS && (await fd1Free(deadline)); attempt++) {
    let copy: FdCopy;
    try {
      copy = await copier.copy(2);
    } catch (error) {
      log.warn({ err: error }, 'could not copy stderr');
      break;
    }
    const atFd1 = statOrUndefined(1);
    if (atFd1 && sameFile(atFd1, stderr)) {
      copy.makeBlocking();
      keptOpen.push(copy);
      return;
    }
    copy.close();
  }
  if (statOrUndefined(1)) return log.error('fd 1 is held by another descriptor that did not let go; stray writes to fd 1 reach it');
  const fd = openSync('/dev/null', 'w');
  if (fd === 1) log.warn('stderr could not be copied to fd 1; output written to fd 1 (fs.writeSync(1), inherited child stdio) is discarded');
  else log.error({ fd }, '/dev/null did not land at fd 1');
}

/** Waits (until `deadline`) for fd 1 to be free; whether it is. */
async function fd1Free(deadline: number): Promise<boolean> {
  while (statOrUndefined(1)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return true;
}

function statOrUndefined(fd: number): Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}

const sameFile = (a: Stats, b: Stats) => a.dev === b.dev && a.ino === b.ino;
