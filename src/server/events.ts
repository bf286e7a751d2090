import type { RegistrySnapshot } from '../modules/registry.js';
import type { ListName } from '../modules/snapshot-diff.js';

export type { ListName } from '../modules/snapshot-diff.js';

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

/** What connections need to hear about, whichever transport they came in on. */
export type ServerEvent =
  | { type: 'reloaded'; change: RegistryChange }
  | { type: 'listChanged'; lists: readonly ListName[] }
  | { type: 'resourceUpdated'; uri: string };

type Listener = (event: ServerEvent) => void;

/** A tiny synchronous event bus: a reload or a module's notification fans out to every transport. */
export class ServerEvents {
  private readonly listeners = new Set<Listener>();

  /** Returns the function that stops listening. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ServerEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
