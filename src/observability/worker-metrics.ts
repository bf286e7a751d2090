import { Counter, Gauge } from './prom.js';

export interface WorkerStats {
  /** Worker threads running now. */
  workers: number;
  /** Of those, the ones running a job. */
  busy: number;
  /** Jobs waiting for a free worker. */
  queued: number;
  /** Workers replaced since start, by what their module did. */
  restarts: Record<'timeout' | 'memory' | 'exit' | 'crash', number>;
}

let current: (() => WorkerStats) | undefined;

/** Where the worker gauges read from: the running pool (one per process). */
export function reportWorkerStats(stats: () => WorkerStats): void {
  current = stats;
}

/**
 * Module worker threads (tools.isolation: worker), process-wide like mcp_module_errors_total:
 * not registered anywhere by themselves, so any metrics registry can expose them.
 */
export const workerRestarts = new Counter({
  name: 'mcp_worker_restarts_total',
  help: 'Module worker threads replaced, by reason: timeout (a call ran past its timeout), memory (out of heap), exit (process.exit), crash (an uncaught error).',
  labelNames: ['reason'] as const,
  registers: [],
});
for (const reason of ['timeout', 'memory', 'exit', 'crash']) workerRestarts.inc({ reason }, 0);

const workers = new Gauge({
  name: 'mcp_workers',
  help: 'Module worker threads running now.',
  registers: [],
  collect() {
    this.set(current?.().workers ?? 0);
  },
});

const busyWorkers = new Gauge({
  name: 'mcp_workers_busy',
  help: 'Module worker threads running a call now.',
  registers: [],
  collect() {
    this.set(current?.().busy ?? 0);
  },
});

const queuedCalls = new Gauge({
  name: 'mcp_worker_queue',
  help: 'Calls waiting for a free module worker thread.',
  registers: [],
  collect() {
    this.set(current?.().queued ?? 0);
  },
});

/** Every worker metric, for a registry to register. */
export const workerMetrics = [workers, busyWorkers, queuedCalls, workerRestarts] as const;
