import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from './prom.js';
import { workerMetrics } from './worker-metrics.js';

/**
 * The server's Prometheus metrics, created once per process (held by the runtime) and shared by
 * every transport, stdio included. Its own registry (not prom-client's global one), so tests and
 * in-process restarts never see "metric already registered".
 */
export interface Metrics {
  readonly registry: Registry;
  /** MCP requests answered, counted where every server meets its transport (src/server/request-metrics.ts). */
  readonly requests: Counter<'method' | 'transport' | 'outcome'>;
  /** Tool runs, timed where every run is bounded (src/server/bounded-run.ts). */
  readonly toolCallDuration: Histogram<'tool' | 'outcome'>;
  readonly storageDuration: Histogram<'engine' | 'op'>;
  readonly activeSessions: Gauge<'transport'>;
  readonly rejected: Counter<'reason'>;
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpDuration: Histogram<'route' | 'method'>;
  /**
   * Shows `mcp_requests_in_flight` (what transport.maxConcurrentRequests limits), read from `read`
   * at each scrape; only a transport that enforces the limit counts, so only it calls this.
   */
  countInFlight(read: () => number): void;
  /** Prometheus text exposition of every metric. */
  render(): Promise<string>;
}

/**
 * Errors a module raised outside any call's answer (a stray rejection, a throwing timer, an 'error'
 * event nobody listens to), by module. Counted from the moment the process starts (before the
 * metrics below exist), so it lives here on its own and every registry shows it.
 */
export const moduleErrors = new Counter({
  name: 'mcp_module_errors_total',
  help: 'Stray asynchronous errors raised by a module (unhandled rejection, uncaught exception), logged and survived, by module.',
  labelNames: ['module'] as const,
  registers: [],
});

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  registry.registerMetric(moduleErrors);
  for (const metric of workerMetrics) registry.registerMetric(metric);
  // process_* and nodejs_* under their standard names, so stock dashboards work; their collectors
  // start with the first scrape (nodejs_gc_* and the event loop lag count from then on)
  const processMetrics = options.processMetrics ?? true;
  let defaultsRegistered: Promise<void> | undefined;
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) => new Histogram<L>({ name, help, labelNames, buckets, registers });
  return {
    registry,
    requests: counter('mcp_requests_total', 'MCP requests answered, by method (unknown methods count as "other"), transport and outcome (ok, error, cancelled).', ['method', 'transport', 'outcome']),
    toolCallDuration: histogram(
      'mcp_tool_call_duration_seconds',
      'Tool runs (tools/call and task rounds), by tool and outcome (ok, error, timeout, cancelled, input_required).',
      ['tool', 'outcome'],
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    ),
    storageDuration: histogram(
      'mcp_storage_operation_duration_seconds',
      'Storage operations made by modules, by engine and operation (get, put, delete, find, count, search).',
      ['engine', 'op'],
      [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    ),
    activeSessions: new Gauge({
      name: 'mcp_sessions',
      help: 'Open sessions: the stdio connection, 2025 Streamable HTTP sessions, legacy SSE connections.',
      labelNames: ['transport'] as const,
      registers,
    }),
    rejected: counter(
      'mcp_rejected_requests_total',
      'HTTP requests refused before reaching MCP, by reason (auth, host, origin, rate_limit, body_limit, session_limit, caller_session_limit, concurrency_limit).',
      ['reason'],
    ),
    httpRequests: counter('mcp_http_requests_total', 'HTTP requests answered, by route, method and status code.', ['route', 'method', 'status']),
    httpDuration: histogram(
      'mcp_http_request_duration_seconds',
      'Time until the response headers were ready (streams not included), by route and method.',
      ['route', 'method'],
      [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    ),
    countInFlight(read) {
      registry.removeSingleMetric('mcp_requests_in_flight');
      new Gauge({
        name: 'mcp_requests_in_flight',
        help: 'Requests being handled now, the number transport.maxConcurrentRequests limits.',
        registers,
        collect() {
          this.set(read());
        },
      });
    },
    render: async () => {
      if (processMetrics) defaultsRegistered ??= collectDefaultMetrics(registry);
      await defaultsRegistered;
      return registry.metrics();
    },
  };
}
