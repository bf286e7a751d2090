import type { UpstreamConfig } from '../config/upstreams-schema.js';
import type { LoadedDefinition } from '../modules/normalize.js';
import { errorMessage } from '../modules/registry.js';
import { CoalescingRunner } from '../server/coalescing-runner.js';
import { servesUri } from '../server/served-resource.js';
import type { Logger } from '../observability/logger.js';
import type { UpstreamMetrics } from '../observability/upstream-metrics.js';
import { backoffDelayMs } from './backoff.js';
import type { Env } from './expand-env.js';
import { keepUnchanged, listDefinitions } from './listing.js';
import { PendingCalls } from './pending-calls.js';
import type { Reaper } from './reaper.js';
import type { RelayMethod, RelayTarget, Session } from './relay.js';
import { openSession, type ConnectHint, type LiveSession } from './session.js';

export type UpstreamState = 'starting' | 'ready' | 'backing-off' | 'failed' | 'stopped';

export interface UpstreamStatus {
  name: string;
  state: UpstreamState;
  required: boolean;
  transport: 'stdio' | 'streamable-http' | 'sse';
  /** Protocol generation of the connection (when connected). */
  era?: 'modern' | 'legacy';
  tools: number;
  resources: number;
  prompts: number;
  restarts: number;
  /** The process id of a stdio upstream that is running. */
  pid?: number;
  /** Why it is not ready (its last failure), when it is not. */
  lastError?: string;
  /** Seconds until the next start attempt, while backing off. */
  retryInSeconds?: number;
}

export interface UpstreamDeps {
  log: Logger;
  reaper: Reaper;
  env: Env;
  version: string;
  metrics: UpstreamMetrics;
  /** Its definitions changed (it came up, went down, or its lists changed). */
  onChange(): void;
  onResourceUpdated(uri: string): void;
  /** The resource URIs clients follow now (see FollowedUris). */
  followed(): Iterable<string>;
}

/** A connection that stayed up this long was healthy: the next failure starts backing off from the beginning. */
const STABLE_MS = 60_000;
/** List changes announced this close together are fetched once. */
const LIST_DEBOUNCE_MS = 100;

/**
 * One upstream MCP server, supervised: connects (spawning a stdio server), serves its definitions
 * while connected, and when it exits, stops answering pings or fails to start, fails the calls in
 * flight with a clear error, withdraws its definitions, and tries again after an exponential
 * backoff with jitter; after `restart.maxRetries` failures in a row it gives up (state failed)
 * until a reload.
 */
export class Upstream implements RelayTarget {
  readonly pending = new PendingCalls();
  private state: UpstreamState = 'starting';
  private current: LiveSession | undefined;
  private served: LoadedDefinition[] = [];
  private failures = 0;
  private restarts = 0;
  private lastError: string | undefined;
  private retryAt: number | undefined;
  private hint: ConnectHint | undefined;
  private stopping = false;
  private readonly halt = new AbortController();
  private readonly halted = new Promise<void>((resolve) => this.halt.signal.addEventListener('abort', () => resolve(), { once: true }));
  private wakeUp: (() => void) | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;
  private settleFirst: () => void = () => undefined;
  /** Resolves once the first start attempt has ended (ready, or failed). */
  readonly firstAttempt = new Promise<void>((resolve) => (this.settleFirst = resolve));
  private running: Promise<void> | undefined;
  private readonly subscriptionSync = new CoalescingRunner<void, void>(() => this.syncSubscriptions());

  constructor(
    readonly name: string,
    readonly config: UpstreamConfig,
    private readonly deps: UpstreamDeps,
  ) {
    this.log = deps.log.child({ upstream: name });
  }

  get timeoutMs(): number {
    return this.config.timeoutSeconds * 1000;
  }

