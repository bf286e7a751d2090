import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  classifyInboundRequest,
  createMcpHandler,
  isInitializeRequest,
  isJSONRPCRequest,
  PROTOCOL_VERSION_META_KEY,
  legacyStatelessFallback,
  type AuthInfo,
  type JSONRPCMessage,
} from '@modelcontextprotocol/server';
import type { Metrics } from '../../observability/metrics.js';
import { createMcpServer } from '../../server/build-server.js';
import { LazySessionServer } from './lazy-session-server.js';
import { CallLane } from '../../server/call-lane.js';
import { MAX_BODY_LIMIT_BYTES } from '../../config/schema.js';
import type { Runtime } from '../../server/runtime.js';
import { listenedUris } from '../listened-resources.js';
import { holdsSlot, type RequestLimit } from '../request-limit.js';
import { BoundedEventStore } from './event-store.js';
import { idOf, isJsonRpcShaped } from './json-rpc-message.js';
import { INVALID_REQUEST, PARSE_ERROR, SERVER_ERROR, SESSION_NOT_FOUND, sendJsonRpcError } from './json-rpc-error.js';
import { ModernCalls } from './modern-calls.js';
import { NOT_JSON, parseBody, readBody } from './request-body.js';
import { bodyTooLarge } from './middleware/body-limit.js';
import { sessionIdMinter } from './session-id.js';
import { sessionRefusal } from './session-refusal.js';
import { SessionRegistry } from './session-registry.js';
import { SessionTransport } from './session-transport.js';
import { UNREAD_OVERFLOW, type OnUnreadOverflow } from './unread-limit.js';
import { sendWebResponse, webRequestOf } from './web-exchange.js';

/** Reconnect delay suggested to clients in SSE `retry:` fields (after a dropped stream). */
const RETRY_MS = 1000;

/** One HTTP request to the endpoint, on Node's request and response (answered there directly). */
export interface StreamableExchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** The route it came in on (one of transport.endpoint). */
  path: string;
  authInfo?: AuthInfo;
  /** Who the request counts against for per-caller limits: the key label, or the client address. */
  caller: string;
}

export interface StreamableEndpoint {
  /** Serves one request; resolves once its response has started (a stream goes on after that). */
  handle(exchange: StreamableExchange): Promise<void>;
  sessionCount(): number;
  /** The 2025 sessions (stateful mode). */
  readonly sessions: SessionRegistry<{ owner: string | undefined; close(): Promise<void> }>;
  close(): Promise<void>;
}

interface LegacySession {
  transport: SessionTransport;
  owner: string | undefined;
  close(): Promise<void>;
}

/**
 * The Streamable HTTP endpoint for both protocol generations, on Node's request and response. Each
 * POST body is read and parsed once, and that parse serves the era decision, the concurrency limit
 * and the SDK. 2026-07-28 requests go to the SDK's strict per-request handler; 2025-era requests
 * (initialize, Mcp-Session-Id, GET streams, DELETE) to sessions with a bounded event store, or to
 * the SDK's stateless fallback.
 */
