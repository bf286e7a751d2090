import type { McpServer } from '@modelcontextprotocol/server';
import type { LoadedDefinition } from '../modules/normalize.js';
import type { RegistrySnapshot } from '../modules/registry.js';
import type { ServerEvent } from './events.js';

/** What registering a definition returns: the SDK's handle, which can take it back. */
export interface RegisteredHandle {
  remove(): void;
}

export type Register = (server: McpServer, definition: LoadedDefinition) => RegisteredHandle;

interface Registered {
  definition: LoadedDefinition;
  handle: RegisteredHandle;
}

const keyOf = (definition: LoadedDefinition) => `${definition.kind}:${definition.name}`;

/** Every definition of a snapshot, in a stable order. */
export function definitionsOf(snapshot: RegistrySnapshot): LoadedDefinition[] {
  return [...snapshot.tools.values(), ...snapshot.resources.values(), ...snapshot.templates.values(), ...snapshot.prompts.values()];
}

/** One server's registrations, which can be brought up to date with a newer snapshot in place. */
export class ServerRegistrations {
  private readonly registered = new Map<string, Registered>();

  /** URIs this connection's client subscribed to (resources/subscribe). */
  subscriptions: ReadonlySet<string> = new Set();

  constructor(
    readonly server: McpServer,
    private readonly register: Register,
  ) {}

  apply(snapshot: RegistrySnapshot): void {
    const next = new Map(definitionsOf(snapshot).map((definition) => [keyOf(definition), definition]));
    for (const [key, entry] of this.registered) {
      if (next.get(key) === entry.definition) continue;
      entry.handle.remove();
      this.registered.delete(key);
    }
    for (const [key, definition] of next) {
      if (!this.registered.has(key)) this.registered.set(key, { definition, handle: this.register(this.server, definition) });
    }
  }
}

/**
 * Servers of long-lived connections (a stdio connection, a 2025 session), so that a reload can update
 * them in place: the SDK then tells each client its lists changed. Held weakly: a closed connection's
 * server is collected as usual and drops out by itself.
 */
export class LiveServers {
  private readonly refs = new Set<WeakRef<ServerRegistrations>>();
  private readonly finalizer = new FinalizationRegistry<WeakRef<ServerRegistrations>>((ref) => this.refs.delete(ref));

  track(registrations: ServerRegistrations): void {
    const ref = new WeakRef(registrations);
    this.refs.add(ref);
    this.finalizer.register(registrations, ref);
  }

  /** Passes a server event on to every open connection; returns how many connections it reached. */
  handle(event: ServerEvent): number {
    let reached = 0;
    for (const registrations of this.open()) {
      const { server } = registrations;
      switch (event.type) {
        case 'reloaded':
          registrations.apply(event.snapshot);
          break;
        case 'listChanged':
          if (event.lists.includes('tools')) server.sendToolListChanged();
          if (event.lists.includes('resources')) server.sendResourceListChanged();
          if (event.lists.includes('prompts')) server.sendPromptListChanged();
          break;
        case 'resourceUpdated':
          if (!registrations.subscriptions.has(event.uri)) continue;
          server.server.sendResourceUpdated({ uri: event.uri }).catch(() => undefined);
          break;
      }
      reached++;
    }
    return reached;
  }

  private *open(): Generator<ServerRegistrations> {
    for (const ref of this.refs) {
      const registrations = ref.deref();
      if (registrations?.server.isConnected()) yield registrations;
      else this.refs.delete(ref);
    }
  }
}
