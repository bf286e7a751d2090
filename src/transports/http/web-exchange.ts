import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { unreadOverflow, type OnUnreadOverflow } from './unread-limit.js';

/** Headers.get and friends over Node's parsed headers (read-only; names are lower case there). */
class NodeHeaders {
  constructor(private readonly headers: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.headers[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.headers[name.toLowerCase()] !== undefined;
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.entries()) callback(value, name);
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.headers).sort()) yield [name, this.get(name)!];
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * What the SDK's per-request handler reads of a request whose body is already parsed (it is given
 * `parsedBody`): method, headers and an abort signal (the client left before the answer was complete).
 * Building a full fetch Request per call costs more than the rest of a short call.
 */
export function webRequestOf(req: IncomingMessage, res: ServerResponse, path: string): Request {
  let controller: AbortController | undefined;
  const request = {
    method: req.method ?? 'GET',
    url: `http://localhost${path}`,
    headers: new NodeHeaders(req.headers),
    get signal(): AbortSignal {
      if (!controller) {
        const made = (controller = new AbortController());
        if (res.destroyed && !res.writableFinished) made.abort();
        else res.once('close', () => res.writableFinished || made.abort());
      }
      return controller.signal;
    },
  };
  return request as unknown as Request;
}

export interface StreamBound {
  maxUnreadBytes: number;
  onOverflow: OnUnreadOverflow;
}

const isEventStream = (contentType: string | null) => (contentType ?? '').toLowerCase().startsWith('text/event-stream');

/**
 * Writes a fetch Response (the SDK's per-request answer) to a Node response. Resolves once the
 * response has started: a JSON body is then written whole, an SSE body keeps streaming, bounded in
 * what its client leaves unread.
 */
export async function sendWebResponse(res: ServerResponse, response: Response, bound: StreamBound): Promise<void> {
  if (res.headersSent || res.destroyed) {
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (!response.body) {
    res.writeHead(response.status, headers).end();
    return;
  }
  if (!isEventStream(response.headers.get('content-type'))) {
    const body = Buffer.from(await response.arrayBuffer());
    if (res.headersSent || res.destroyed) return;
    res.writeHead(response.status, { ...headers, 'content-length': String(body.length) }).end(body);
    return;
  }
  res.writeHead(response.status, headers);
  res.flushHeaders();
  void pump(response.body.getReader(), res, bound);
}

async function pump(reader: ReadableStreamDefaultReader<Uint8Array>, res: ServerResponse, bound: StreamBound): Promise<void> {
  const cancel = () => void reader.cancel().catch(() => undefined);
  res.once('close', cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed || unreadOverflow(res, bound.maxUnreadBytes, bound.onOverflow)) return cancel();
      res.write(value);
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    res.off('close', cancel);
  }
}
