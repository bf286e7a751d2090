import type { Runtime } from '../server/runtime.js';
import { serveHttp } from './http/serve-http.js';
import { serveOverStdio } from './stdio.js';

export interface TransportHandle {
  close(): Promise<void>;
}

/** Starts the configured transport. `onEnd` is called when the transport ends by itself (stdin closed). */
export async function startTransport(runtime: Runtime, onEnd: (reason: string) => void): Promise<TransportHandle> {
  const type = runtime.config.transport.type;
  if (type === 'stdio') return serveOverStdio(runtime, () => onEnd('stdin closed'));
  return serveHttp(runtime, type);
}
