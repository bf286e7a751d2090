import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_NEGOTIATED_PROTOCOL_VERSION,
  isInitializeRequest,
  isJsonContentType,
  parseJSONRPCMessage,
  SUPPORTED_PROTOCOL_VERSIONS,
  type AuthInfo,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type Transport,
  type TransportSendOptions,
  type RequestId,
} from '@modelcontextprotocol/server';
import type { SessionEventLog } from './event-store.js';
import { sendJson, sendJsonRpcError } from './json-rpc-error.js';
import { plainToolCall } from '../../server/plain-tool-call.js';
import { NOT_JSON } from './request-body.js';
import { SseWriter, type SseLimits } from './sse-writer.js';

const STANDALONE = '_GET_stream';
const MAX_BATCH_SIZE = 100;

/**
 * A POST answered with no other message before its result is answered with application/json; once
 * it has something else to say (a progress, a log message, a question to the client), or once it
 * has run this long, it becomes an SSE stream.
 */
export const ANSWER_AS_JSON_WITHIN_MS = 1000;

export interface SessionTransportOptions {
  newSessionId(): string;
  events: SessionEventLog;
  /** SSE `retry:` advice in priming events. */
  retryMs: number;
  sse: SseLimits;
  onsessioninitialized(sessionId: string): void;
  onsessionclosed(sessionId: string | undefined): void;
}

/** Where the messages of one stream go: a POST's answer, or the GET stream. */
interface Stream {
  res: ServerResponse;
  /** Unset while a POST's answer is undecided (JSON or SSE). */
  sse: SseWriter | undefined;
  /** Responses that came while undecided, in order. */
  held: JSONRPCMessage[];
  /** The client's protocol version (priming events need 2025-11-25 or later). */
  version: string;
  timer?: NodeJS.Timeout;
  /** Event ids just replayed on this stream (not written twice). */
  replayed?: Set<string>;
  /** Called once the response has started (or the client left): the HTTP layer's handler returns then. */
  started(): void;
}

const isResponse = (message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } => !('method' in message) && ('result' in message || 'error' in message);
const isRequest = (message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId; method: string } => 'method' in message && 'id' in message;
const isInitialize = (message: JSONRPCMessage) => 'method' in message && message.method === 'initialize' && isInitializeRequest(message);
const wantsProgress = (message: JSONRPCMessage) => 'method' in message && (message.params as { _meta?: { progressToken?: unknown } } | undefined)?._meta?.progressToken !== undefined;

/**
 * The Streamable HTTP transport of one 2025-era session, on Node's request and response: the
 * behaviour of the SDK's WebStandardStreamableHTTPServerTransport (same checks, errors, event ids,
 * priming events and replay), without converting to and from web streams, and answering each POST
 * with application/json when it can (see ANSWER_AS_JSON_WITHIN_MS). Every message it accepts has
 * passed the SDK's JSON-RPC schema.
 */
export class SessionTransport implements Transport {
  sessionId: string | undefined;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  /**
   * Offered every message before onmessage, with what onmessage would get; true when it served the
   * message (a fast path answers through send, as the SDK would).
   */
  intercept?: (message: unknown, extra: MessageExtraInfo) => boolean;

  private started = false;
  private initialized = false;
  private closed = false;
  private supportedVersions: string[] = SUPPORTED_PROTOCOL_VERSIONS;
  private readonly streams = new Map<string, Stream>();
  private readonly requestStreams = new Map<RequestId, string>();
  private readonly responses = new Map<RequestId, JSONRPCMessage>();

  constructor(private readonly options: SessionTransportOptions) {}

  async start(): Promise<void> {
    if (this.started) throw new Error('Transport already started');
    this.started = true;
  }

  setSupportedProtocolVersions(versions: string[]): void {
    this.supportedVersions = versions;
  }

  /**
   * Serves one HTTP request of this session. `body` is the parsed POST body (NOT_JSON when it is not
   * JSON). Resolves once the response has started (a stream stays open after that).
   */
  handle(req: IncomingMessage, res: ServerResponse, body: unknown, authInfo?: AuthInfo): Promise<void> | void {
    if (this.closed) return this.refuse(res, 404, -32001, 'Session not found', false);
    switch (req.method) {
      case 'POST':
        return this.post(req, res, body, authInfo);
      case 'GET':
        return this.get(req, res);
      case 'DELETE':
        return this.delete(req, res);
      default:
        this.onerror?.(new Error('Method not allowed.'));
        return sendJsonRpcError(res, 405, -32000, 'Method not allowed.', { Allow: 'GET, POST, DELETE' });
    }
  }

