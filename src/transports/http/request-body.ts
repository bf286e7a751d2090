import type { IncomingMessage } from 'node:http';

export type BodyRead = { tooLarge: true } | { tooLarge: false; text: string };

/**
 * A request body as text, at most `maxBytes`: a declared Content-Length over the limit is refused
 * without reading, and reading stops as soon as more than the limit has arrived.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  if (Number(req.headers['content-length']) > maxBytes) return Promise.resolve({ tooLarge: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        done();
        req.resume(); // drain the rest unread
        return resolve({ tooLarge: true });
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      // as a TextDecoder reads it (what fetch's Request.text() uses): without a byte order mark
      resolve({ tooLarge: false, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text });
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onAborted = () => onError(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** What a body parses to: the JSON value, or NOT_JSON when it is empty or not JSON. */
export const NOT_JSON = Symbol('not JSON');

export function parseBody(text: string): unknown {
  if (text.length === 0) return NOT_JSON;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}
