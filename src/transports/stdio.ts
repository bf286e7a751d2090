import { INVALID_REQUEST, type McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { pipeline, Writable } from 'node:stream';
import type { Logger } from '../observability/logger.js';
import { createLiveMcpServer } from '../server/build-server.js';
import { gapAnswers } from '../server/answer-gap.js';
import { CallLane } from '../server/call-lane.js';
import type { Runtime } from '../server/runtime.js';
import { JsonLinesTransport } from './json-lines-transport.js';
import { limitRequests } from './limited-transport.js';
import { followListens } from './listened-resources.js';
import { MessageSizeGuard, type OversizedMessage } from './message-size-guard.js';
import { RequestLimit } from './request-limit.js';
import { moveProtocolOffFd1, type ProtocolStdout } from './stdout-redirect.js';

export interface StdioHandle {
  close(): Promise<void>;
}

/**
 * Serves MCP over stdin/stdout, both protocol generations (the opening exchange pins each
 * connection's era). A message over transport.stdio.maxMessageBytes is refused on its own (the
 * session goes on). When the transport closes by itself, for whatever reason (stdin closed, stdout
 * gone), `onEnd` gets the reason, so the server shuts down gracefully instead of just exiting.
 */
export async function serveOverStdio(runtime: Runtime, onEnd: (reason: string) => void): Promise<StdioHandle> {
  const { log } = runtime;
  const out = claimStdout(log).writable;
  let failure: string | undefined;
  let stdinEnded = false;
  process.stdin.once('end', () => (stdinEnded = true));
  process.stdin.once('error', (error) => (failure ??= `stdin failed: ${error.message}`));
  out.once('error', (error) => (failure ??= `stdout failed: ${error.message}`));

  const maxMessageBytes = () => runtime.config.transport.stdio.maxMessageBytes;
  const input = new MessageSizeGuard(maxMessageBytes, (message) => refuse(message));
  pipeline(process.stdin, input, () => undefined); // errors reach the transport through `input`
  // requests read before stdin ends are still answered, for as long as a shutdown lets calls finish
  const wire = new JsonLinesTransport(input, out, () => runtime.config.transport.shutdownTimeoutSeconds * 1000);
  // A socket copy of stdout sees the client close its end and closes without an error, which the
  // SDK's transport (it watches for errors only) would never notice: end the transport here.
  out.once('close', () => {
    failure ??= 'stdout closed by the client';
    wire.close().catch(() => undefined);
  });
  const { maxConcurrentRequests } = runtime.config.transport;
  const limit = maxConcurrentRequests > 0 ? new RequestLimit(maxConcurrentRequests) : undefined;
  if (limit) runtime.metrics.countInFlight(() => limit.size);
  const transport = limit ? limitRequests(wire, limit, (request) => log.warn({ id: request.id, method: request.method }, 'request refused: transport.maxConcurrentRequests reached')) : wire;
  gapAnswers(transport); // the lane's answers and the SDK's both pass here
  let session: McpServer | undefined;
  const handle = serveStdio(
    ({ era }) => {
      const server = createLiveMcpServer(runtime, era);
      session = era === 'legacy' ? server : undefined;
      return server;
    },
    { transport, onerror: (error) => log.warn({ err: error }, 'stdio protocol error') },
  );
  const lane = new CallLane({
    runtime,
    transport: 'stdio',
    session: () => (session?.isConnected() && session.server.getClientVersion() !== undefined ? session : undefined),
    // past the SDK's stdio entry, whose send checks each answer against two schemas to track what it delivered
    send: (message) => transport.send(message),
    pass: (message) => wire.deliver(message),
    limit,
  });
  const serve = untilReady(runtime, (message) => {
    if (!lane.take(message)) wire.deliver(message);
  });
  wire.intercept = (message) => {
    serve(message);
    return true;
  };
  followListens(transport, runtime.upstreams.follow);

  const sessions = runtime.metrics.activeSessions.labels({ transport: 'stdio' });
  sessions.set(1);
  let closing = false;
  const onclose = wire.onclose;
  wire.onclose = () => {
    lane.closeAll();
    onclose?.();
    sessions.set(0);
    if (closing) return;
    const reason = failure ?? (stdinEnded ? 'stdin closed' : 'the stdio transport closed');
    if (failure || !stdinEnded) log.warn({ reason }, 'stdio transport closed');
    onEnd(reason);
  };

  function refuse({ bytes, id, method }: OversizedMessage): void {
    const limit = maxMessageBytes();
    const detail = { bytes, maxMessageBytes: limit, ...(id !== undefined ? { id } : {}), ...(method ? { method } : {}) };
    if (id === undefined || method === undefined) {
      const what = id === undefined ? 'no request id could be read, so no error was sent' : 'a response, dropped';
      return log.warn(detail, `refused a message over transport.stdio.maxMessageBytes: ${what}`);
    }
    log.warn(detail, 'refused a request over transport.stdio.maxMessageBytes; answered with an error');
    const message = `Request too large: ${bytes} bytes, over the limit of ${limit} bytes (transport.stdio.maxMessageBytes)`;
    wire.send({ jsonrpc: '2.0', id, error: { code: INVALID_REQUEST, message } }).catch((error: unknown) => log.warn({ err: error }, 'could not answer an oversized request'));
  }

  return {
    close: () => {
      closing = true;
      return handle.close();
    },
  };
}

/**
 * `serve` gets every message once the server is ready. Before that, the first message goes through
 * if it is `initialize` (which needs neither storage nor modules: its server gets its definitions the
 * moment they are loaded); everything else waits, in order, and is served when the server is ready.
 */
function untilReady(runtime: Runtime, serve: (message: unknown) => void): (message: unknown) => void {
  const { readiness } = runtime;
  if (readiness.isReady) return serve;
  const held: unknown[] = [];
  let opened = false;
  void readiness.ready.then(() => {
    for (const message of held.splice(0)) serve(message);
  });
  return (message) => {
    const early = !opened && (message as { method?: unknown } | null)?.method === 'initialize';
    if ((readiness.isReady || early) && held.length === 0) {
      opened = true;
      return serve(message);
    }
    held.push(message);
  };
}

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
