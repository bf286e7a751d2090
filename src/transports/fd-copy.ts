import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, createWriteStream, fstatSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { isatty, WriteStream } from 'node:tty';

/** A second descriptor onto what an fd referred to when it was copied. */
export interface FdCopy {
  /** A stream writing to the copy. */
  writable(): Writable;
  /** Leaves the copy's file blocking, as programs that inherit it as their stdout expect. */
  makeBlocking(): void;
  /** Closes the copy (never call it for one that must stay, like a copy placed at fd 1). */
  close(): void;
}

const HELPER_TIMEOUT_MS = 10_000;
const REOPEN_PATHS = ['/proc/self/fd', '/dev/fd'];

/**
 * Copies file descriptors without native code. Files, pipes and terminals are reopened through
 * /proc/self/fd/N (a new descriptor for the same pipe or file); sockets cannot be reopened that way
 * (ENXIO), and a Node parent gives its children sockets for piped stdio, so those are copied by a
 * short-lived helper process that inherits the fds and sends them back over its IPC channel
 * (SCM_RIGHTS). Either way the new fd is the lowest free number, which is what lets a caller place a
 * copy at a number it has just closed.
 */
export class FdCopier {
  private readonly helper: ChildProcess | undefined;

  /**
   * `fds`: every fd this copier will be asked for. The helper (needed for sockets) starts now: its
   * IPC channel takes descriptors too, and started after the caller closed a low fd it would take
   * that number itself (and hand its own channel to the helper, which would then never exit).
   */
  constructor(fds: readonly number[]) {
    this.helper = fds.some((fd) => fstatSync(fd).isSocket()) ? startHelper() : undefined;
  }

  async copy(fd: number): Promise<FdCopy> {
    if (!fstatSync(fd).isSocket()) {
      const reopened = reopen(fd);
      if (reopened !== undefined) return reopenedCopy(reopened);
    }
    return socketCopy(await this.receive(fd));
  }

  /** Lets the helper process (if one was started) exit. */
  close(): void {
    if (this.helper?.connected) this.helper.disconnect();
  }

  private receive(fd: number): Promise<Socket> {
    const { helper } = this;
    if (!helper?.connected) return Promise.reject(new Error(`fd ${fd} cannot be reopened, and no fd copy helper is running`));
    return new Promise<Socket>((resolve, reject) => {
      const done = (error?: Error, socket?: Socket) => {
        clearTimeout(timer);
        helper.off('message', onMessage);
        helper.off('exit', onExit);
        if (socket) resolve(socket);
        else reject(error ?? new Error(`fd ${fd} was not copied`));
      };
      const onMessage = (message: { fd?: number; error?: string }, handle: unknown) => {
        if (message.fd !== fd) return;
        done(message.error ? new Error(message.error) : undefined, handle instanceof Socket ? handle : undefined);
      };
      const onExit = (code: number | null) => done(new Error(`the fd copy helper exited (${code}) before sending fd ${fd}`));
      const timer = setTimeout(() => done(new Error(`the fd copy helper did not send fd ${fd} in ${HELPER_TIMEOUT_MS / 1000} s`)), HELPER_TIMEOUT_MS);
      helper.on('message', onMessage);
      helper.once('exit', onExit);
      helper.send({ fd });
    });
  }
}

/** The helper wraps the fd it inherited in a socket and sends it; Node passes the descriptor along. */
const HELPER_SOURCE = `
const net = require('node:net');
setTimeout(() => process.exit(0), 60000).unref(); // never outlive its purpose, whatever happens to the parent
process.on('message', ({ fd }) => {
  try {
    process.send({ fd }, new net.Socket({ fd, readable: false, writable: false }));
  } catch (error) {
    process.send({ fd, error: String(error && error.message || error) });
  }
});`;

function startHelper(): ChildProcess {
  const env = { ...process.env };
  // nothing the parent was started with needs to load in the helper, nor the CA certificates Node
  // reads and parses at start when NODE_EXTRA_CA_CERTS is set (tens of ms of CPU, taken from the
  // server's own start on a machine with few cores): the helper makes no TLS connection
  delete env.NODE_OPTIONS;
  delete env.NODE_EXTRA_CA_CERTS;
  const helper = spawn(process.execPath, ['-e', HELPER_SOURCE], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env, windowsHide: true });
  helper.on('error', () => undefined); // a failed spawn surfaces as 'exit' to the pending request
  // neither keeps this process alive (a pending copy has its own timer): a helper started ahead of
  // time for a process that then does not serve (a config error) must not hold it open
  helper.unref();
  helper.channel?.unref();
  return helper;
}

function reopen(fd: number): number | undefined {
  for (const dir of REOPEN_PATHS) {
    try {
      return openSync(`${dir}/${fd}`, constants.O_WRONLY | constants.O_APPEND);
    } catch {
      // not available here, or not reopenable (a socket): try the next way
    }
  }
  return undefined;
}

/**
 * A stream writing to `fd`, of the kind Node makes for stdout on that file. Destroying it never
 * closes fds 0-2 (libuv leaves stdio descriptors open), but does release a socket's or pipe's hold
 * on the event loop, which must happen before such an fd is closed and its number reused.
 */
export function writerOnFd(fd: number): Writable {
  if (isatty(fd)) return new WriteStream(fd);
  const stat = fstatSync(fd);
  if (stat.isFIFO() || stat.isSocket()) return new Socket({ fd, readable: false, writable: true });
  return createWriteStream('', { fd, autoClose: false });
}

function reopenedCopy(fd: number): FdCopy {
  return {
    writable: () => writerOnFd(fd),
    makeBlocking: () => undefined, // a reopened file starts blocking
    close: () => closeSync(fd),
  };
}

function socketCopy(socket: Socket): FdCopy {
  // Node starts reading a received socket; nothing is read from a stdout or stderr copy.
  socket.pause();
  socket.unref();
  socket.on('error', () => undefined);
  return {
    writable: () => socket,
    // Node made it non-blocking on receipt; the flag belongs to the file, which the original fd shares.
    makeBlocking: () => void (socket as unknown as { _handle?: { setBlocking?(blocking: boolean): number } })._handle?.setBlocking?.(true),
    close: () => socket.destroy(),
  };
}
