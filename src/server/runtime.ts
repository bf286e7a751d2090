import type { RequestStateCodec } from '@modelcontextprotocol/server';
import type { Config } from '../config/schema.js';
import type { RegistrySnapshot } from '../modules/registry.js';
import type { Logger } from '../observability/logger.js';
import type { Storage } from '../storage/types.js';
import type { ServerEvents } from './events.js';
import type { LiveServers } from './live-servers.js';
import type { TaskStore } from './tasks/store.js';

/**
 * Everything a served request needs, assembled once at start-up. The registry is read through
 * `registry()` on every request so that a reload can swap in a new snapshot atomically.
 */
export interface Runtime {
  readonly config: Config;
  readonly log: Logger;
  readonly storage: Storage;
  readonly version: string;
  readonly embed: (text: string) => number[];
  readonly requestState: RequestStateCodec;
  registry(): RegistrySnapshot;
  /** Servers of open long-lived connections, updated in place on reload. */
  readonly live: LiveServers;
  /** Reloads and module notifications (list changed, resource updated), for every transport. */
  readonly events: ServerEvents;
  /** Tasks of the Tasks extension (2026-07-28), shared by every request: bounded, in memory. */
  readonly tasks: TaskStore;
}
