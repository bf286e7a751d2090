import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Runtime } from '../../server/runtime.js';
import { RequestLimit } from '../request-limit.js';
import { createApp, type AppParts, type AppState } from './app.js';
import { Inflight } from './inflight.js';
import { listen, stopListening } from './listen.js';
import { createMcpLane, type Lane } from './mcp-lane.js';
import type { SessionRegistry } from './session-registry.js';
import { createStreamableEndpoint } from './streamable.js';

export interface HttpHandle {
  url: string;
  /** After a reload: apply the settings that change live (see applyReload). */
  reloaded(): void;
  close(): Promise<void>;
}

/** Routes Hono serves with a chain of their own (ops, admin): an endpoint configured there stays on Hono. */
const HONO_ONLY = /^\/(health|ready|info|metrics|admin)(\/|$)/;

type OwnedSessions = SessionRegistry<{ owner: string | undefined; close(): Promise<void> }>;

/** Serves `--transport http-stream` or `--transport sse` until close() drains it. */
export async function serveHttp(runtime: Runtime, kind: 'http-stream' | 'sse'): Promise<HttpHandle> {
  const { transport: config } = runtime.config;
  const { metrics } = runtime;
  const limit = config.maxConcurrentRequests > 0 ? new RequestLimit(config.maxConcurrentRequests) : undefined;
  if (limit) metrics.countInFlight(() => limit.size);
  const inflight = new Inflight();
  const streamable = kind === 'http-stream';
  // http-stream can also serve old clients the legacy endpoints (transport.legacySse).
  const legacySse = kind === 'sse' || config.legacySse;
  const served: Array<{ sessionCount(): number; close(): Promise<void>; sessions: OwnedSessions }> = [];
  const state: AppState = { closing: false, sessions: () => served.reduce((count, endpoint) => count + endpoint.sessionCount(), 0) };
  const endpoints = [...new Set([config.endpoint].flat())];
  const routes = [...(streamable ? endpoints : []), ...(legacySse ? ['/sse', '/messages'] : [])];
  const parts = createApp(runtime, metrics, state, inflight, routes);
  const { app, protect } = parts;
  let lane: Lane | undefined;

  if (streamable) {
    const endpoint = createStreamableEndpoint(runtime, metrics, limit);
    for (const path of endpoints) {
      // the endpoint reads (and bounds) the body itself: one read and one parse per request
      protect(path, { bodyLimit: false });
      app.all(path, async (c) => {
        const authInfo = c.get('authInfo');
        await endpoint.handle({ req: c.env.incoming, res: c.env.outgoing, path, ...(authInfo ? { authInfo } : {}), caller: c.get('clientId') });
        return RESPONSE_ALREADY_SENT;
      });
    }
    served.push(endpoint);
    // POSTs (the calls) skip Hono: the same checks as plain calls (mcp-lane.ts); the legacy and ops routes keep Hono's chain
    const laned = endpoints.filter((path) => !HONO_ONLY.test(path) && !(legacySse && ['/sse', '/messages'].includes(path)));
    lane = createMcpLane(runtime, metrics, parts.guards, state, inflight, endpoint, laned);
  }
  if (legacySse) {
    const { mountSse } = await import('./sse.js'); // the legacy SDK is loaded only when its endpoints are served
    protect('/sse', { timeout: false });
    protect('/messages');
    served.push(mountSse(app, runtime, metrics, inflight, limit));
  }
  const closeEndpoints = async () => void (await Promise.all(served.map((endpoint) => endpoint.close())));

  const { server, url } = await listen(app, { host: config.host, port: config.port, tls: config.tls, ...(lane ? { lane } : {}) });
  const urls = [...(streamable ? endpoints : []), ...(legacySse ? ['/sse'] : [])].map((path) => `${url}${path}`);
  runtime.log.info({ url: urls[0], ...(urls.length > 1 ? { urls } : {}), transport: kind, auth: config.apiKeys.length > 0 }, `listening on ${urls.join(', ')}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    reloaded: () => {
      if (!state.closing)
        applyReload(
          runtime,
          parts,
          served.map((endpoint) => endpoint.sessions),
        );
    },
    close: () =>
      (closing ??= (async () => {
        state.closing = true;
        const stop = stopListening(server);
        const drained = await inflight.idle(runtime.config.transport.shutdownTimeoutSeconds * 1000);
        if (!drained) runtime.log.warn({ inFlight: inflight.size }, 'shutdown timeout reached; abandoning in-flight requests');
        await closeEndpoints();
        stop.force();
        await stop.closed;
      })()),
  };
}

/**
 * After a reload: new session limits, and whatever a revoked API key had open (its sessions, its
 * streams) is closed at once; the key itself stopped working with the swap.
 */
function applyReload(runtime: Runtime, parts: AppParts, registries: OwnedSessions[]): void {
  const { sessions: limits } = runtime.config.transport;
  const keys = parts.keys();
  const allowed = (owner: string | undefined) => (keys.enabled ? owner !== undefined && keys.labels.has(owner) : owner === undefined);
  for (const sessions of registries) {
    sessions.resize({ max: limits.max, maxPerCaller: limits.maxPerCaller, idleTimeoutMs: limits.idleTimeoutSeconds * 1000 });
    void sessions
      .closeWhere((session) => !allowed(session.owner))
      .then((closed) => {
        if (closed > 0) runtime.log.info({ sessions: closed }, 'sessions of revoked API keys closed');
      });
  }
  parts.responses.closeUnless(allowed);
}
