// The only file that uses @modelcontextprotocol/server-legacy: the frozen 2024-11-05 HTTP+SSE
// transport needs Node's req/res, which @hono/node-server exposes as c.env.incoming/outgoing.
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { SSEServerTransport } from '@modelcontextprotocol/server-legacy/sse';
import type { Context, Hono } from 'hono';
import type { ServerResponse } from 'node:http';
import type { Metrics } from '../../observability/metrics.js';
import { createLiveMcpServer } from '../../server/build-server.js';
import type { Runtime } from '../../server/runtime.js';
import { limitRequests } from '../limited-transport.js';
import type { RequestLimit } from '../request-limit.js';
import type { Inflight } from './inflight.js';
import { idOf, isJsonRpcShaped } from './json-rpc-message.js';
import { INVALID_REQUEST, jsonRpcError, PARSE_ERROR, SESSION_NOT_FOUND } from './json-rpc-error.js';
import { sessionIdMinter } from './session-id.js';
import { sessionRefusal } from './session-refusal.js';
import { SessionRegistry } from './session-registry.js';
import { UNREAD_OVERFLOW, unreadOverflow, type OnUnreadOverflow } from './unread-limit.js';
import type { AppEnv } from './types.js';

const KEEPALIVE_MS = 15_000;

interface SseSession {
  transport: SSEServerTransport;
  owner: string | undefined;
  close(): Promise<void>;
}

export interface SseEndpoint {
  sessionCount(): number;
  /** The open SSE connections. */
  readonly sessions: SessionRegistry<{ owner: string | undefined; close(): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * Legacy HTTP+SSE: GET /sse opens a stream whose first event announces
 * `<publicBasePath>/messages?sessionId=...`; the client POSTs each message there and reads the
 * answers from the stream. Calls still running count as in flight for a graceful shutdown.
 */
export function mountSse(app: Hono<AppEnv>, runtime: Runtime, metrics: Metrics, inflight: Inflight, limit?: RequestLimit): SseEndpoint {
  const { transport: config } = runtime.config;
  const messagesPath = `${config.publicBasePath}/messages`;
  const newSessionId = sessionIdMinter(config.replicaId);
  const sessions = new SessionRegistry<SseSession>({
    max: config.sessions.max,
    maxPerCaller: config.sessions.maxPerCaller,
    idleTimeoutMs: config.sessions.idleTimeoutSeconds * 1000,
    onCountChange: (count) => metrics.activeSessions.set({ transport: 'sse' }, count),
    onReaped: (id) => runtime.log.info({ session: id }, 'idle SSE session closed'),
  });

  app.get('/sse', async (c) => {
    const caller = c.get('clientId');
    const room = await sessions.room(caller);
    if (room !== 'ok') return sessionRefusal(room, sessions.maxPerCaller, metrics);
    const res = c.env.outgoing;
    const transport = new SSEServerTransport(messagesPath, res);
    const id = adoptSessionId(transport, newSessionId());
    const pending = trackCalls(transport, sessions, id, inflight);
    const { maxUnreadStreamBytes } = runtime.config.transport; // read per stream: a reload applies to new ones
    closeWhenUnread(transport, res, maxUnreadStreamBytes, (unreadBytes) => runtime.log.warn({ session: id, unreadBytes, maxUnreadStreamBytes }, `closed an SSE stream: ${UNREAD_OVERFLOW}`));
    const server = createLiveMcpServer(runtime, 'legacy', 'sse');
    const keepAlive = setInterval(() => res.writable && res.write(': keep-alive\n\n'), KEEPALIVE_MS);
    keepAlive.unref();
    transport.onclose = () => {
      clearInterval(keepAlive);
      sessions.remove(id);
      pending.abandon();
      void server.close().catch(() => undefined);
    };
    sessions.add(id, { transport, owner: c.get('authInfo')?.clientId, close: () => transport.close() }, caller);
    res.once('close', () => void transport.close().catch(() => undefined));
    await server.connect(limit ? limitRequests(transport, limit, () => metrics.rejected.inc({ reason: 'concurrency_limit' })) : transport);
    closeOnce(transport);
    return RESPONSE_ALREADY_SENT;
  });

  app.post('/messages', async (c) => {
    const id = c.req.query('sessionId') ?? '';
    const session = sessions.get(id);
    const authInfo = c.get('authInfo');
    if (!session || session.owner !== authInfo?.clientId) return jsonRpcError(404, SESSION_NOT_FOUND, 'Session not found');
    const message = await readMessage(c);
    if (message instanceof Response) return message;
    try {
      await session.transport.handleMessage(message, authInfo ? { authInfo } : undefined);
    } catch {
      // The transport's own schema check refused it (an unknown top-level key, a wrong type).
      return jsonRpcError(400, INVALID_REQUEST, 'Invalid Request: not a valid JSON-RPC 2.0 message', {}, idOf(message));
    }
    return c.text('Accepted', 202);
  });

  return {
    sessionCount: () => sessions.size,
    sessions,
    close: () => sessions.closeAll(),
  };
}

/**
 * The SDK's SSE transport mints its own UUID in a private field, read when the stream starts; ours
 * carries the replica id. Fails loudly should a new SDK version store it elsewhere.
 */
function adoptSessionId(transport: SSEServerTransport, id: string): string {
  Reflect.set(transport, '_sessionId', id);
  if (transport.sessionId !== id) throw new Error('cannot set the legacy SSE session id (SDK internals changed)');
  return id;
}

async function readMessage(c: Context<AppEnv>): Promise<JSONRPCMessage | Response> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return jsonRpcError(400, PARSE_ERROR, 'Parse error: the request body is not valid JSON');
  }
  return isJsonRpcShaped(body, false) ? (body as JSONRPCMessage) : jsonRpcError(400, INVALID_REQUEST, 'Invalid Request: not a JSON-RPC 2.0 message');
}

