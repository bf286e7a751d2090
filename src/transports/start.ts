import type { Runtime } from '../server/runtime.js';
import { serveHttp } from './http/serve-http.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { claimStdout, serveOverStdio } from './stdio.js';

export interface TransportHandle {
  close(): Promise<void>;
}

/** Work a transport needs done before modules load: under stdio, nothing but the protocol may reach stdout. */
export function prepareTransport(config: Config, log: Logger): void {
  if (config.transport.type === 'stdio') claimStdout(log);
}

/** Starts the configured transport. `onEnd` is called when the transport ends by itself (stdin closed). */
export async function startTransport(runtime: Runtime, onEnd: (reason: string) => void): Promise<TransportHandle> {
  const type = runtime.config.transport.type;
  if (type === 'stdio') return serveOverStdio(runtime, () => onEnd('stdin closed'));
  return serveHttp(runtime, type);
}
