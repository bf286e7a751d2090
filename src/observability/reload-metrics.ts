import { Counter, Gauge, type Registry } from './prom.js';

/** Reload metrics, kept by the host and shown by whichever registry /metrics renders. */
export interface ReloadMetrics {
  readonly reloads: Counter<'trigger' | 'result'>;
  readonly generation: Gauge;
  /** Adds both metrics to a registry (idempotent per registry). */
  registerIn(registry: Registry): void;
}

export function createReloadMetrics(): ReloadMetrics {
  const reloads = new Counter({
    name: 'mcp_reloads_total',
    help: 'Reloads by trigger (signal, watch, admin) and result (applied, refused).',
    labelNames: ['trigger', 'result'] as const,
    registers: [],
  });
  const generation = new Gauge({ name: 'mcp_config_generation', help: 'Generation of the running config and modules: 1 at start, one more per applied reload.', registers: [] });
  generation.set(1);
  return {
    reloads,
    generation,
    registerIn(registry) {
      if (!registry.getSingleMetric('mcp_reloads_total')) registry.registerMetric(reloads);
      if (!registry.getSingleMetric('mcp_config_generation')) registry.registerMetric(generation);
    },
  };
}