/**
 * Requests answered on the stream rather than in the POST's response: each counts as in flight
 * (and keeps its session from being reaped) from the POST until its response is sent.
 */
function trackCalls(transport: SSEServerTransport, sessions: SessionRegistry<SseSession>, id: string, inflight: Inflight) {
  const open = new Map<string | number, Array<() => void>>();
  const handle = transport.handleMessage.bind(transport);
  transport.handleMessage = async (message, extra) => {
    const m = message as { id?: string | number; method?: string };
    const tracked = m.id !== undefined && typeof m.method === 'string';
    if (tracked) open.set(m.id!, [inflight.begin(), sessions.begin(id)]);
    try {
      return await handle(message, extra);
    } catch (error) {
      if (tracked) finish(m.id!);
      throw error;
    }
  };
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    try {
      await send(message, options);
    } finally {
      const m = message as { id?: string | number; method?: string };
      if (m.id !== undefined && m.method === undefined) finish(m.id);
    }
  };
  const finish = (requestId: string | number) => {
    for (const end of open.get(requestId) ?? []) end();
    open.delete(requestId);
  };
  return { abandon: () => [...open.keys()].forEach(finish) };
}

/** The transport writes every message to the response at once: past the limit, it closes the stream instead. */
function closeWhenUnread(transport: SSEServerTransport, res: ServerResponse, maxBytes: number, onOverflow: OnUnreadOverflow): void {
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    if (unreadOverflow(res, maxBytes, onOverflow)) throw new Error(UNREAD_OVERFLOW);
    return send(message, options);
  };
}

/**
 * The legacy transport fires `onclose` from its response's 'close' event and again from close(),
 * and the server's close() calls the transport's close(): without a guard one disconnect recurses
 * until the stack overflows. Call after connect (the server wraps onclose there).
 */
function closeOnce(transport: SSEServerTransport): void {
  const onclose = transport.onclose;
  const close = transport.close.bind(transport);
  let closed = false;
  transport.onclose = () => {
    if (closed) return;
    closed = true;
    onclose?.();
  };
  let closing: Promise<void> | undefined;
  transport.close = () => (closing ??= close());
}
