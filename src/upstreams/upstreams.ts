import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../config/schema.js';
import type { LoadedDefinition } from '../modules/normalize.js';
import type { Logger } from '../observability/logger.js';
import { createUpstreamMetrics, type UpstreamMetrics } from '../observability/upstream-metrics.js';
import type { Env } from './expand-env.js';
import { FollowedUris, type Unfollow } from './followed-uris.js';
import { Reaper } from './reaper.js';
import type { Upstream, UpstreamStatus } from './upstream.js';

export interface UpstreamsOptions {
  log: Logger;
  version: string;
  env?: Env;
  /** Some upstream's definitions changed (it came up, went down, or its lists changed). */
  onChange(): void;
  onResourceUpdated(uri: string): void;
}

/**
 * Every configured upstream, by name. A reload hands over the new `upstreams:` section: new names
 * start, removed names stop, changed ones restart, and the others are not touched (one that gave
 * up is tried again).
 */
export class Upstreams {
  readonly metrics: UpstreamMetrics;
  private readonly running = new Map<string, Upstream>();
  private readonly reaper = new Reaper();
  private readonly followed = new FollowedUris(() => {
    for (const upstream of this.running.values()) upstream.followedChanged();
  });
  private closed = false;
  /** The upstream client code (the client SDK, process spawning) is loaded when the config names an upstream. */
  private code: typeof import('./upstream.js') | undefined;
  private loading: Promise<void> | undefined;
  private latest: Config['upstreams'] = {};

  /**
   * A client follows these resource URIs (resources/subscribe, subscriptions/listen) until the
   * returned function is called: the upstreams serving them subscribe while anyone follows them.
   */
  readonly follow = (uris: readonly string[]): Unfollow => this.followed.follow(uris);

  constructor(private readonly options: UpstreamsOptions) {
    this.metrics = createUpstreamMetrics({ states: () => [...this.running.values()].map((upstream) => ({ name: upstream.name, ready: upstream.isReady, tools: upstream.status().tools })) });
  }

  /** Brings the running upstreams in line with `configs`. */
  apply(configs: Config['upstreams']): void {
    if (this.closed) return;
    this.latest = configs;
    for (const [name, upstream] of this.running) {
      const next = configs[name];
      if (next && isDeepStrictEqual(next, upstream.config) && upstream.status().state !== 'failed') continue;
      this.running.delete(name);
      void upstream.stop();
    }
    if (Object.keys(configs).length === 0) return;
    const code = this.code;
    if (!code) {
      this.loading ??= import('./upstream.js').then(
        (loaded) => {
          this.code = loaded;
          this.apply(this.latest);
        },
        (error: unknown) => this.options.log.error({ err: error }, 'loading the upstream client failed'),
      );
      return;
    }
    for (const [name, config] of Object.entries(configs)) {
      if (this.running.has(name)) continue;
      const upstream = new code.Upstream(name, config, {
        log: this.options.log,
        reaper: this.reaper,
        env: this.options.env ?? process.env,
        version: this.options.version,
        metrics: this.metrics,
        onChange: () => this.options.onChange(),
        onResourceUpdated: (uri) => this.options.onResourceUpdated(uri),
        followed: () => this.followed.uris(),
      });
      this.running.set(name, upstream);
      upstream.start();
    }
  }

  /** The definitions of the upstreams `configs` names, those running with exactly that config, in config order. */
  definitionsFor(configs: Config['upstreams']): LoadedDefinition[] {
    return Object.entries(configs).flatMap(([name, config]) => {
      const upstream = this.running.get(name);
      return upstream && isDeepStrictEqual(upstream.config, config) ? [...upstream.definitions] : [];
    });
  }

  /** Waits until every upstream has made its first start attempt, or `timeoutMs` passed. */
  async firstAttempts(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    const attempts = async () => {
      await this.loading;
      await Promise.all([...this.running.values()].map((upstream) => upstream.firstAttempt));
    };
    await Promise.race([attempts(), deadline]);
    clearTimeout(timer);
  }

  statuses(): UpstreamStatus[] {
    return [...this.running.values()].map((upstream) => upstream.status());
  }

  /** Why /ready must say no: required upstreams that are not ready (or not started yet: the client code is still loading). */
  readinessProblems(): string[] {
    const notStarted = Object.entries(this.latest)
      .filter(([name, config]) => config.required && !this.running.has(name))
      .map(([name]) => `upstream "${name}" is starting`);
    const notReady = this.statuses()
      .filter((status) => status.required && status.state !== 'ready')
      .map((status) => `upstream "${status.name}" is ${status.state}${status.lastError ? `: ${status.lastError}` : ''}`);
    return [...notStarted, ...notReady];
  }

  /** Stops every upstream (their process groups too) and the reaper. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map((upstream) => upstream.stop()));
    this.reaper.close();
  }
}
