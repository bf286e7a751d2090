import { Writable } from 'node:stream';
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { Logger } from '../observability/logger.js';
import { createLiveMcpServer } from '../server/build-server.js';
import type { Runtime } from '../server/runtime.js';
import { limitRequests } from './limited-transport.js';
import { RequestLimit } from './request-limit.js';

export interface StdioHandle {
  close(): Promise<void>;
}

/**
 * Serves MCP over stdin/stdout, both protocol generations (the opening exchange pins each
 * connection's era). stdout carries protocol messages only: the transport gets a private writer
 * to fd 1, and anything else written to process.stdout (a module's console.log) goes to the log.
 */
export function serveOverStdio(runtime: Runtime, onClientGone: () => void): StdioHandle {
  const wire = new StdioServerTransport(process.stdin, claimStdout(runtime.log));
  const { maxConcurrentRequests } = runtime.config.transport;
  const limit = maxConcurrentRequests > 0 ? new RequestLimit(maxConcurrentRequests) : undefined;
  if (limit) runtime.metrics.countInFlight(() => limit.size);
  const transport = limit
    ? limitRequests(wire, limit, (request) => runtime.log.warn({ id: request.id, method: request.method }, 'request refused: transport.maxConcurrentRequests reached'))
    : wire;
  const handle = serveStdio(({ era }) => createLiveMcpServer(runtime, era), {
    transport,
    onerror: (error) => runtime.log.warn({ err: error }, 'stdio protocol error'),
  });
  const sessions = runtime.metrics.activeSessions.labels({ transport: 'stdio' });
  sessions.set(1);
  const gone = () => {
    sessions.set(0);
    onClientGone();
  };
  process.stdin.once('end', gone);
  process.stdin.once('close', gone);
  return handle;
}

let protocolOut: Writable | undefined;

/**
 * Takes stdout for protocol messages: returns the only writer that reaches fd 1 and sends every other
 * write to the log. Call it before loading modules, whose top-level code may print. Idempotent.
 */
export function claimStdout(log: Logger): Writable {
  if (!protocolOut) {
    protocolOut = privateStdout();
    redirectStrayStdout(log);
  }
  return protocolOut;
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
