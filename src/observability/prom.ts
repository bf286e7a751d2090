import type * as Prom from 'prom-client';
import CounterClass from 'prom-client/lib/counter.js';
import GaugeClass from 'prom-client/lib/gauge.js';
import HistogramClass from 'prom-client/lib/histogram.js';
import RegistryClass from 'prom-client/lib/registry.js';

// prom-client's metric classes straight from their files: its index also loads the default
// collectors (perf_hooks, v8, /proc readers), the push gateway (https, tls) and cluster aggregation,
// a third of a server's start-up work before its first answer, none of which that answer needs.
// Imported (not required) so that the CLI bundle carries them (scripts/bundle-cli.mjs).
export const Registry = RegistryClass as typeof Prom.Registry;
export const Counter = CounterClass as typeof Prom.Counter;
export const Gauge = GaugeClass as typeof Prom.Gauge;
export const Histogram = HistogramClass as typeof Prom.Histogram;
export type Registry = Prom.Registry;
export type Counter<T extends string = string> = Prom.Counter<T>;
export type Gauge<T extends string = string> = Prom.Gauge<T>;
export type Histogram<T extends string = string> = Prom.Histogram<T>;

/** Registers the process_* and nodejs_* collectors in `registry` (their code is loaded now). */
export async function collectDefaultMetrics(registry: Registry): Promise<void> {
  const collect = (await import('prom-client/lib/defaultMetrics.js')).default as typeof Prom.collectDefaultMetrics;
  collect({ register: registry });
}
