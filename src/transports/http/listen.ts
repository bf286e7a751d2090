import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AppEnv } from './types.js';

export interface ListenOptions {
  host: string;
  port: number;
  tls: { keyFile?: string; certFile?: string };
  /** Serves what it takes (returns true) ahead of the app. */
  lane?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface Listening {
  server: Server;
  url: string;
}

/** Binds the app on host:port, over HTTPS when both TLS files are configured. */
export async function listen(app: Hono<AppEnv>, options: ListenOptions): Promise<Listening> {
  const { keyFile, certFile } = options.tls;
  if ((keyFile === undefined) !== (certFile === undefined)) throw new Error('TLS needs both transport.tls.keyFile and transport.tls.certFile');
  const tls = keyFile && certFile ? { key: await readFile(keyFile), cert: await readFile(certFile) } : undefined;
  const create = (tls ? createHttpsServer : createHttpServer) as (options: object, listener: RequestListener) => Server;
  const { lane } = options;
  const server = serve({
    fetch: app.fetch,
    hostname: options.host,
    port: options.port,
    createServer: (serverOptions: object, appListener: RequestListener) => create(serverOptions, lane ? (req, res) => lane(req, res) || void appListener(req, res) : appListener),
    ...(tls ? { serverOptions: tls } : {}),
  } as Parameters<typeof serve>[0]) as Server;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `${tls ? 'https' : 'http'}://${host}:${address.port}` };
}

/** Stops accepting connections now; resolves when the server has closed (or `forceAfterMs` passed). */
export function stopListening(server: Server): { closed: Promise<void>; force(): void } {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  return { closed, force: () => server.closeAllConnections() };
}
