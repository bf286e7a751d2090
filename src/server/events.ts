import type { RegistrySnapshot } from '../modules/registry.js';

export type ListName = 'tools' | 'resources' | 'prompts';

/** What connections need to hear about, whichever transport they came in on. */
export type ServerEvent =
  | { type: 'reloaded'; snapshot: RegistrySnapshot }
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