export function createStreamableEndpoint(runtime: Runtime, metrics: Metrics, limit?: RequestLimit): StreamableEndpoint {
  const { transport: config } = runtime.config;
  // transport.bodyLimitBytes (live) is enforced where the body is read; the SDK's own bound is the ceiling.
  const maxRequestBodySize = MAX_BODY_LIMIT_BYTES;
  const onerror = (error: Error) => runtime.log.debug({ err: error }, 'streamable HTTP request error');
  // 2026 subscriptions/listen streams follow the runtime's event bus (2025 sessions are live servers: runtime.live reaches them)
  const modern = createMcpHandler(() => createMcpServer(runtime), { legacy: 'reject', maxRequestBodySize, onerror, bus: runtime.events });
  const stateless = config.sessions.mode === 'stateless' ? legacyStatelessFallback(() => createMcpServer(runtime), onerror, { maxRequestBodySize }) : undefined;
  const modernCalls = new ModernCalls(runtime, {
    get maxUnreadBytes() {
      return runtime.config.transport.maxUnreadStreamBytes;
    },
    onOverflow: (unreadBytes) => streamBound(undefined).onOverflow(unreadBytes),
  });
  const events = new BoundedEventStore(config.eventStore);
  const newSessionId = sessionIdMinter(config.replicaId);
  const sessions = new SessionRegistry<LegacySession>({
    max: config.sessions.max,
    maxPerCaller: config.sessions.maxPerCaller,
    idleTimeoutMs: config.sessions.idleTimeoutSeconds * 1000,
    onCountChange: (count) => metrics.activeSessions.set({ transport: 'http-stream' }, count),
    onReaped: (id) => runtime.log.info({ session: id }, 'idle session closed'),
  });

  /** An SSE stream whose client stops reading is closed once too much waits for it (read per stream: a reload applies to new ones). */
  const streamBound = (session: string | undefined) => {
    const { maxUnreadStreamBytes } = runtime.config.transport;
    const onOverflow: OnUnreadOverflow = (unreadBytes) => runtime.log.warn({ session, unreadBytes, maxUnreadStreamBytes }, `closed an SSE stream: ${UNREAD_OVERFLOW}`);
    return { maxUnreadBytes: maxUnreadStreamBytes, onOverflow };
  };

  async function openSession({ req, res, authInfo, caller }: StreamableExchange, body: unknown): Promise<void> {
    const room = await sessions.room(caller);
    if (room !== 'ok') return sendWebResponse(res, sessionRefusal(room, sessions.maxPerCaller, metrics), streamBound(undefined));
    const eventStore = events.view();
    let sessionId: string | undefined;
    const transport: SessionTransport = new SessionTransport({
      newSessionId,
      events: eventStore,
      retryMs: RETRY_MS,
      sse: {
        get maxUnreadBytes() {
          return runtime.config.transport.maxUnreadStreamBytes;
        },
        onOverflow: (unreadBytes) => streamBound(sessionId).onOverflow(unreadBytes),
      },
      onsessioninitialized: (id) => {
        sessionId = id;
        sessions.add(id, { transport, owner: authInfo?.clientId, close: () => transport.close() }, caller);
      },
      onsessionclosed: (id) => id !== undefined && sessions.remove(id),
    });
    // the SDK server is built on the session's first request (an idle session costs its transport only)
    const server = new LazySessionServer(runtime, transport);
    const lane = new CallLane({
      runtime,
      transport: 'http-stream',
      session: () => {
        const built = server.current;
        return built?.isConnected() && built.server.getClientVersion() !== undefined ? built : undefined;
      },
      send: (message) => transport.send(message), // gapped: the server connected to it (build-server.ts, gapAnswers)
      pass: (message, extra) => transport.onmessage?.(message as JSONRPCMessage, extra),
    });
    transport.intercept = (message, extra) => lane.take(message, extra);
    transport.onclose = () => {
      lane.closeAll();
      if (transport.sessionId) sessions.remove(transport.sessionId);
      eventStore.dispose();
      void server.close().catch(() => undefined);
    };
    return transport.handle(req, res, body, authInfo);
  }

  function handleLegacy(exchange: StreamableExchange, body: unknown, text: string | undefined): Promise<void> | void {
    const { req, res, authInfo } = exchange;
    if (stateless) return serveStateless(exchange, body, text);
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string' && sessionId) {
      const session = sessions.get(sessionId);
      // A session is only reachable with the key that opened it.
      if (!session || session.owner !== authInfo?.clientId) return sendJsonRpcError(res, 404, SESSION_NOT_FOUND, 'Session not found');
      if (req.method === 'POST') res.once('close', sessions.begin(sessionId));
      return session.transport.handle(req, res, body, authInfo);
    }
    if (req.method !== 'POST') return sendJsonRpcError(res, 400, SERVER_ERROR, 'Bad Request: Mcp-Session-Id header is required');
    if (body === NOT_JSON) return sendJsonRpcError(res, 400, PARSE_ERROR, 'Parse error: the request body is not valid JSON');
    if (isInitializeRequest(body)) return openSession(exchange, body);
    if (!isJsonRpcShaped(body)) return sendJsonRpcError(res, 400, INVALID_REQUEST, 'Invalid Request: not a JSON-RPC 2.0 message');
    return sendJsonRpcError(res, 400, SERVER_ERROR, 'Bad Request: Mcp-Session-Id header is required (send initialize first)', {}, idOf(body));
  }

  /** transport.sessions.mode stateless: the SDK's fallback, a fresh server per request. */
  async function serveStateless({ req, res, path, authInfo }: StreamableExchange, body: unknown, text: string | undefined): Promise<void> {
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const request = new Request(`http://localhost${path}`, { method: req.method ?? 'GET', headers, ...(text === undefined ? {} : { body: text }) });
    const parsed = body === NOT_JSON || body === undefined ? {} : { parsedBody: body };
    await sendWebResponse(res, await stateless!(request, { ...parsed, ...(authInfo ? { authInfo } : {}) }), streamBound(undefined));
  }

  async function serveModern({ req, res, path, authInfo }: StreamableExchange, body: unknown): Promise<void> {
    const response = await modern.fetch(webRequestOf(req, res, path), { ...(body === undefined ? {} : { parsedBody: body }), ...(authInfo ? { authInfo } : {}) });
    await sendWebResponse(res, response, streamBound(undefined));
  }

  /** transport.maxConcurrentRequests: a POST carrying a request holds a slot until its response is fully written. */
  function admitted(res: ServerResponse, body: unknown): boolean {
    if (!limit || !(Array.isArray(body) ? body : [body]).some(holdsSlot)) return true;
    const end = limit.tryBegin();
    if (!end) {
      metrics.rejected.inc({ reason: 'concurrency_limit' });
      sendJsonRpcError(res, 503, SERVER_ERROR, limit.busyMessage, { 'Retry-After': '1' }, idOf(body));
      return false;
    }
    if (res.writableFinished || res.destroyed) end();
    else res.once('close', end);
    return true;
  }

  /**
   * A 2026-07-28 subscriptions/listen stream follows the resources it names (so that upstreams serving
   * them subscribe) until its response ends: the client closes it, a revoked key's streams are closed,
   * the server shuts down.
   */
  function followListened(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    if (req.headers['mcp-method'] !== 'subscriptions/listen') return;
    const uris = listenedUris(body);
    if (uris.length > 0) res.once('close', runtime.upstreams.follow(uris));
  }

  return {
    async handle(exchange) {
      const { req, res } = exchange;
      let body: unknown;
      let text: string | undefined;
      if (req.method === 'POST') {
        const maxBytes = runtime.config.transport.bodyLimitBytes;
        const read = await readBody(req, maxBytes).catch(() => undefined);
        if (!read) return sendJsonRpcError(res, 400, PARSE_ERROR, 'Parse error: the request body could not be read');
        if (read.tooLarge) {
          metrics.rejected.inc({ reason: 'body_limit' });
          return sendJsonRpcError(res, 413, SERVER_ERROR, bodyTooLarge(maxBytes));
        }
        text = read.text;
        body = parseBody(text);
        if (!admitted(res, body)) return;
        followListened(req, res, body);
      }
      if (text !== undefined) {
        const served = modernCalls.serve(req, res, body, exchange.path, exchange.authInfo);
        if (served) return served;
      }
      if (isLegacy(req, body)) return handleLegacy(exchange, body, text);
      return serveModern(exchange, body);
    },
    sessionCount: () => sessions.size,
    sessions,
    async close() {
      await sessions.closeAll();
      await modernCalls.close();
      await modern.close();
    },
  };
}

