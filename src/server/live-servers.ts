import type { McpServer } from '@modelcontextprotocol/server';
import type { LoadedDefinition } from '../modules/normalize.js';
import type { RegistrySnapshot } from '../modules/registry.js';
import { listOf, type RegistryChange, type ServerEvent } from './events.js';
import { servedResource } from './served-resource.js';
import type { SharedDefinitions } from './shared-definitions.js';

/** A connection's protocol generation: 2026-07-28 clients follow changes through subscriptions/listen. */
export type Era = 'modern' | 'legacy';

/** Every definition of a snapshot, in a stable order. */
export function definitionsOf(snapshot: RegistrySnapshot): LoadedDefinition[] {
  return [...snapshot.tools.values(), ...snapshot.resources.values(), ...snapshot.templates.values(), ...snapshot.prompts.values()];
}

const SEND_LIST_CHANGED = { tools: 'sendToolListChanged', resources: 'sendResourceListChanged', prompts: 'sendPromptListChanged' } as const;

/** A connection's server and the snapshot it serves, which a reload moves on in place. */
export class ServerRegistrations {
  private current: SharedDefinitions | undefined;
  /** Subscribed URIs a reload removed: the subscription ends with the update that tells the client. */
  private readonly ending = new Set<string>();

  /** URIs this connection's client subscribed to (resources/subscribe, 2025 clients). */
  subscriptions: Set<string> = new Set();

  constructor(
    readonly server: McpServer,
    private readonly sharedFor: (snapshot: RegistrySnapshot) => SharedDefinitions,
    readonly era: Era = 'legacy',
  ) {}

  /** The definitions the server serves now. */
  get shared(): SharedDefinitions {
    if (!this.current) throw new Error('no snapshot applied yet');
    return this.current;
  }

  apply(snapshot: RegistrySnapshot): void {
    if (this.current?.snapshot === snapshot) return;
    this.current = this.sharedFor(snapshot);
    this.current.adoptBy(this.server);
  }

  /**
   * Brings the server up to a reload's snapshot without a word: the reload's change is published on
   * the event bus next, which tells the client once per changed list and about the fixed resources it
   * replaced or removed. A 2025 client subscribed to a URI whose serving template changed is told
   * here; a subscription to a URI no longer served ends with the update that tells the client
   * (reading it answers "Resource not found"), unless an upstream served it: that one is down or
   * restarting, and the subscription goes on when it is back.
   */
  reload(change: RegistryChange): void {
    // adopting the new snapshot's tables sends nothing: the SDK announces registrations, not adoptions
    this.apply(change.snapshot);
    if (this.era === 'modern') return;
    for (const uri of this.subscriptions) {
      const now = servedResource(change.snapshot, uri);
      const before = servedResource(change.previous, uri);
      if (now === before) continue;
      if (!now && !before?.forward) this.ending.add(uri);
      if (!change.resourceUris.includes(uri)) this.resourceUpdated(uri);
    }
  }

  /** A change published on the event bus, for this connection's client. */
  notify(event: ServerEvent): void {
    const list = listOf(event);
    if (list) this.server[SEND_LIST_CHANGED[list]]();
    else if (event.kind === 'resource_updated') this.resourceUpdated(event.uri);
  }

  /** A 2026 connection's listen router delivers only to subscriptions that asked for this URI; a 2025 client hears only about what it subscribed to. */
  private resourceUpdated(uri: string): void {
    if (this.era === 'legacy' && !this.subscriptions.has(uri)) return;
    this.server.server.sendResourceUpdated({ uri }).catch(() => undefined);
    if (this.ending.delete(uri)) this.subscriptions.delete(uri);
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

  /** Brings every open connection's server up to a reload's snapshot (silently: see ServerRegistrations.reload). */
  reload(change: RegistryChange): void {
    for (const registrations of this.open()) registrations.reload(change);
  }

  /** Passes a change from the event bus on to every open connection. */
  notify(event: ServerEvent): void {
    for (const registrations of this.open()) registrations.notify(event);
  }

  private *open(): Generator<ServerRegistrations> {
    for (const ref of this.refs) {
      const registrations = ref.deref();
      if (registrations?.server.isConnected()) yield registrations;
      else this.refs.delete(ref);
    }
  }
}
