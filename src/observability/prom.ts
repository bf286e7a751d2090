import { createRequire } from 'node:module';
import type * as Prom from 'prom-client';

const require = createRequire(import.meta.url);

// prom-client's metric classes straight from their files: its index also loads the default
// collectors (perf_hooks, v8, /proc readers), the push gateway (https, tls) and cluster aggregation,
// a third of a server's start-up work before its first answer, none of which that answer needs.
export const Registry: typeof Prom.Registry = require('prom-client/lib/registry');
export const Counter: typeof Prom.Counter = require('prom-client/lib/counter');
export const Gauge: typeof Prom.Gauge = require('prom-client/lib/gauge');
export const Histogram: typeof Prom.Histogram = require('prom-client/lib/histogram');
export type Registry = Prom.Registry;
export type Counter<T extends string = string> = Prom.Counter<T>;
export type Gauge<T extends string = string> = Prom.Gauge<T>;
export type Histogram<T extends string = string> = Prom.Histogram<T>;

/** Registers the process_* and nodejs_* collectors in `registry` (their code is loaded now). */
export function collectDefaultMetrics(registry: Registry): void {
  (require('prom-client/lib/defaultMetrics') as typeof Prom.collectDefaultMetrics)({ register: registry });
}
