import { parseJSONRPCMessage, type McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { createLiveMcpServer } from '../server/build-server.js';
import { gapAnswers } from '../server/answer-gap.js';
import { CallLane } from '../server/call-lane.js';
import { countAnsweredAhead } from '../server/request-metrics.js';
import type { Runtime } from '../server/runtime.js';
import { limitRequests } from './limited-transport.js';
import { followListens } from './listened-resources.js';
import { RequestLimit } from './request-limit.js';
import { StdioOpening } from './stdio-opening.js';

export interface StdioHandle {
  close(): Promise<void>;
}

/**
 * Serves MCP over stdin/stdout, both protocol generations (the opening exchange pins each
 * connection's era), on a connection opened earlier (StdioOpening: it may have answered
 * `initialize` already) or now. When the transport closes by itself, for whatever reason (stdin
 * closed, stdout gone), `onEnd` gets the reason, so the server shuts down gracefully instead of just
 * exiting.
 */
export async function serveOverStdio(runtime: Runtime, onEnd: (reason: string) => void, opening?: StdioOpening): Promise<StdioHandle> {
  const { log } = runtime;
  const connection = opening ?? new StdioOpening(() => runtime.config, log, runtime.version);
  connection.follow(() => runtime.config);
  const { wire } = connection;
  wire.check = parseJSONRPCMessage;
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
    const { failure, stdinEnded } = connection;
    const reason = failure ?? (stdinEnded ? 'stdin closed' : 'the stdio transport closed');
    if (failure || !stdinEnded) log.warn({ reason }, 'stdio transport closed');
    onEnd(reason);
  };
  if (connection.answeredInitialize) countAnsweredAhead(runtime.metrics, 'initialize', 'stdio');
  connection.handOver(
    untilReady(runtime, connection.answeredInitialize, (message) => {
      if (!lane.take(message)) wire.deliver(message);
    }),
  );

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
 * moment they are loaded) and the connection is not `opened` yet (an `initialize` answered ahead
 * opened it); everything else waits, in order, and is served when the server is ready.
 */
function untilReady(runtime: Runtime, opened: boolean, serve: (message: unknown) => void): (message: unknown) => void {
  const { readiness } = runtime;
  if (readiness.isReady) return serve;
  const held: unknown[] = [];
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
