import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for the HTTP transports. One registry per server instance (not prom-client's
 * global one), so tests and in-process restarts never see "metric already registered".
 */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpDuration: Histogram<'route' | 'method'>;
  readonly toolCalls: Counter<'tool' | 'transport'>;
  readonly activeSessions: Gauge<'transport'>;
  readonly rejected: Counter<'reason'>;
  /** Prometheus text exposition of every metric. */
  render(): Promise<string>;
}

/**
 * Errors a module raised outside any call's answer (a stray rejection, a throwing timer, an 'error'
 * event nobody listens to), by module. One per process, so it counts under stdio too; every HTTP
 * registry exposes it.
 */
export const moduleErrors = new Counter({
  name: 'mcp_server_module_errors_total',
  help: 'Stray asynchronous errors raised by a module (unhandled rejection, uncaught exception), logged and survived, by module.',
  labelNames: ['module'] as const,
  registers: [],
});

export interface MetricsOptions {
  defaultMetrics?: boolean;
  /** Requests being handled now, when transport.maxConcurrentRequests limits them. */
  requestsInFlight?: () => number;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  registry.registerMetric(moduleErrors);
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'mcp_server_' });
  const { requestsInFlight } = options;
  if (requestsInFlight) {
    new Gauge({
      name: 'mcp_server_requests_in_flight',
      help: 'Requests being handled now, the number transport.maxConcurrentRequests limits.',
      registers: [registry],
      collect() {
        this.set(requestsInFlight());
      },
    });
  }
  const httpRequests = new Counter({
    name: 'mcp_server_http_requests_total',
    help: 'HTTP requests answered, by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'mcp_server_http_request_duration_seconds',
    help: 'Time until the response headers were ready (streams not included), by route and method.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const toolCalls = new Counter({
    name: 'mcp_server_tool_calls_total',
    help: 'tools/call requests received over HTTP, by tool name (unknown names count as "unknown") and transport.',
    labelNames: ['tool', 'transport'] as const,
    registers: [registry],
  });
  const activeSessions = new Gauge({
    name: 'mcp_server_active_sessions',
    help: 'Open sessions: 2025 Streamable HTTP sessions and legacy SSE connections.',
    labelNames: ['transport'] as const,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'mcp_server_http_rejected_total',
    help: 'Requests refused before reaching MCP, by reason (auth, host, origin, rate_limit, body_limit, session_limit, concurrency_limit).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return { registry, httpRequests, httpDuration, toolCalls, activeSessions, rejected, render: () => registry.metrics() };
}
