import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ResourceLimits } from 'node:worker_threads';
import type { Config, Isolation } from '../../config/schema.js';
import type { FileLoad, ModuleProblem } from '../../modules/file-cache.js';
import { errorMessage, importFailure, importTimeoutReason, moduleNameOf, type FileLoader } from '../../modules/registry.js';
import type { Logger } from '../../observability/logger.js';
import { reportWorkerStats, type WorkerStats } from '../../observability/worker-metrics.js';
import type { DefinitionInfo } from './definition-info.js';
import type { PoolSettings, WorkerPool } from './pool.js';
import { KIND_LABEL, proxyDefinition, type Invoke } from './proxies.js';

/** Where each module file runs: `modules.<name>.isolation`, else its directory's, else `tools.isolation`. */
export function isolationOf(config: Config): (file: string) => Isolation {
  const dirs = config.tools.dirs
    .flatMap((entry) => (typeof entry === 'object' && entry.isolation ? [{ dir: path.resolve(entry.path), isolation: entry.isolation }] : []))
    .sort((a, b) => b.dir.length - a.dir.length);
  return (file) => config.modules[moduleNameOf(file)]?.isolation ?? dirs.find(({ dir }) => file === dir || file.startsWith(`${dir}${path.sep}`))?.isolation ?? config.tools.isolation;
}

function poolSettings(config: Config): PoolSettings {
  const { size, resourceLimits } = config.tools.workers;
  const limits: ResourceLimits = { maxOldGenerationSizeMb: resourceLimits.maxOldGenerationSizeMb, stackSizeMb: resourceLimits.stackSizeMb };
  return { size: size > 0 ? size : availableParallelism(), resourceLimits: limits };
}

/**
 * Modules with isolation: worker. Their files are loaded in the worker pool, which reports each
 * definition's metadata; the registry gets proxy definitions that run every handler in the pool.
 * One per server process; workers start only when such a module is loaded.
 */
export class WorkerIsolation {
  /** The pool's code (worker_threads and all) is loaded with the first module that runs in a worker. */
  private pool: Promise<typeof import('./pool.js')> | undefined;
  private started: WorkerPool | undefined;
  private settings: PoolSettings;
  private closed = false;
  private timeoutSeconds: number;

  constructor(
    config: Config,
    private readonly log: Logger,
  ) {
    this.settings = poolSettings(config);
    this.timeoutSeconds = config.tools.timeoutSeconds;
    reportWorkerStats(() => this.stats());
  }

  private startPool(): Promise<typeof import('./pool.js')> {
    return (this.pool ??= import('./pool.js').then((code) => {
      this.started = new code.WorkerPool(this.settings, this.log);
      if (this.closed) void this.started.close();
      return code;
    }));
  }

  /** For building the registry of `config`: a loader for the files that run in a worker. */
  loaderFor(config: Config): (file: string) => FileLoader | undefined {
    const isolation = isolationOf(config);
    const loader: FileLoader = { variant: 'worker', load: (file, version, importTimeoutMs) => this.load(file, version, importTimeoutMs) };
    return (file) => (isolation(file) === 'worker' ? loader : undefined);
  }

  /** The config now served: pool size, resource limits (new ones replace the workers) and the default timeout. */
  configure(config: Config): void {
    this.timeoutSeconds = config.tools.timeoutSeconds;
    this.settings = poolSettings(config);
    this.started?.configure(this.settings);
  }

  stats(): WorkerStats {
    return this.started?.stats() ?? { workers: 0, busy: 0, queued: 0, restarts: { timeout: 0, memory: 0, exit: 0, crash: 0 } };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool;
    await this.started?.close();
  }

  // a proxy exists only for a module the pool loaded, so the pool is running here
  readonly invoke: Invoke = (target, op, args, { module, ctx, timeoutSeconds }) =>
    this.started!.run({
      work: { type: 'invoke', target, op, args },
      label: `${KIND_LABEL[target.kind]} "${target.name}"`,
      module,
      timeoutMs: (timeoutSeconds ?? this.timeoutSeconds) * 1000,
      ...(ctx ? { ctx, signal: ctx.signal } : {}),
    });

  private async load(file: string, version: string, importTimeoutMs: number): Promise<FileLoad> {
    const moduleName = moduleNameOf(file);
    let described: { definitions: DefinitionInfo[]; problems: ModuleProblem[] };
    const { JobTimeout } = await this.startPool();
    const pool = this.started!;
    try {
      described = (await pool.run({
        work: { type: 'describe', file, version },
        label: `loading ${file}`,
        module: moduleName,
        timeoutMs: importTimeoutMs,
        urgent: true,
        timedFromStart: true,
      })) as typeof described;
    } catch (error) {
      return importFailure(file, error instanceof JobTimeout ? importTimeoutReason(importTimeoutMs) : `failed to load: ${errorMessage(error)}`);
    }
    if (described.definitions.length > 0) pool.preload(file, version);
    const source = { file, version, moduleName };
    return { definitions: described.definitions.map((info) => proxyDefinition(info, source, this.invoke)), problems: described.problems };
  }
}
