import { Counter, Gauge, Histogram, type Registry } from './prom.js';

/** What each upstream MCP server reports right now, for the gauges. */
export interface UpstreamGaugeSource {
  states(): Array<{ name: string; ready: boolean; tools: number }>;
}

/**
 * Per-upstream metrics, kept by the host (upstreams live as long as the server) and shown by
 * whichever registry /metrics renders. Labels are upstream names from the config (bounded) and
 * the three relayed methods.
 */
export interface UpstreamMetrics {
  readonly calls: Counter<'upstream' | 'method'>;
  readonly errors: Counter<'upstream' | 'method'>;
  readonly duration: Histogram<'upstream' | 'method'>;
  readonly restarts: Counter<'upstream'>;
  /** Adds every metric to a registry (idempotent per registry). */
  registerIn(registry: Registry): void;
}

export function createUpstreamMetrics(source: UpstreamGaugeSource): UpstreamMetrics {
  const calls = new Counter({
    name: 'mcp_upstream_calls_total',
    help: 'Calls relayed to an upstream MCP server (tools/call, prompts/get, resources/read), by upstream and method.',
    labelNames: ['upstream', 'method'] as const,
    registers: [],
  });
  const errors = new Counter({
    name: 'mcp_upstream_call_errors_total',
    help: 'Relayed calls that ended without an answer (upstream error, timeout, cancellation, upstream down), by upstream and method.',
    labelNames: ['upstream', 'method'] as const,
    registers: [],
  });
  const duration = new Histogram({
    name: 'mcp_upstream_call_duration_seconds',
    help: 'Time from relaying a call to its answer (time the client took to answer the upstream included), by upstream and method.',
    labelNames: ['upstream', 'method'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [],
  });
  const restarts = new Counter({
    name: 'mcp_upstream_restarts_total',
    help: 'Restarts of an upstream after it exited, stopped answering or failed to start.',
    labelNames: ['upstream'] as const,
    registers: [],
  });
  const ready = new Gauge({
    name: 'mcp_upstream_ready',
    help: '1 when the upstream is connected and its definitions are served, else 0.',
    labelNames: ['upstream'] as const,
    registers: [],
    collect() {
      this.reset();
      for (const state of source.states()) this.set({ upstream: state.name }, state.ready ? 1 : 0);
    },
  });
  const tools = new Gauge({
    name: 'mcp_upstream_tools',
    help: 'Tools of the upstream served now (0 while it is down).',
    labelNames: ['upstream'] as const,
    registers: [],
    collect() {
      this.reset();
      for (const state of source.states()) this.set({ upstream: state.name }, state.tools);
    },
  });
  const all: Array<[string, Parameters<Registry['registerMetric']>[0]]> = [
    ['mcp_upstream_calls_total', calls],
    ['mcp_upstream_call_errors_total', errors],
    ['mcp_upstream_call_duration_seconds', duration],
    ['mcp_upstream_restarts_total', restarts],
    ['mcp_upstream_ready', ready],
    ['mcp_upstream_tools', tools],
  ];
  return {
    calls,
    errors,
    duration,
    restarts,
    registerIn(registry) {
      for (const [name, metric] of all) if (!registry.getSingleMetric(name)) registry.registerMetric(metric);
    },
  };
}
