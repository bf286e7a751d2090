import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { unreadOverflow, type OnUnreadOverflow } from './unread-limit.js';

/** Interval of the SSE keep-alive comment (the SDK's default). */
export const SSE_KEEP_ALIVE_MS = 15_000;

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

export interface SseLimits {
  /** Unread bytes beyond which the stream is closed (transport.maxUnreadStreamBytes). */
  maxUnreadBytes: number;
  onOverflow: OnUnreadOverflow;
}

/**
 * An SSE stream written straight to a Node response: events, a keep-alive comment every 15 s, and
 * a bound on what its client leaves unread (the stream is closed beyond it).
 */
export class SseWriter {
  private readonly keepAlive: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    headers: Record<string, string>,
    private readonly limits: SseLimits,
    status = 200,
  ) {
    if (res.headersSent || res.destroyed) {
      // answered meanwhile (the request timed out) or gone: nothing more goes out
      this.ended = true;
      return;
    }
    res.writeHead(status, { ...SSE_HEADERS, ...headers });
    res.flushHeaders();
    this.keepAlive = setInterval(() => this.write(': keepalive\n\n'), SSE_KEEP_ALIVE_MS);
    this.keepAlive.unref();
    res.once('close', () => this.stop());
  }

  get open(): boolean {
    return !this.ended && !this.res.destroyed && !this.res.writableEnded;
  }

  /** Writes one message event; false when the stream is gone. */
  event(message: JSONRPCMessage, eventId?: string): boolean {
    return this.write(`event: message\n${eventId ? `id: ${eventId}\n` : ''}data: ${JSON.stringify(message)}\n\n`);
  }

  /** The priming event of a resumable stream: its id, and how long a client waits before reconnecting. */
  prime(eventId: string, retryMs: number | undefined): boolean {
    return this.write(retryMs === undefined ? `id: ${eventId}\ndata: \n\n` : `id: ${eventId}\nretry: ${retryMs}\ndata: \n\n`);
  }

  write(frame: string): boolean {
    if (!this.open) return false;
    if (unreadOverflow(this.res, this.limits.maxUnreadBytes, this.limits.onOverflow)) return false;
    this.res.write(frame);
    return true;
  }

  /** Ends the stream (the client sees it close). */
  end(): void {
    if (this.open) this.res.end();
    this.stop();
  }

  private stop(): void {
    this.ended = true;
    clearInterval(this.keepAlive);
  }
}