  private post(req: IncomingMessage, res: ServerResponse, body: unknown, authInfo: AuthInfo | undefined): Promise<void> | void {
    const accept = req.headers.accept;
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) {
      return this.refuse(res, 406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
    }
    if (!isJsonContentType(req.headers['content-type'])) return this.refuse(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    if (body === NOT_JSON) return this.refuse(res, 400, -32700, 'Parse error: Invalid JSON');
    if (Array.isArray(body) && body.length > MAX_BATCH_SIZE) {
      return this.refuse(res, 400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`);
    }
    let messages: JSONRPCMessage[];
    try {
      messages = Array.isArray(body) ? body.map((message) => parseJSONRPCMessage(message)) : [this.intercept && plainToolCall(body) ? (body as JSONRPCMessage) : parseJSONRPCMessage(body)];
    } catch (error) {
      this.onerror?.(error as Error);
      return sendJsonRpcError(res, 400, -32700, 'Parse error: Invalid JSON-RPC message');
    }
    if (this.closed) return this.refuse(res, 404, -32001, 'Session not found', false);
    const initialize = messages.find(isInitialize);
    if (initialize) {
      if (this.initialized && this.sessionId !== undefined) return this.refuse(res, 400, -32600, 'Invalid Request: Server already initialized');
      if (messages.length > 1) return this.refuse(res, 400, -32600, 'Invalid Request: Only one initialization request is allowed');
      this.sessionId = this.options.newSessionId();
      this.initialized = true;
      this.options.onsessioninitialized(this.sessionId);
    } else if (!this.validSession(req, res) || !this.validVersion(req, res)) {
      return;
    }
    if (this.closed) return this.refuse(res, 404, -32001, 'Session not found', false);

    if (!messages.some(isRequest)) {
      for (const message of messages) this.deliver(message, authInfo ? { authInfo } : {});
      res.writeHead(202).end();
      return;
    }

    const streamId = randomUUID();
    const version = initialize
      ? (initialize as unknown as { params: { protocolVersion: string } }).params.protocolVersion
      : (header(req, 'mcp-protocol-version') ?? DEFAULT_NEGOTIATED_PROTOCOL_VERSION);
    let markStarted!: () => void;
    const responseStarted = new Promise<void>((resolve) => (markStarted = resolve));
    const stream: Stream = { res, sse: undefined, held: [], version, started: markStarted };
    this.streams.set(streamId, stream);
    for (const message of messages) if (isRequest(message)) this.requestStreams.set(message.id, streamId);
    res.once('close', () => {
      // the client left before the answer was complete: later messages go to the event log only
      clearTimeout(stream.timer);
      if (this.streams.get(streamId) === stream) this.streams.delete(streamId);
      stream.started();
    });

    // a client that asked for progress gets a stream at once; the others an answer as soon as it is known
    if (messages.some(wantsProgress)) this.toSse(streamId, stream);
    const resumable = this.supportsEmptySseData(version);
    for (const message of messages) {
      const closable = isRequest(message) && resumable;
      this.deliver(message, {
        ...(authInfo ? { authInfo } : {}),
        ...(closable ? { closeSSEStream: () => this.closeSSEStream(message.id), closeStandaloneSSEStream: () => this.closeStandaloneSSEStream() } : {}),
      });
    }
    if (!stream.sse && this.streams.get(streamId) === stream) {
      stream.timer = setTimeout(() => this.toSse(streamId, stream), ANSWER_AS_JSON_WITHIN_MS);
      stream.timer.unref();
    }
    return responseStarted;
  }

  private deliver(message: JSONRPCMessage, extra: MessageExtraInfo): void {
    if (!this.intercept?.(message, extra)) this.onmessage?.(message, extra);
  }

  /** Turns an undecided POST answer into an SSE stream: headers, priming event, what was held. */
  private toSse(streamId: string, stream: Stream): void {
    if (stream.sse) return;
    clearTimeout(stream.timer);
    stream.sse = new SseWriter(stream.res, this.sessionHeaders(), this.options.sse);
    stream.started();
    if (this.supportsEmptySseData(stream.version)) stream.sse.prime(this.options.events.storeEvent(streamId, {} as JSONRPCMessage), this.options.retryMs);
    for (const message of stream.held.splice(0)) stream.sse.event(message, this.options.events.storeEvent(streamId, message));
  }

  private get(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    if (!req.headers.accept?.includes('text/event-stream')) return this.refuse(res, 406, -32000, 'Not Acceptable: Client must accept text/event-stream');
    if (!this.validSession(req, res) || !this.validVersion(req, res)) return;
    const lastEventId = header(req, 'last-event-id');
    if (lastEventId) return this.replay(lastEventId, res);
    if (this.streams.has(STANDALONE)) return this.refuse(res, 409, -32000, 'Conflict: Only one SSE stream is allowed per session');
    this.openStream(STANDALONE, res);
  }

  /** Last-Event-ID: the events of that stream after it, then the stream goes on (if it still has answers to come). */
  private async replay(lastEventId: string, res: ServerResponse): Promise<void> {
    const { events } = this.options;
    const streamId = events.getStreamIdForEventId(lastEventId);
    if (!streamId) return this.refuse(res, 400, -32000, 'Invalid event ID format');
    if (this.streams.has(streamId)) return this.refuse(res, 409, -32000, 'Conflict: Stream already has an active connection');
    const replayed = new Set<string>();
    const frames: Array<[JSONRPCMessage, string]> = [];
    let replayedStreamId: string;
    try {
      replayedStreamId = await events.replayEventsAfter(lastEventId, {
        send: async (eventId, message) => {
          replayed.add(eventId);
          frames.push([message, eventId]);
        },
      });
    } catch (error) {
      this.onerror?.(error as Error);
      return sendJsonRpcError(res, 500, -32000, 'Error replaying events');
    }
    if (this.closed || res.destroyed) return sendJsonRpcError(res, 404, -32001, 'Session not found');
    this.closeStream(replayedStreamId);
    const stream = this.openStream(replayedStreamId, res);
    stream.replayed = replayed;
    for (const [message, eventId] of frames) stream.sse!.event(message, eventId);
    const answersToCome = replayedStreamId === STANDALONE || [...this.requestStreams.values()].includes(replayedStreamId);
    if (!answersToCome) this.closeStream(replayedStreamId);
  }

  private openStream(streamId: string, res: ServerResponse): Stream {
    const stream: Stream = { res, sse: new SseWriter(res, this.sessionHeaders(), this.options.sse), held: [], version: '', started: () => undefined };
    this.streams.set(streamId, stream);
    res.once('close', () => {
      if (this.streams.get(streamId) === stream) this.streams.delete(streamId);
    });
    return stream;
  }

  private delete(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    if (!this.validSession(req, res) || !this.validVersion(req, res)) return;
    try {
      this.options.onsessionclosed(this.sessionId);
      res.writeHead(200).end();
    } finally {
      void this.close();
    }
  }

  private validSession(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.initialized) return !!this.refuse(res, 400, -32000, 'Bad Request: Server not initialized');
    const sessionId = header(req, 'mcp-session-id');
    if (!sessionId) return !!this.refuse(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    if (sessionId !== this.sessionId) return !!this.refuse(res, 404, -32001, 'Session not found');
    return true;
  }

  private validVersion(req: IncomingMessage, res: ServerResponse): boolean {
    const version = header(req, 'mcp-protocol-version');
    if (version === undefined || this.supportedVersions.includes(version)) return true;
    this.refuse(res, 400, -32000, `Bad Request: Unsupported protocol version: ${version} (supported versions: ${this.supportedVersions.join(', ')})`);
    return false;
  }

  /** An error answer, reported to onerror as the SDK transport does (`report` false: not reported). */
  private refuse(res: ServerResponse, status: number, code: number, message: string, report = true): undefined {
    if (report) this.onerror?.(new Error(message));
    sendJsonRpcError(res, status, code, message);
    return undefined;
  }

  private sessionHeaders(): Record<string, string> {
    return this.sessionId === undefined ? {} : { 'mcp-session-id': this.sessionId };
  }

  /** Priming events carry empty data, which clients before 2025-11-25 cannot parse. */
  private supportsEmptySseData(version: string): boolean {
    return this.supportedVersions.includes(version) && version >= '2025-11-25';
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const response = isResponse(message);
    const requestId = response ? message.id : options?.relatedRequestId;
    const { events } = this.options;
    if (requestId === undefined) {
      if (response) throw new Error('Cannot send a response on a standalone SSE stream unless resuming a previous client request');
      const eventId = events.storeEvent(STANDALONE, message);
      const standalone = this.streams.get(STANDALONE);
      if (standalone?.sse && !standalone.replayed?.has(eventId)) standalone.sse.event(message, eventId);
      return;
    }
    const streamId = this.requestStreams.get(requestId);
    if (!streamId) throw new Error(`No connection established for request ID: ${String(requestId)}`);
    const stream = this.streams.get(streamId);
    if (stream && !stream.sse && !response) this.toSse(streamId, stream);
    if (stream && !stream.sse) {
      stream.held.push(message); // undecided: a response waits until the POST's every answer is in
    } else {
      const eventId = events.storeEvent(streamId, message);
      if (stream?.sse && !stream.replayed?.has(eventId)) stream.sse.event(message, eventId);
    }
    if (!response) return;

    this.responses.set(requestId, message);
    const related = [...this.requestStreams].filter(([, id]) => id === streamId).map(([id]) => id);
    if (!related.every((id) => this.responses.has(id))) return;
    if (stream && !stream.sse) {
      const answers = related.map((id) => this.responses.get(id)!);
      clearTimeout(stream.timer);
      this.streams.delete(streamId);
      sendJson(stream.res, 200, JSON.stringify(answers.length === 1 ? answers[0] : answers), this.sessionHeaders());
      stream.started();
    } else if (stream) {
      this.closeStream(streamId);
    }
    for (const id of related) {
      this.responses.delete(id);
      this.requestStreams.delete(id);
    }
  }

  /** Ends a POST's SSE stream early (the client reconnects with Last-Event-ID): ctx.closeStream(). */
  closeSSEStream(requestId: RequestId): void {
    const streamId = this.requestStreams.get(requestId);
    if (streamId) this.closeStream(streamId);
  }

  closeStandaloneSSEStream(): void {
    this.closeStream(STANDALONE);
  }

  private closeStream(streamId: string): void {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    this.toSse(streamId, stream);
    this.streams.delete(streamId);
    stream.sse?.end();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const streamId of [...this.streams.keys()]) this.closeStream(streamId);
    this.responses.clear();
    this.onclose?.();
  }
}

/** A request header as fetch's Headers.get reads it ('' when present but empty). */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
