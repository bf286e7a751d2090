import type { Runtime } from '../server/runtime.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { claimStdout } from './protocol-stdout.js';
import { serveOverStdio } from './stdio.js';
import type { StdioOpening } from './stdio-opening.js';
import { cancelStdoutMove } from './stdout-redirect.js';

export interface TransportHandle {
  /** Where an HTTP transport listens (`http://127.0.0.1:8000`); none for stdio. */
  readonly url?: string;
  /** After a reload was applied: take up the settings that change live (limits, keys). */
  reloaded?(): void;
  close(): Promise<void>;
}

/**
 * Work a transport needs done before modules load, storage opens or child processes start: under
 * stdio, nothing but the protocol may reach stdout (fd 1 is moved, which must start before other
 * files are opened). Resolves once that is done; the stdio transport itself may start before.
 */
export function prepareTransport(config: Config, log: Logger): Promise<void> {
  if (config.transport.type === 'stdio') return claimStdout(log).moved;
  cancelStdoutMove();
  return Promise.resolve();
}

/**
 * Starts the configured transport. `onEnd` is called with the reason when the transport ends by
 * itself. Under stdio, `stdio` is the connection if it was opened before the server was built.
 */
export async function startTransport(runtime: Runtime, onEnd: (reason: string) => void, stdio?: StdioOpening): Promise<TransportHandle> {
  const type = runtime.config.transport.type;
  if (type === 'stdio') return serveOverStdio(runtime, onEnd, stdio);
  // the HTTP stack (Hono, the legacy SSE SDK) is loaded only by a server that listens
  const { serveHttp } = await import('./http/serve-http.js');
  return serveHttp(runtime, type);
}
