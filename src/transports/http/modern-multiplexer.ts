import type { ServerResponse } from 'node:http';
import {
  PerRequestHTTPServerTransport,
  ProtocolErrorCode,
  type AuthInfo,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type MessageClassification,
  type TransportSendOptions,
  type RequestId,
} from '@modelcontextprotocol/server';
import { sendJson } from './json-rpc-error.js';
import { SseWriter, type SseLimits } from './sse-writer.js';

/** The one 2026-07-28 revision the SDK (2.4.0) serves. */
export const MODERN_REVISION = '2026-07-28';

/**
 * HTTP statuses of errors a request gets before its handler runs (the SDK's per-request transport
 * table): anything else is answered in-band with 200, except -32021 whenever it comes.
 */
const LADDER_STATUS: Readonly<Record<number, number>> = {
  [ProtocolErrorCode.ParseError]: 400,
  [ProtocolErrorCode.InvalidRequest]: 400,
  [ProtocolErrorCode.MethodNotFound]: 404,
  [ProtocolErrorCode.UnsupportedProtocolVersion]: 400,
  [ProtocolErrorCode.MissingRequiredClientCapability]: 400,
  [-32020]: 400, // header mismatch
};

interface Exchange {
  res: ServerResponse;
  /** The id the client sent (the server sees a unique one of ours). */
  clientId: RequestId;
  sse: SseWriter | undefined;
  /** True while the request is being handed to the server (errors then are the protocol ladder's). */
  dispatching: boolean;
  done: boolean;
  started(): void;
}

/**
 * One server, connected once, answering 2026-07-28 requests of many HTTP exchanges at a time. It
 * is the SDK's per-request transport as far as the server can tell (connecting binds the server
 * to the modern revision), and answers each exchange as that transport would: application/json
 * when the result comes first, an SSE stream from the first related notification on. Requests get
 * ids of our own on the way in (clients' ids collide) and their own back on the way out. A client
 * that leaves before its answer cancels its request.
 */
export class ModernMultiplexer extends PerRequestHTTPServerTransport {
  private readonly exchanges = new Map<number, Exchange>();
  private lastId = 0;
  private readonly modern: MessageClassification = { era: 'modern', revision: MODERN_REVISION };

  constructor(private readonly sse: SseLimits) {
    super({ classification: { era: 'modern', revision: MODERN_REVISION } });
  }

  /** Serves one request; resolves once its response has started. */
  dispatch(request: JSONRPCRequest, res: ServerResponse, extra: { authInfo?: AuthInfo; request?: Request }): Promise<void> {
    const id = ++this.lastId;
    let started!: () => void;
    const responseStarted = new Promise<void>((resolve) => (started = resolve));
    const exchange: Exchange = { res, clientId: request.id, sse: undefined, dispatching: true, done: false, started };
    this.exchanges.set(id, exchange);
    res.once('close', () => {
      started();
      if (exchange.done) return;
      exchange.done = true;
      this.exchanges.delete(id);
      // the client left: its request is cancelled, as closing its own transport would do
      this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'Connection closed' } }, { classification: this.modern });
    });
    try {
      this.onmessage?.({ ...request, id }, { classification: this.modern, ...extra });
    } finally {
      exchange.dispatching = false;
    }
    return responseStarted;
  }

  override async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const response = !('method' in message) && ('result' in message || 'error' in message);
    const id = response ? (message as { id: RequestId }).id : options?.relatedRequestId;
    const exchange = typeof id === 'number' ? this.exchanges.get(id) : undefined;
    if (!exchange || exchange.done) return;
    const outgoing = response ? ({ ...message, id: exchange.clientId } as JSONRPCMessage) : message;
    if (!response) {
      exchange.sse ??= this.stream(exchange);
      exchange.sse.event(outgoing);
      return;
    }
    exchange.done = true;
    this.exchanges.delete(id as number);
    if (exchange.sse) {
      exchange.sse.event(outgoing);
      exchange.sse.end();
      return;
    }
    const code = 'error' in message ? message.error.code : undefined;
    const ladder = code !== undefined && (exchange.dispatching || code === ProtocolErrorCode.MissingRequiredClientCapability) ? LADDER_STATUS[code] : undefined;
    sendJson(exchange.res, ladder ?? 200, JSON.stringify(outgoing));
    exchange.started();
  }

  private stream(exchange: Exchange): SseWriter {
    const sse = new SseWriter(exchange.res, {}, this.sse);
    exchange.started();
    return sse;
  }

  override async close(): Promise<void> {
    for (const exchange of this.exchanges.values()) {
      exchange.done = true;
      if (exchange.sse) exchange.sse.end();
      else exchange.res.destroy();
    }
    this.exchanges.clear();
    this.onclose?.();
  }
}
