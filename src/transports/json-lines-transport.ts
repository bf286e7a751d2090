import type { JSONRPCMessage, JSONRPCResponse, RequestId, Transport } from '@modelcontextprotocol/server';
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { cancelledRequest, isIdLike } from '../server/plain-tool-call.js';
import { Replays } from '../server/replayed-request.js';

/**
 * Takes a parsed message before it is checked against the JSON-RPC schema; true when it was
 * handled (the message then goes no further).
 */
export type MessageIntercept = (message: unknown) => boolean;

/**
 * Newline-delimited JSON-RPC over a pair of streams, as the SDK's StdioServerTransport speaks it
 * (a line that is not JSON is skipped, one that is not JSON-RPC is an error; writes wait for
 * `drain`), with one difference: each line is parsed once and offered to `intercept` before the
 * SDK's schema check, so a fast path can answer it without paying for that check.
 * `input` must deliver whole lines (MessageSizeGuard does).
 * When the input ends, requests read before it are still answered (a client may close the server's
 * stdin right after its last request, as `printf ... | mcp-server` does): the transport closes once
 * every one has its answer, or after `endGraceMs()` at the latest.
 * It can read before a server is connected (`listen`; `intercept` takes every message until then),
 * and it does not load the SDK: the server gives it the SDK's JSON-RPC check (`check`).
 */
export class JsonLinesTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  intercept: MessageIntercept | undefined;
  /** Checks a message as the SDK does (its parseJSONRPCMessage); set before anything is delivered. */
  check: ((value: unknown) => JSONRPCMessage) | undefined;
  private started = false;
  private listening = false;
  private closed = false;
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');
  /** Requests read and not yet answered (nor cancelled by the client). */
  private readonly unanswered = new Set<RequestId>();
  /** Requests handed to the server again (replay). */
  private readonly replays = new Replays();
  private inputEnded = false;
  private endGrace: NodeJS.Timeout | undefined;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly endGraceMs: () => number = () => 0,
  ) {}

  async start(): Promise<void> {
    if (this.started) throw new Error('JsonLinesTransport already started');
    this.started = true;
    this.listen();
    // closed while it listened without a server: the server hears of it now
    if (this.closed) setImmediate(() => this.onclose?.());
  }

  /** Starts reading (start() does, if this was not called before). */
  listen(): void {
    if (this.listening || this.closed) return;
    this.listening = true;
    if (this.input.readableEnded || this.input.destroyed) setImmediate(this.onInputEnd);
    this.input.on('data', this.onData);
    this.input.on('error', this.onInputError);
    this.input.on('end', this.onInputEnd);
    this.input.on('close', this.onInputEnd);
    this.output.on('error', this.onOutputError);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.endGrace);
    this.input.off('data', this.onData);
    this.input.off('error', this.onInputError);
    this.input.off('end', this.onInputEnd);
    this.input.off('close', this.onInputEnd);
    this.output.off('error', this.onOutputError);
    this.output.on('error', () => undefined); // late write failures after close are nobody's business
    if (this.input.listenerCount('data') === 0) this.input.pause();
    this.pending = '';
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.replays.take(message)) return Promise.resolve();
    const answered = !('method' in message) && 'id' in message ? message.id : undefined;
    const written = this.write(`${JSON.stringify(message)}\n`);
    if (answered !== undefined) this.settle(answered, written);
    return written;
  }

  /**
   * Sends `answer` to the client ahead of the server, which gets the request later (replay): the
   * request counts as unanswered until then, so an input that ends meanwhile does not close the
   * transport before the server has seen it.
   */
  answerAhead(answer: JSONRPCResponse): Promise<void> {
    return this.write(`${JSON.stringify(answer)}\n`);
  }

  /** Hands a request read earlier to the server under an id of its own; its answer goes to `onAnswer`, not to the client. */
  replay(request: { id: RequestId; method: string; params?: unknown }, onAnswer: (answer: JSONRPCMessage) => void): void {
    const id = this.replays.add((answer) => {
      onAnswer(answer);
      this.settle(request.id, Promise.resolve());
    });
    this.deliver({ ...request, id });
  }

  /** The request `id` has its answer: once every request read before the input ended has one, the transport closes. */
  private settle(id: RequestId, written: Promise<void>): void {
    if (this.unanswered.delete(id) && this.inputEnded && this.unanswered.size === 0) void written.finally(() => this.close());
  }

  /** Writes one serialized line; resolves once the stream took it (after `drain` when it pushed back). */
  private write(line: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the stdio transport is closed'));
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        this.output.off('error', settle);
        this.output.off('drain', onDrain);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => settle();
      this.output.once('error', settle);
      if (this.output.write(line)) settle();
      else if (!settled) this.output.once('drain', onDrain);
    });
  }

  private readonly onData = (chunk: Buffer | string): void => {
    const text = this.pending + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      const line = text.slice(start, end);
      start = newline + 1;
      if (this.closed) return;
      this.receive(line);
    }
    this.pending = text.slice(start);
  };

  private receive(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return; // as the SDK does: a line that is not JSON is skipped
    }
    this.track(value);
    if (this.intercept?.(value)) return;
    this.deliver(value);
  }

  /** Hands a parsed message on, checked as the SDK checks what it reads; one that is not JSON-RPC is an error. */
  deliver(value: unknown): void {
    try {
      if (!this.check) throw new Error('JsonLinesTransport.check is not set (mcp-server bug)');
      this.onmessage?.(this.check(value));
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Keeps count of the requests that still owe an answer. */
  private track(value: unknown): void {
    const message = value as { id?: unknown; method?: unknown } | null;
    if (typeof message?.method !== 'string') return;
    // an id the SDK refuses (1.5, 2 ** 60) makes the request an error it answers without an id: nothing to wait for
    if (isIdLike(message.id)) this.unanswered.add(message.id);
    else {
      const cancelled = cancelledRequest(value);
      if (cancelled) this.unanswered.delete(cancelled.id);
    }
  }

  private readonly onInputError = (error: Error): void => this.onerror?.(error);

  private readonly onInputEnd = (): void => {
    if (this.inputEnded || this.closed) return;
    this.inputEnded = true;
    if (this.unanswered.size === 0) return void this.close().catch(() => undefined);
    this.endGrace = setTimeout(() => this.close().catch(() => undefined), this.endGraceMs());
  };

  private readonly onOutputError = (error: Error): void => {
    if (this.closed) return;
    this.onerror?.(error);
    this.close().catch(() => undefined);
  };
}
