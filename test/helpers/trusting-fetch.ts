import https from 'node:https';
import { Readable } from 'node:stream';

/**
 * A fetch over node:https that trusts `ca` (a test's self-signed certificate) and can bind a local
 * address (127.0.0.x: another client, as a proxy sees it). The global fetch offers neither.
 */
export function trustingFetch(ca: Buffer, options: { localAddress?: string } = {}): typeof fetch & { close(): void } {
  const agent = new https.Agent({ ca, keepAlive: true, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = https.request(request.url, { method: request.method, headers: Object.fromEntries(request.headers), agent }, (incoming) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
        }
        const status = incoming.statusCode ?? 0;
        const empty = status === 204 || status === 304 || request.method === 'HEAD';
        if (empty) incoming.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>), { status, statusText: incoming.statusMessage ?? '', headers }));
      });
      outgoing.on('error', reject);
      request.signal.addEventListener('abort', () => outgoing.destroy(request.signal.reason as Error), { once: true });
      outgoing.end(body);
    });
  };
  return Object.assign(fetchFn, { close: () => agent.destroy() });
}
