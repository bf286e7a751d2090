import { createMetrics } from '../../observability/metrics.js';
import type { Runtime } from '../../server/runtime.js';
import { createApp, type AppState } from './app.js';
import { RequestLimit } from '../request-limit.js';
import { Inflight } from './inflight.js';
import { concurrencyLimit } from './middleware/concurrency-limit.js';
import { listen, stopListening } from './listen.js';
import { mountSse } from './sse.js';
import { createStreamableEndpoint } from './streamable.js';

export interface HttpHandle {
  url: string;
  close(): Promise<void>;
}

/** Serves `--transport http-stream` or `--transport sse` until close() drains it. */
export async function serveHttp(runtime: Runtime, kind: 'http-stream' | 'sse'): Promise<HttpHandle> {
  const { transport: config } = runtime.config;
  const limit = config.maxConcurrentRequests > 0 ? new RequestLimit(config.maxConcurrentRequests) : undefined;
  const metrics = createMetrics(limit ? { requestsInFlight: () => limit.size } : {});
  const inflight = new Inflight();
  let sessionCount = () => 0;
  const state: AppState = { closing: false, sessions: () => sessionCount() };
  const endpoints = [...new Set([config.endpoint].flat())];
  const routes = kind === 'http-stream' ? endpoints : ['/sse', '/messages'];
  const { app, protect } = createApp(runtime, metrics, state, inflight, routes);

  let closeEndpoint: () => Promise<void>;
  let stopWatch = () => undefined as void;
  if (kind === 'http-stream') {
    const endpoint = createStreamableEndpoint(runtime, metrics);
    for (const path of endpoints) {
      protect(path);
      if (limit) app.use(path, concurrencyLimit(limit, metrics));
      app.all(path, (c) =>
        endpoint.handle({
          request: c.req.raw,
          ...(c.get('authInfo') ? { authInfo: c.get('authInfo') } : {}),
          onResponseDone: (callback) => c.env.outgoing.once('close', callback),
        }),
      );
    }
    sessionCount = endpoint.sessionCount;
    closeEndpoint = endpoint.close;
    stopWatch = runtime.events.on((event) => endpoint.notify(event));
  } else {
    protect('/sse', { timeout: false });
    protect('/messages');
    const endpoint = mountSse(app, runtime, metrics, inflight, limit);
    sessionCount = endpoint.sessionCount;
    closeEndpoint = endpoint.close;
  }

  const { server, url } = await listen(app, { host: config.host, port: config.port, tls: config.tls });
  const urls = (kind === 'http-stream' ? endpoints : ['/sse']).map((path) => `${url}${path}`);
  runtime.log.info({ url: urls[0], ...(urls.length > 1 ? { urls } : {}), transport: kind, auth: config.apiKeys.length > 0 }, `listening on ${urls.join(', ')}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= (async () => {
        state.closing = true;
        stopWatch();
        const stop = stopListening(server);
        const drained = await inflight.idle(config.shutdownTimeoutSeconds * 1000);
        if (!drained) runtime.log.warn({ inFlight: inflight.size }, 'shutdown timeout reached; abandoning in-flight requests');
        await closeEndpoint();
        stop.force();
        await stop.closed;
      })()),
  };
}
