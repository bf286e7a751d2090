import { Writable } from 'node:stream';
import type { Logger } from '../observability/logger.js';
import { moveProtocolOffFd1, type ProtocolStdout } from './stdout-redirect.js';

let claimed: ProtocolStdout | undefined;

/**
 * Takes stdout for protocol messages: returns the only writer that reaches the client's stdout.
 * process.stdout.write (console.log) goes to the log from now on, and fd 1 itself is moved to
 * stderr where the platform allows it (`moved`; see moveProtocolOffFd1). Call it before opening
 * files; start nothing that could write to fd 1 before `moved` resolves. Idempotent.
 */
export function claimStdout(log: Logger): ProtocolStdout {
  return (claimed ??= (() => {
    const write = process.stdout.write.bind(process.stdout);
    redirectStrayStdout(log);
    return moveProtocolOffFd1(log) ?? { writable: writerVia(write), moved: Promise.resolve() };
  })());
}

function writerVia(write: typeof process.stdout.write): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      write(chunk, callback);
    },
  });
}

function redirectStrayStdout(log: Logger): void {
  process.stdout.write = ((chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    log.info({ stdout: text.replace(/\n$/, '') }, 'stdout output redirected to the log (stdout carries only MCP messages)');
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof process.stdout.write;
}
