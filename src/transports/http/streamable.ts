import { createMcpHandler, isInitializeRequest, isLegacyRequest, legacyStatelessFallback, WebStandardStreamableHTTPServerTransport, type AuthInfo, type McpServer } from '@modelcontextprotocol/server';
import type { Metrics } from '../../observability/metrics.js';
import { createLiveMcpServer, createMcpServer } from '../../server/build-server.js';
import { MAX_BODY_LIMIT_BYTES } from '../../config/schema.js';
import type { Runtime } from '../../server/runtime.js';
import { BoundedEventStore } from './event-store.js';
import { idOf, isJsonRpcShaped } from './json-rpc-message.js';
import { INVALID_REQUEST, jsonRpcError, PARSE_ERROR, SERVER_ERROR, SESSION_NOT_FOUND } from './json-rpc-error.js';
import { sessionIdMinter } from './session-id.js';
import { sessionRefusal } from './session-refusal.js';
import { SessionRegistry } from './session-registry.js';
import { limitUnread, UNREAD_OVERFLOW } from './unread-limit.js';

/** Reconnect delay suggested to clients in SSE `retry:` fields (after a dropped stream). */
const RETRY_MS = 1000;

export interface StreamableRequest {
  request: Request;
  authInfo?: AuthInfo;
  /** Who the request counts against for per-caller limits: the key label, or the client address. */
  caller: string;
  /** Registers a callback for when the HTTP response has been fully written or aborted. */
  onResponseDone(callback: () => void): void;
}

export interface StreamableEndpoint {
  handle(input: StreamableRequest): Promise<Response>;
  sessionCount(): number;
  /** The 2025 sessions (stateful mode). */
  readonly sessions: SessionRegistry<{ owner: string | undefined; close(): Promise<void> }>;
  close(): Promise<void>;
}

interface LegacySession {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  owner: string | undefined;
  close(): Promise<void>;
}

/**
 * The Streamable HTTP endpoint for both protocol generations. 2026-07-28 requests go to the SDK's
 * strict per-request handler; 2025-era requests (initialize, Mcp-Session-Id, GET streams, DELETE)
 * go to sessionful transports with a bounded event store, or to the SDK's stateless fallback.
 */
export function createStreamableEndpoint(runtime: Runtime, metrics: Metrics): StreamableEndpoint {
  const { transport: config } = runtime.config;
  // The body-limit middleware enforces transport.bodyLimitBytes (live); the SDK's own bound is the ceiling.
  const maxRequestBodySize = MAX_BODY_LIMIT_BYTES;
  const onerror = (error: Error) => runtime.log.debug({ err: error }, 'streamable HTTP request error');
  // 2026 subscriptions/listen streams follow the runtime's event bus (2025 sessions are live servers: runtime.live reaches them)
  const modern = createMcpHandler(() => createMcpServer(runtime), { legacy: 'reject', maxRequestBodySize, onerror, bus: runtime.events });
  const stateless = config.sessions.mode === 'stateless' ? legacyStatelessFallback(() => createMcpServer(runtime), onerror, { maxRequestBodySize }) : undefined;
  const events = new BoundedEventStore(config.eventStore);
  const newSessionId = sessionIdMinter(config.replicaId);
  const sessions = new SessionRegistry<LegacySession>({
    max: config.sessions.max,
    maxPerCaller: config.sessions.maxPerCaller,
    idleTimeoutMs: config.sessions.idleTimeoutSeconds * 1000,
    onCountChange: (count) => metrics.activeSessions.set({ transport: 'http-stream' }, count),
    onReaped: (id) => runtime.log.info({ session: id }, 'idle session closed'),
  });

  async function openSession(input: StreamableRequest, body: unknown): Promise<Response> {
    const room = await sessions.room(input.caller);
    if (room !== 'ok') return sessionRefusal(room, sessions.maxPerCaller, metrics);
    const eventStore = events.view();
    const server = createLiveMcpServer(runtime);
    let session: LegacySession | undefined;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: newSessionId,
      eventStore,
      retryInterval: RETRY_MS,
      maxRequestBodySize,
      onsessioninitialized: (id) => {
        session = { transport, server, owner: input.authInfo?.clientId, close: () => transport.close() };
        sessions.add(id, session, input.caller);
      },
      onsessionclosed: (id) => sessions.remove(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.remove(transport.sessionId);
      eventStore.dispose();
      void server.close().catch(() => undefined);
    };
    await server.connect(transport);
    return transport.handleRequest(input.request, { parsedBody: body, ...(input.authInfo ? { authInfo: input.authInfo } : {}) });
  }

  async function handleLegacy(input: StreamableRequest): Promise<Response> {
    if (stateless) return stateless(input.request, input.authInfo ? { authInfo: input.authInfo } : {});
    const { request } = input;
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId) {
      const session = sessions.get(sessionId);
      // A session is only reachable with the key that opened it.
      if (!session || session.owner !== input.authInfo?.clientId) return jsonRpcError(404, SESSION_NOT_FOUND, 'Session not found');
      if (request.method === 'POST') input.onResponseDone(sessions.begin(sessionId));
      return session.transport.handleRequest(request, input.authInfo ? { authInfo: input.authInfo } : {});
    }
    if (request.method !== 'POST') return jsonRpcError(400, SERVER_ERROR, 'Bad Request: Mcp-Session-Id header is required');
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return jsonRpcError(400, PARSE_ERROR, 'Parse error: the request body is not valid JSON');
    }
    if (isInitializeRequest(body)) return openSession(input, body);
    if (!isJsonRpcShaped(body)) return jsonRpcError(400, INVALID_REQUEST, 'Invalid Request: not a JSON-RPC 2.0 message');
    return jsonRpcError(400, SERVER_ERROR, 'Bad Request: Mcp-Session-Id header is required (send initialize first)', {}, idOf(body));
  }

  /** An SSE answer whose client stops reading is closed once too much waits for it (see limitUnread). */
  function boundUnread(response: Response): Response {
    if (!response.body || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return response;
    const session = response.headers.get('mcp-session-id') ?? undefined;
    const { maxUnreadStreamBytes } = runtime.config.transport; // read per stream: a reload applies to new ones
    const body = limitUnread(response.body, maxUnreadStreamBytes, (unreadBytes) => runtime.log.warn({ session, unreadBytes, maxUnreadStreamBytes }, `closed an SSE stream: ${UNREAD_OVERFLOW}`));
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  return {
    async handle(input) {
      if (await isLegacyRequest(input.request, undefined, { maxRequestBodySize })) return boundUnread(await handleLegacy(input));
      return boundUnread(await modern.fetch(input.request, input.authInfo ? { authInfo: input.authInfo } : {}));
    },
    sessionCount: () => sessions.size,
    sessions,
    async close() {
      await sessions.closeAll();
      await modern.close();
    },
  };
}
