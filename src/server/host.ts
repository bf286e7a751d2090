import type { ConfigResult, LoadedConfig } from '../config/types.js';
import { createEmbedder } from '../embedding/index.js';
import { ModuleFileCache } from '../modules/file-cache.js';
import { errorMessage } from '../modules/registry.js';
import { createReconfigurableLogger, type ReconfigurableLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import type { MetricsServer } from '../observability/metrics-server.js';
import { instrumentStorage } from '../observability/storage-metrics.js';
import { createReloadMetrics } from '../observability/reload-metrics.js';
import { openStorage } from '../storage/open.js';
import type { Storage } from '../storage/types.js';
import { Upstreams } from '../upstreams/upstreams.js';
import type { Config } from '../config/schema.js';
import { prepareTransport, startTransport, type TransportHandle } from '../transports/start.js';
import type { StdioOpening } from '../transports/stdio-opening.js';
import { serverVersion } from '../version.js';
import { backupAnswerer } from './backup-on-request.js';
import { CoalescingRunner } from './coalescing-runner.js';
import { createEventBus, publishChange, type RegistryChange } from './events.js';
import { collectGarbage } from './garbage.js';
import { LiveServers } from './live-servers.js';
import { loadRegistry } from './load-registry.js';
import { WorkerIsolation } from './isolation/worker-isolation.js';
import { installModuleFaults } from './module-faults.js';
import { prepareRefresh, prepareReload, refusedReport, type PreparedReload, type Serving } from './reload.js';
import { logReload, type ReloadReport, type ReloadTrigger } from './reload-report.js';
import { Readiness } from './readiness.js';
import { createRequestState } from './request-state.js';
import type { Runtime } from './runtime.js';
import { startWarnings } from './start-warnings.js';
import { TaskStore } from './tasks/store.js';
import { checkToolsCallDispatch } from './tools-call-dispatch.js';
import { ConfiguredWatcher } from './watch.js';
import { timerDelay } from '../timers.js';

export interface HostOptions {
  /** The config to start with. */
  loaded: LoadedConfig;
  /** Reads the config again (file and environment, with the start-time flags) for a reload. */
  reread: () => ConfigResult;
  /**
   * Serves over this instead of the configured transport, in a process that is not the server's alone
   * (mcp-server/testing: an in-memory pair): stdout and Node's last-resort error handlers are left as
   * they are, and no metrics port or process-wide metric collector is opened.
   */
  transport?: (runtime: Runtime) => TransportHandle;
  /** The logger made for `loaded.config.logging`, if one was made before (a new one otherwise). */
  logger?: ReconfigurableLogger;
  /** Under stdio: the connection, when it was opened before the server was built (see serve.ts). */
  stdio?: StdioOpening;
}

export interface Host {
  readonly runtime: Runtime;
  /** Where the HTTP transports listen (`http://127.0.0.1:8000`); undefined under stdio. */
  readonly url: string | undefined;
  /** Resolves with the exit code once the server stopped. */
  readonly done: Promise<number>;
  /** The one reload path; reloads run one at a time and overlapping requests share a run. */
  reload(trigger: ReloadTrigger): Promise<ReloadReport>;
  /** Answers pending `mcp-server --backup` requests for this data directory. */
  answerBackupRequests(): void;
  /** Graceful shutdown: drain the transport, close tasks and storage; `done` then resolves with `exitCode`. */
  close(reason: string, exitCode?: number): Promise<void>;
}

/**
 * Starts the server: storage, modules, runtime and transport, and owns them until close(). A
 * reload swaps config and registry whole: requests read both when they start, so calls already
 * running finish on the version they began with and open connections stay open.
 */
export async function startHost({ loaded, reread, transport: serveOver, ...early }: HostOptions): Promise<Host> {
  // an SDK whose private dispatch changed would serve without tasks and the requestState guard: refuse
  checkToolsCallDispatch();
  const logger = early.logger ?? createReconfigurableLogger(loaded.config.logging);
  const { log } = logger;
  // a stray error from module code is survived; any other ends the server (once it is up) with exit 1
  const unexpectedError = serveOver ? undefined : new Promise<void>((resolve) => installModuleFaults({ log, onFatal: () => resolve() }));
  // under stdio the move of fd 1 starts now; what could write to fd 1 waits for it below
  const transportPrepared = serveOver ? undefined : prepareTransport(loaded.config, log);
  for (const warning of startWarnings(loaded.config)) log.warn(warning);
  // process_* and nodejs_* collectors are once per process: not for a server inside someone else's
  const metrics = createMetrics({ processMetrics: !serveOver });
  // upstreams start before storage opens: their processes come up while storage opens and modules load
  let refreshUpstreams = (): void => undefined;
  const events = createEventBus(log);
  const upstreams = new Upstreams({
    log,
    version: serverVersion,
    onChange: () => refreshUpstreams(),
    onResourceUpdated: (uri) => events.publish({ kind: 'resource_updated', uri }),
  });
  upstreams.metrics.registerIn(metrics.registry);
  const cache = new ModuleFileCache();
  const workers = new WorkerIsolation(loaded.config, log);
  const reloadMetrics = createReloadMetrics();
  reloadMetrics.registerIn(metrics.registry);
  let metricsServer: MetricsServer | undefined;
  // assigned once storage and the first snapshot are ready (readiness), before anything reads it
  let serving!: Serving;
  let transport: TransportHandle | undefined;
  let storage: Storage | undefined;
  const { config } = loaded;
  const embedder = createEmbedder(config.storage.embedder);
  const readiness = new Readiness();
  const notReady = (what: string) => new Error(`${what} asked for before the server was ready (mcp-server bug)`);
  const runtime: Runtime = {
    get config() {
      return readiness.isReady ? serving.loaded.config : loaded.config;
    },
    log,
    metrics,
    get storage() {
      if (!storage) throw notReady('storage');
      return storage;
    },
    version: serverVersion,
    embed: (text) => embedder.embed(text),
    requestState: createRequestState({ ...(config.server.requestStateSecret ? { secret: config.server.requestStateSecret } : {}), ttlSeconds: 3600 }),
    registry: () => {
      if (!readiness.isReady) throw notReady('the registry');
      return serving.snapshot;
    },
    live: new LiveServers(),
    events,
    tasks: new TaskStore(taskLimits(config)),
    get generation() {
      return readiness.isReady ? serving.generation : 0;
    },
    loadedConfig: () => (readiness.isReady ? serving.loaded : loaded),
    reload: (trigger) => reloads.request(trigger),
    reloadMetrics,
    upstreams,
    workers: () => workers.stats(),
    readiness,
  };
  // Under stdio the transport starts now: `initialize` needs neither storage nor modules, and what
  // comes after it waits for them (Readiness). A transport that ends before start-up is done ends it after.
  let endedEarly: string | undefined;
  let end = (reason: string) => void (endedEarly ??= reason);
  try {
    if (!serveOver && config.transport.type === 'stdio') transport = await startTransport(runtime, (reason) => end(reason), early.stdio);
    // module code, upstream processes and native engines could write to fd 1: not before it is moved
    await transportPrepared;
    upstreams.apply(loaded.config.upstreams);
    storage = instrumentStorage(await openStorage(loaded.config.storage, log, { waitForLock: true }), metrics);
    // the first snapshot serves the upstreams that came up in time (each within its timeoutSeconds)
    await upstreams.firstAttempts(firstAttemptBound(loaded.config));
    serving = { loaded, snapshot: await loadRegistry(loaded.config, 1, cache, upstreams, workers), generation: 1 };
  } catch (error) {
    await transport?.close().catch(() => undefined);
    await upstreams.close();
    await workers.close();
    await storage?.close();
    throw error;
  }
  for (const problem of serving.snapshot.problems) log.error({ file: problem.file }, `module not served: ${problem.reason}`);
  for (const line of serving.snapshot.skipped) log.warn(line);
  const openedStorage = storage;
  readiness.markReady();
  runtime.events.subscribe((event) => runtime.live.notify(event));
  /** After a swap: live servers take the new registrations, then every client hears what changed, then the task store and the transport apply new settings. */
  const announce = (change: RegistryChange) => {
    runtime.live.reload(change);
    publishChange(runtime.events, change);
    runtime.tasks.resize(taskLimits(runtime.config));
    transport?.reloaded?.();
  };
  const answerBackups = backupAnswerer(config, openedStorage, log);

  const watcher = new ConfiguredWatcher(() => void runtime.reload('watch'), log);

  let closing = false;
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  let closed: Promise<void> | undefined;
  const close = (reason: string, exitCode = 0): Promise<void> =>
    (closed ??= (async () => {
      closing = true;
      log.info({ reason }, 'shutting down');
      const deadline = setTimeout(
        () => {
          log.error('shutdown took too long; exiting');
          resolveDone(1);
        },
        timerDelay(runtime.config.transport.shutdownTimeoutSeconds * 1000 + 2000),
      );
      deadline.unref();
      await watcher.close().catch(() => undefined);
      try {
        await transport?.close();
      } catch (error) {
        log.warn({ err: error }, 'closing the transport failed');
      }
      runtime.tasks.close();
      await metricsServer?.close();
      await upstreams.close().catch((error: unknown) => log.warn({ err: error }, 'stopping upstreams failed'));
      await workers.close();
      await openedStorage.close();
      clearTimeout(deadline);
      log.info('stopped');
      resolveDone(exitCode);
    })());

  const reloads = new CoalescingRunner<ReloadTrigger, ReloadReport>(async (triggers) => {
    const started = performance.now();
    const trigger = triggers.find((one) => one !== 'upstream');
    if (!trigger) return refresh(started, triggers.length);
    let prepared: PreparedReload;
    try {
      prepared = await prepareReload(serving, trigger, reread, cache, upstreams, workers);
    } catch (error) {
      prepared = { report: refusedReport(trigger, serving.generation, [`reload failed: ${errorMessage(error)}`]) };
    }
    if (prepared.next && prepared.change && !closing) {
      serving = prepared.next;
      logger.reconfigure(serving.loaded.config.logging);
      workers.configure(serving.loaded.config);
      reloadMetrics.generation.set(serving.generation);
      announce(prepared.change);
      upstreams.apply(serving.loaded.config.upstreams);
      await watcher.follow(serving.loaded).catch((error: unknown) => log.warn({ err: error }, 'watching for changes failed'));
    } else if (prepared.report.result === 'applied') {
      prepared = { report: refusedReport(trigger, serving.generation, ['the server is shutting down']) };
    }
    const report = { ...prepared.report, durationMs: Math.round(performance.now() - started) };
    reloadMetrics.reloads.inc({ trigger, result: report.result });
    logReload(log, report, triggers.length);
    return report;
  });

  /** An upstream's definitions changed: swap in a snapshot with them, when it serves something else. */
  const refresh = async (started: number, requests: number): Promise<ReloadReport> => {
    const prepared = closing ? undefined : prepareRefresh(serving, upstreams);
    if (!prepared?.next || !prepared.change) return { ...refusedReport('upstream', serving.generation, []), result: 'applied' };
    const previous = serving.snapshot;
    serving = prepared.next;
    reloadMetrics.generation.set(serving.generation);
    announce(prepared.change);
    for (const line of serving.snapshot.skipped) if (!previous.skipped.includes(line)) log.warn(line);
    const report = { ...prepared.report, durationMs: Math.round(performance.now() - started) };
    reloadMetrics.reloads.inc({ trigger: 'upstream', result: report.result });
    logReload(log, report, requests);
    return report;
  };
  refreshUpstreams = () => void reloads.request('upstream');
  // an upstream that came up while the first snapshot was being built
  refreshUpstreams();

  try {
    await watcher.follow(serving.loaded);
    if (config.metrics.port !== undefined && !serveOver) {
      const { serveMetrics } = await import('../observability/metrics-server.js'); // node:http, only for a metrics port
      metricsServer = await serveMetrics(metrics, config.metrics.port);
      log.info({ url: metricsServer.url }, `metrics on ${metricsServer.url}`);
    }
    transport ??= serveOver ? serveOver(runtime) : await startTransport(runtime, (reason) => void close(reason));
    // Loading modules, storage and the transport leaves megabytes of garbage in the young generation
    // that nothing collects on an idle server; the first requests would then touch fresh pages of it
    // and keep them. One young-generation collection now (~2 ms) keeps idle RSS to the live data.
    // Not for a server inside someone else's process: its heap is that process's to manage.
    if (!serveOver) collectGarbage('minor');
  } catch (error) {
    await close('start-up failed', 1);
    throw error;
  }
  end = (reason) => void close(reason);
  if (endedEarly !== undefined) end(endedEarly);
  void unexpectedError?.then(() => close('unexpected error', 1));
  log.info(
    {
      transport: config.transport.type,
      storage: openedStorage.engine,
      tools: serving.snapshot.tools.size,
      resources: serving.snapshot.resources.size + serving.snapshot.templates.size,
      prompts: serving.snapshot.prompts.size,
    },
    'mcp-server ready',
  );
  return { runtime, url: transport?.url, done, reload: runtime.reload, answerBackupRequests: () => void answerBackups(), close };
}

/** Start-up waits at most this long for upstreams: a client starting the server may give up on a slow initialize. */
const MAX_UPSTREAM_WAIT_MS = 10_000;

/** How long start-up waits for upstreams to come up: the longest connect timeout among them, capped (none: no wait). */
function firstAttemptBound(config: Config): number {
  return Math.min(MAX_UPSTREAM_WAIT_MS, Math.max(0, ...Object.values(config.upstreams).map((upstream) => upstream.timeoutSeconds * 1000)));
}

const taskLimits = (config: Config) => ({ maxTasks: config.tools.tasks.max, maxTasksPerOwner: config.tools.tasks.maxPerCaller });