/**
 * Whether the SDK's entry would route this request to 2025-era serving (its isLegacyRequest, from
 * the body already parsed): a POST whose body is not JSON, or whatever it classifies as legacy.
 */
function isLegacy(req: IncomingMessage, body: unknown): boolean {
  if (req.method === 'POST' && body === NOT_JSON) return true;
  if (req.method === 'POST' && isPlainLegacyRequest(req, body)) return true;
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const protocolVersionHeader = header('mcp-protocol-version');
  const mcpMethodHeader = header('mcp-method');
  const mcpNameHeader = header('mcp-name');
  return (
    classifyInboundRequest({
      httpMethod: req.method ?? 'GET',
      ...(protocolVersionHeader === undefined ? {} : { protocolVersionHeader }),
      ...(mcpMethodHeader === undefined ? {} : { mcpMethodHeader }),
      ...(mcpNameHeader === undefined ? {} : { mcpNameHeader }),
      ...(body === undefined ? {} : { body }),
    }).kind === 'legacy'
  );
}

/**
 * The common 2025-era call, decided without the SDK's schema checks: a JSON-RPC request (the SDK's
 * own isJSONRPCRequest) that is no response, no initialize, carries no 2026 envelope claim in its
 * _meta, under no modern MCP-Protocol-Version header. classifyInboundRequest says "legacy" for
 * exactly these (its no-claim case); it spends most of its time first ruling out a posted response
 * with two schema parses, which an object with neither `result` nor `error` cannot be.
 */
function isPlainLegacyRequest(req: IncomingMessage, body: unknown): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.getPrototypeOf(body) !== Object.prototype) return false;
  const message = body as Record<string, unknown>;
  if ('result' in message || 'error' in message || message['method'] === 'initialize') return false;
  const version = req.headers['mcp-protocol-version'];
  if (version !== undefined && (typeof version !== 'string' || version.trim() >= FIRST_MODERN_PROTOCOL_VERSION)) return false;
  const params = message['params'];
  const meta = isPlainObject(params) ? params['_meta'] : undefined;
  if (isPlainObject(meta) && PROTOCOL_VERSION_META_KEY in meta) return false;
  return isJSONRPCRequest(body);
}

/** The first protocol revision of the 2026 era (the SDK's isModernProtocolVersion compares against it). */
const FIRST_MODERN_PROTOCOL_VERSION = '2026-07-28';

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