  /** Its definitions now: none unless it is ready. */
  get definitions(): readonly LoadedDefinition[] {
    return this.state === 'ready' ? this.served : [];
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  start(): void {
    this.running ??= this.supervise();
  }

  /** Stops it for good: calls in flight fail, the process (group) is stopped. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.halt.abort();
    this.wakeUp?.();
    clearTimeout(this.refreshTimer);
    clearInterval(this.pingTimer);
    const session = this.current;
    this.current = undefined;
    this.setState('stopped');
    this.fail(new Error(`upstream "${this.name}" was stopped (removed or changed by a reload, or the server is shutting down)`), session);
    await session?.close();
    await this.running;
  }

  /** The URIs clients follow changed: subscribe at the upstream to those it serves, unsubscribe from the others. */
  followedChanged(): void {
    this.subscriptionSync.request().catch((error: unknown) => this.log.warn({ err: error }, `upstream "${this.name}": updating its resource subscriptions failed`));
  }

  session(): Session {
    if (this.state === 'ready' && this.current) return this.current;
    throw new Error(`upstream "${this.name}" is not available: ${this.describeDown()}`);
  }

  observe(method: RelayMethod, ok: boolean, seconds: number): void {
    const labels = { upstream: this.name, method };
    this.deps.metrics.calls.inc(labels);
    if (!ok) this.deps.metrics.errors.inc(labels);
    this.deps.metrics.duration.observe(labels, seconds);
  }

  status(): UpstreamStatus {
    const count = (kinds: LoadedDefinition['kind'][]) => this.definitions.filter((definition) => kinds.includes(definition.kind)).length;
    const session = this.state === 'ready' ? this.current : undefined;
    return {
      name: this.name,
      state: this.state,
      required: this.config.required,
      transport: this.config.command ? 'stdio' : (session?.kind ?? this.hint?.kind ?? 'streamable-http'),
      ...(session ? { era: session.era } : {}),
      tools: count(['tool']),
      resources: count(['resource', 'resourceTemplate']),
      prompts: count(['prompt']),
      restarts: this.restarts,
      ...(session?.pid ? { pid: session.pid } : {}),
      ...(this.state !== 'ready' && this.lastError ? { lastError: this.lastError } : {}),
      ...(this.state === 'backing-off' && this.retryAt ? { retryInSeconds: Math.max(0, Math.round((this.retryAt - Date.now()) / 100) / 10) } : {}),
    };
  }

  private async supervise(): Promise<void> {
    while (!this.stopping) {
      this.setState('starting');
      const up = await this.connect();
      this.settleFirst();
      if (this.stopping) return;
      if (up) {
        const startedAt = Date.now();
        const why = await Promise.race([up.lost, this.halted.then(() => undefined)]);
        if (this.stopping || why === undefined) return;
        this.log.warn({ reason: why }, `upstream "${this.name}" stopped: ${why}`);
        this.current = undefined;
        clearInterval(this.pingTimer);
        this.fail(new Error(`upstream "${this.name}" stopped while the call was in flight: ${why}`), up);
        void up.close();
        this.deps.onChange();
        if (Date.now() - startedAt >= STABLE_MS) this.failures = 0;
        this.lastError = why;
      }
      this.failures += 1;
      if (this.failures > this.config.restart.maxRetries) {
        this.setState('failed');
        this.log.error({ failures: this.failures - 1, reason: this.lastError }, `upstream "${this.name}" failed ${this.failures} times in a row; giving up until the next reload`);
        return;
      }
      const delay = backoffDelayMs(this.failures, this.config.restart);
      this.retryAt = Date.now() + delay;
      this.setState('backing-off');
      this.log.info({ attempt: this.failures, delayMs: delay }, `upstream "${this.name}" restarts in ${(delay / 1000).toFixed(1)} s`);
      await this.sleep(delay);
      if (this.stopping) return;
      this.restarts += 1;
      this.deps.metrics.restarts.inc({ upstream: this.name });
    }
  }

  /** One start attempt: connected and listed, or undefined (lastError says why). */
  private async connect(): Promise<LiveSession | undefined> {
    let session: LiveSession | undefined;
    try {
      session = await openSession({
        name: this.name,
        config: this.config,
        env: this.deps.env,
        reaper: this.deps.reaper,
        log: this.deps.log,
        version: this.deps.version,
        ...(this.hint ? { hint: this.hint } : {}),
        signal: this.halt.signal,
        onListChanged: () => this.scheduleRefresh(),
        onResourceUpdated: (uri) => this.deps.onResourceUpdated(uri),
      });
      const opened = session;
      const abandon = () => void opened.close();
      this.halt.signal.addEventListener('abort', abandon, { once: true });
      const definitions = await listDefinitions(this.name, this.config, session, this).finally(() => this.halt.signal.removeEventListener('abort', abandon));
      if (this.stopping) {
        await session.close();
        return undefined;
      }
      this.hint = session.hint;
      this.current = session;
      this.served = keepUnchanged(this.served, definitions);
      this.lastError = undefined;
      this.setState('ready');
      this.startPinging(session);
      // a new connection has no subscriptions yet (after a restart too)
      this.followedChanged();
      this.log.info(
        { transport: session.kind, era: session.era, pid: session.pid, tools: this.status().tools, resources: this.status().resources, prompts: this.status().prompts },
        `upstream "${this.name}" ready`,
      );
      this.deps.onChange();
      return session;
    } catch (error) {
      await session?.close();
      // a remembered verdict may be stale (the upstream was upgraded or replaced): probe again next time
      this.hint = undefined;
      this.lastError = errorMessage(error);
      if (!this.stopping) this.log.warn({ reason: this.lastError }, `upstream "${this.name}" did not start: ${this.lastError}`);
      return undefined;
    }
  }

  private startPinging(session: LiveSession): void {
    clearInterval(this.pingTimer);
    const seconds = this.config.pingIntervalSeconds;
    if (seconds <= 0) return;
    let checking = false;
    this.pingTimer = setInterval(() => {
      if (checking) return;
      checking = true;
      void session.check().finally(() => (checking = false));
    }, seconds * 1000);
    this.pingTimer.unref();
  }

  /** The upstream said a list changed: fetch the lists again (once for a burst) and tell the host. */
  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), LIST_DEBOUNCE_MS);
    this.refreshTimer.unref();
  }

  private async refresh(): Promise<void> {
    const session = this.current;
    if (!session || this.state !== 'ready') return;
    try {
      const definitions = keepUnchanged(this.served, await listDefinitions(this.name, this.config, session, this));
      if (session !== this.current) return;
      this.served = definitions;
      this.deps.onChange();
      this.followedChanged();
    } catch (error) {
      this.log.warn({ err: error }, `upstream "${this.name}": fetching its lists again failed; serving what it listed before`);
    }
  }

  private async syncSubscriptions(): Promise<void> {
    const session = this.current;
    if (!session || this.state !== 'ready' || !session.capabilities.resources?.subscribe) return;
    await session.subscriptions.set(new Set([...this.deps.followed()].filter((uri) => servesUri(this.served, uri))));
  }

  /** Calls in flight on `session` (and calls waiting for a client's answers) end with `reason`. */
  private fail(reason: Error, session: LiveSession | undefined): void {
    session?.inFlight.cancelAll(reason);
    this.pending.cancelAll(reason);
  }

  private describeDown(): string {
    switch (this.state) {
      case 'starting':
        return this.lastError ? `starting again after: ${this.lastError}` : 'starting';
      case 'backing-off':
        return `restarting in ${this.status().retryInSeconds ?? 0} s after: ${this.lastError ?? 'a failure'}`;
      case 'failed':
        return `gave up after ${this.config.restart.maxRetries + 1} failures in a row (last: ${this.lastError ?? 'unknown'}); a reload tries again`;
      default:
        return this.state;
    }
  }

  private setState(state: UpstreamState): void {
    if (this.state === 'stopped') return;
    this.state = state;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
