import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AppEnv } from './types.js';

export interface ListenOptions {
  host: string;
  port: number;
  tls: { keyFile?: string; certFile?: string };
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
  const server = serve({
    fetch: app.fetch,
    hostname: options.host,
    port: options.port,
    ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
  }) as Server;
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
