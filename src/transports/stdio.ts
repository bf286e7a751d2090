import { Writable } from 'node:stream';
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { Logger } from '../observability/logger.js';
import { createMcpServer } from '../server/build-server.js';
import type { Runtime } from '../server/runtime.js';

export interface StdioHandle {
  close(): Promise<void>;
}

/**
 * Serves MCP over stdin/stdout, both protocol generations (the opening exchange pins each
 * connection's era). stdout carries protocol messages only: the transport gets a private writer
 * to fd 1, and anything else written to process.stdout (a module's console.log) goes to the log.
 */
export function serveOverStdio(runtime: Runtime, onClientGone: () => void): StdioHandle {
  const protocolOut = privateStdout();
  redirectStrayStdout(runtime.log);
  const transport = new StdioServerTransport(process.stdin, protocolOut);
  const handle = serveStdio(() => createMcpServer(runtime), {
    transport,
    onerror: (error) => runtime.log.warn({ err: error }, 'stdio protocol error'),
  });
  process.stdin.once('end', onClientGone);
  process.stdin.once('close', onClientGone);
  return handle;
}

function privateStdout(): Writable {
  const write = process.stdout.write.bind(process.stdout);
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
