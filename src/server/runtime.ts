import type { Config } from '../config/schema.js';
import type { LoadedConfig } from '../config/types.js';
import type { RegistrySnapshot } from '../modules/registry.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ReloadMetrics } from '../observability/reload-metrics.js';
import type { WorkerStats } from '../observability/worker-metrics.js';
import type { Storage } from '../storage/types.js';
import type { ServerEventBus } from './events.js';
import type { Readiness } from './readiness.js';
import type { RequestState } from './request-state.js';
import type { LiveServers } from './live-servers.js';
import type { ReloadReport, ReloadTrigger } from './reload-report.js';
import type { TaskStore } from './tasks/store.js';
import type { Upstreams } from '../upstreams/upstreams.js';

/**
 * Everything a served request needs, assembled once at start-up. The config and the registry are
 * read on every request (`config`, `registry()`) so that a reload can swap in new ones atomically:
 * a request reads them when it starts and keeps what it read.
 */
export interface Runtime {
  /** The running config; a reload replaces it whole. */
  readonly config: Config;
  readonly log: Logger;
  /** The process's metrics, shared by every transport. */
  readonly metrics: Metrics;
  readonly storage: Storage;
  readonly version: string;
  readonly embed: (text: string) => number[];
  /** Multi-round-trip requestState: signed, and bound to the caller, method, definition and arguments. */
  readonly requestState: RequestState;
  registry(): RegistrySnapshot;
  /** Servers of open long-lived connections, updated in place on reload. */
  readonly live: LiveServers;
  /**
   * The one event bus (the SDK's): list-changed and resource-updated notifications from reloads,
   * modules and upstreams, for every connection of every transport.
   */
  readonly events: ServerEventBus;
  /** Tasks of the Tasks extension (2026-07-28), shared by every request: bounded, in memory. */
  readonly tasks: TaskStore;
  /** The running config's generation: 1 at start, one more per applied reload. */
  readonly generation: number;
  /** The running config with where each value came from (secrets included: redact before showing). */
  loadedConfig(): LoadedConfig;
  /** The one reload path (SIGHUP, --watch and POST /admin/reload all come here). */
  reload(trigger: ReloadTrigger): Promise<ReloadReport>;
  /** mcp_reloads_total and mcp_config_generation, for /metrics. */
  readonly reloadMetrics: ReloadMetrics;
  /** The upstream MCP servers: their states for /ready and /info, their metrics for /metrics, the resources clients follow. */
  readonly upstreams: Pick<Upstreams, 'statuses' | 'readinessProblems' | 'metrics' | 'follow'>;
  /** Module worker threads (tools.isolation: worker): how many, how many busy, restarts by reason. */
  workers(): WorkerStats;
  /** Storage and the first snapshot: until then `storage` and `registry()` throw (only stdio serves that early). */
  readonly readiness: Readiness;
}
