import { InMemoryServerEventBus, type ServerEvent, type ServerEventBus } from '@modelcontextprotocol/server';
import type { RegistrySnapshot } from '../modules/registry.js';
import type { ListName } from '../modules/snapshot-diff.js';
import type { Logger } from '../observability/logger.js';

export type { ListName } from '../modules/snapshot-diff.js';
export type { ServerEvent, ServerEventBus } from '@modelcontextprotocol/server';

/** What a reload changed that connections must hear about. */
export interface RegistryChange {
  readonly previous: RegistrySnapshot;
  readonly snapshot: RegistrySnapshot;
  /** Lists whose content changed (compared by definition): one list_changed each, no more. */
  readonly lists: readonly ListName[];
  /** Fixed resource URIs whose definition was removed or replaced (subscribers are told it updated). */
  readonly resourceUris: readonly string[];
  /** Config keys whose value changed and took effect. */
  readonly settings: readonly string[];
}

/**
 * The one event bus: the SDK's own. Change notifications (a list changed, a resource updated) from
 * reloads, modules and upstreams are published on it; the SDK's Streamable HTTP handler delivers
 * them to 2026-07-28 subscriptions/listen streams, and runtime.live to the open connections (stdio,
 * 2025 sessions). A reload swaps the live servers' registrations first, then publishes its change.
 */
export function createEventBus(log: Logger): ServerEventBus {
  return new InMemoryServerEventBus((error) => log.error({ err: error }, 'delivering a change notification failed'));
}

const LIST_CHANGED = { tools: 'tools_list_changed', resources: 'resources_list_changed', prompts: 'prompts_list_changed' } as const;

/** The list a list-changed event is about; undefined for a resource update. */
export function listOf(event: ServerEvent): ListName | undefined {
  return (Object.keys(LIST_CHANGED) as ListName[]).find((list) => LIST_CHANGED[list] === event.kind);
}

export function publishListChanged(bus: ServerEventBus, lists: readonly ListName[]): void {
  for (const list of lists) bus.publish({ kind: LIST_CHANGED[list] });
}

/** A reload's change: one list_changed per changed list, then an update for each replaced or removed resource. */
export function publishChange(bus: ServerEventBus, change: RegistryChange): void {
  publishListChanged(bus, change.lists);
  for (const uri of change.resourceUris) bus.publish({ kind: 'resource_updated', uri });
}
