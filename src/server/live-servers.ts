import type { McpServer } from '@modelcontextprotocol/server';
import type { LoadedDefinition } from '../modules/normalize.js';
import type { RegistrySnapshot } from '../modules/registry.js';
import type { ListName } from '../modules/snapshot-diff.js';
import type { RegistryChange, ServerEvent } from './events.js';
import { servedResource } from './served-resource.js';

/** What registering a definition returns: the SDK's handle, which can take it back. */
export interface RegisteredHandle {
  remove(): void;
}

export type Register = (server: McpServer, definition: LoadedDefinition) => RegisteredHandle;

/** A connection's protocol generation: 2026-07-28 clients follow changes through subscriptions/listen. */
export type Era = 'modern' | 'legacy';

interface Registered {
  definition: LoadedDefinition;
  handle: RegisteredHandle;
}

const keyOf = (definition: LoadedDefinition) => `${definition.kind}:${definition.name}`;

/** Every definition of a snapshot, in a stable order. */
export function definitionsOf(snapshot: RegistrySnapshot): LoadedDefinition[] {
  return [...snapshot.tools.values(), ...snapshot.resources.values(), ...snapshot.templates.values(), ...snapshot.prompts.values()];
}

const SEND_LIST_CHANGED = { tools: 'sendToolListChanged', resources: 'sendResourceListChanged', prompts: 'sendPromptListChanged' } as const;

/** One server's registrations, which can be brought up to date with a newer snapshot in place. */
export class ServerRegistrations {
  private readonly registered = new Map<string, Registered>();
  private muted = false;

  /** URIs this connection's client subscribed to (resources/subscribe, 2025 clients). */
  subscriptions: Set<string> = new Set();

  constructor(
    readonly server: McpServer,
    private readonly register: Register,
    readonly era: Era = 'legacy',
  ) {
    // The SDK announces every single registration and removal; a reload announces once per list instead.
    for (const method of Object.values(SEND_LIST_CHANGED)) {
      const send = server[method].bind(server);
      server[method] = () => {
        if (!this.muted) send();
      };
    }
  }

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

  /** Brings the server up to a reload's snapshot and tells its client once per changed list. */
  reload(change: RegistryChange): void {
    this.muted = true;
    try {
      this.apply(change.snapshot);
    } finally {
      this.muted = false;
    }
    this.listChanged(change.lists);
    for (const uri of this.staleSubscriptions(change)) this.sendResourceUpdated(uri);
  }

  listChanged(lists: readonly ListName[]): void {
    for (const list of lists) this.server[SEND_LIST_CHANGED[list]]();
  }

  resourceUpdated(uri: string): void {
    // a 2026 connection's listen router delivers only to subscriptions that asked for this URI
    if (this.era === 'legacy' && !this.subscriptions.has(uri)) return;
    this.sendResourceUpdated(uri);
  }

  private sendResourceUpdated(uri: string): void {
    this.server.server.sendResourceUpdated({ uri }).catch(() => undefined);
  }

  /**
   * Subscribed URIs whose resource the reload removed or replaced: the client is told it updated
   * (reading a removed one answers "Resource not found"), and a removed one's subscription ends.
   */
  private staleSubscriptions(change: RegistryChange): string[] {
    if (this.era === 'modern') return [...change.resourceUris];
    const stale: string[] = [];
    for (const uri of this.subscriptions) {
      const now = servedResource(change.snapshot, uri);
      if (now === servedResource(change.previous, uri)) continue;
      stale.push(uri);
      if (!now) this.subscriptions.delete(uri);
    }
    return stale;
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
  /**
   * The connection holds its server, but nothing holds the server's registrations: without this
   * link they could be collected while the connection is open, and a reload would miss it.
   */
  private readonly registrationsOf = new WeakMap<McpServer, ServerRegistrations>();

  track(registrations: ServerRegistrations): void {
    this.registrationsOf.set(registrations.server, registrations);
    const ref = new WeakRef(registrations);
    this.refs.add(ref);
    this.finalizer.register(registrations, ref);
  }

  /** Passes a server event on to every open connection; returns how many connections it reached. */
  handle(event: ServerEvent): number {
    let reached = 0;
    for (const registrations of this.open()) {
      switch (event.type) {
        case 'reloaded':
          registrations.reload(event.change);
          break;
        case 'listChanged':
          registrations.listChanged(event.lists);
          break;
        case 'resourceUpdated':
          registrations.resourceUpdated(event.uri);
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
