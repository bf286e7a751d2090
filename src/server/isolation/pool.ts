import type { ResourceLimits } from 'node:worker_threads';
import type { ModuleContext } from '../../modules/types.js';
import type { Logger } from '../../observability/logger.js';
import { moduleErrors } from '../../observability/metrics.js';
import { workerRestarts, type WorkerStats } from '../../observability/worker-metrics.js';
import { timerDelay } from '../../timers.js';
import { ToolTimeout } from '../bounded-run.js';
import { callContextOf, serveContextCall, serveSyncCall } from './context-host.js';
import { PoolWorker, RESTART_REASONS, type WorkerEnd } from './pool-worker.js';
import { deserializeError, outcomeOf, serializeError, versionKey, type FromWorker, type Operation, type Outcome, type Target } from './protocol.js';

export interface PoolSettings {
  /** Worker threads kept (at least 1). */
  size: number;
  resourceLimits: ResourceLimits;
}

/** One piece of work for a worker, bounded by a deadline and, for calls, by the caller's signal. */
export interface JobRequest {
  work: { type: 'describe'; file: string; version: string } | { type: 'invoke'; target: Target; op: Operation; args: unknown[] };
  /** What it is, for messages: `tool "x"`, `loading /path/to/file.ts`. */
  label: string;
  /** The module whose code runs: what a crash is attributed to. */
  module: string;
  timeoutMs: number;
  /** The module context the worker's ctx calls are served against. */
  ctx?: ModuleContext;
  /** Aborts the job: a ToolTimeout reason stops its worker at once; any other is passed on to the module's ctx.signal. */
  signal?: AbortSignal;
  /** Never waits for a busy worker: with none idle, one more is started (module loading during a reload). */
  urgent?: boolean;
  /** The deadline counts from when a started worker takes the job (loading a module), not from the request (a call). */
  timedFromStart?: boolean;
}

interface Job extends JobRequest {
  id: number;
  settled: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  worker?: PoolWorker;
  timer?: NodeJS.Timeout;
  grace?: NodeJS.Timeout;
  onAbort?: () => void;
}

/** A job that ran (or waited) past its deadline. */
export class JobTimeout extends Error {}

/** After its deadline, how long a call that sees ctx.signal abort may take to stop before its worker is stopped. */
const ABORT_GRACE_MS = 1000;

/** How many ended calls keep their ctx, for module code that still uses it after answering. */
const ENDED_CONTEXTS = 256;

/**
 * A pool of worker threads that load and run modules (tools.isolation: worker), one job per worker
 * at a time, so that a blocked or runaway module stops only its own worker: at its deadline the
 * worker is terminated (a loop cannot hold it) and a fresh one replaces it; a worker that runs out
 * of memory, crashes or calls process.exit fails only the job it was running.
 */
export class WorkerPool {
  private readonly workers = new Set<PoolWorker>();
  private idle: PoolWorker[] = [];
  private queue: Job[] = [];
  private readonly jobs = new Map<number, Job>();
  private readonly ended = new Map<number, ModuleContext>();
  /** Workers started before the latest retire() run no further jobs. */
  private readonly generations = new WeakMap<PoolWorker, number>();
  private generation = 0;
  /** The latest loaded version of each module file: every worker loads them, new ones as they start. */
  private readonly modules = new Map<string, string>();
  private nextJob = 0;
  private closed = false;
  private readonly restarts = Object.fromEntries(RESTART_REASONS.map((reason) => [reason, 0])) as WorkerStats['restarts'];

  constructor(
    private settings: PoolSettings,
    private readonly log: Logger,
  ) {}

  run(request: JobRequest): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the server is shutting down'));
    if (request.signal?.aborted) return Promise.reject(request.signal.reason);
    return new Promise((resolve, reject) => {
      const job: Job = { ...request, id: ++this.nextJob, settled: false, resolve, reject };
      this.jobs.set(job.id, job);
      if (!job.timedFromStart) this.startClock(job);
      if (job.signal) {
        const signal = job.signal;
        job.onAbort = () => this.abort(job, signal.reason);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      if (job.urgent) this.queue.unshift(job);
      else this.queue.push(job);
      this.dispatch();
    });
  }

  /**
   * A module version the server now serves: every worker loads it at once, and the pool is filled
   * to its size, so calls find their code loaded (and workers warm).
   */
  preload(file: string, version: string): void {
    this.modules.set(file, version);
    for (const worker of this.workers) this.preloadIn(worker, [[file, version]]);
    this.fill();
    this.dispatch();
  }

  /** Starts workers up to the pool's size, once there are modules to run. */
  private fill(): void {
    while (!this.closed && this.modules.size > 0 && this.running() < this.settings.size) this.idle.push(this.spawn());
  }

  /** Workers not being stopped. */
  private running(): number {
    let count = 0;
    for (const worker of this.workers) if (!worker.stopping) count++;
    return count;
  }

  /** New settings: a new size applies as workers free up; new resource limits replace every worker. */
  configure(settings: PoolSettings): void {
    const limitsChanged = JSON.stringify(settings.resourceLimits) !== JSON.stringify(this.settings.resourceLimits);
    this.settings = settings;
    if (limitsChanged) this.retire();
    while (this.running() > this.settings.size && this.idle.length > 0) this.idle.pop()!.stop('retire');
    this.fill();
    this.dispatch();
  }

  /** Replaces every worker: idle ones now, busy ones once their job is done (running calls finish). */
  private retire(): void {
    this.generation++;
    for (const worker of this.idle) worker.stop('retire');
    this.idle = [];
  }

  stats(): WorkerStats {
    let busy = 0;
    for (const worker of this.workers) if (worker.job !== undefined) busy++;
    return { workers: this.workers.size, busy, queued: this.queue.length, restarts: { ...this.restarts } };
  }

  /** Fails what waits, stops every worker (running calls end with an error) and waits for them to exit. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.endJob(job, new Error('the server is shutting down'));
    const exits = [...this.workers].map((worker) => worker.exited);
    for (const worker of this.workers) worker.stop('close');
    await Promise.all(exits);
  }

  /** Gives waiting jobs to idle workers (or new ones, up to the size), in order, each where its code is. */
  private dispatch(): void {
    for (let i = 0; i < this.queue.length && !this.closed; ) {
      const job = this.queue[i]!;
      const worker = this.workerFor(job);
      if (!worker) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.idle = this.idle.filter((other) => other !== worker);
      this.start(job, worker);
    }
  }

  /**
   * A worker for `job`, if one can take it now. A call goes to a worker that has loaded its module
   * version; while some worker has it or is loading it, the call waits for that one: the file may
   * have changed on disk since, and a worker without it could not load it any more.
   */
  private workerFor(job: Job): PoolWorker | undefined {
    const key = job.work.type === 'invoke' ? versionKey(job.work.target.file, job.work.target.version) : undefined;
    if (key) {
      const holder = this.idle.find((worker) => worker.holds(key));
      if (holder) return holder;
      if ([...this.workers].some((worker) => !worker.stopping && worker.holds(key, true))) return undefined;
    }
    return this.idle.at(-1) ?? (this.running() < this.settings.size || job.urgent ? this.spawn() : undefined);
  }

  private spawn(): PoolWorker {
    const worker = new PoolWorker(this.settings.resourceLimits, {
      message: (from, message) => this.onMessage(from, message),
      exit: (from, end) => this.onExit(from, end),
    });
    this.workers.add(worker);
    this.generations.set(worker, this.generation);
    if (this.modules.size > 0) this.preloadIn(worker, [...this.modules]);
    return worker;
  }

  private preloadIn(worker: PoolWorker, modules: Array<[file: string, version: string]>): void {
    for (const [file, version] of modules) worker.expect(versionKey(file, version));
    worker.post({ type: 'preload', modules: modules.map(([file, version]) => ({ file, version })) });
  }

  private start(job: Job, worker: PoolWorker): void {
    job.worker = worker;
    worker.job = job.id;
    worker.lastModule = job.module;
    if (job.work.type === 'invoke') worker.expect(versionKey(job.work.target.file, job.work.target.version));
    const context = job.ctx ? { context: callContextOf(job.ctx) } : {};
    worker.post({ ...job.work, job: job.id, ...context });
    if (job.timedFromStart) worker.whenBooted(() => this.jobs.has(job.id) && this.startClock(job));
  }

  private startClock(job: Job): void {
    job.timer = setTimeout(() => this.expire(job), timerDelay(job.timeoutMs));
  }

  /** A worker is done with its job: it takes the next one, or stops when it is one too many or of an old generation. */
  private release(worker: PoolWorker): void {
    if (worker.stopping) return;
    // an extra worker (started for a module load while all were busy) stops: it may not hold the
    // module versions the queued calls need, which the others loaded as they were served
    const current = this.generations.get(worker) === this.generation;
    if (this.closed || !current || this.running() > this.settings.size) return worker.stop('retire');
    this.idle.push(worker);
    this.dispatch();
  }

  private onMessage(worker: PoolWorker, message: FromWorker): void {
    switch (message.type) {
      case 'loaded':
        worker.versions.set(versionKey(message.file, message.version), message.ok ? 'loaded' : 'failed');
        this.dispatch();
        return;
      case 'done': {
        const job = this.jobs.get(message.job);
        if (job) this.endJob(job, message.outcome.ok ? undefined : deserializeError(message.outcome.error), message.outcome);
        if (worker.job === message.job) {
          worker.job = undefined;
          this.release(worker);
        }
        return;
      }
      case 'ctx': {
        const ctx = this.contextOf(message.job);
        const answer = outcomeOf(() => serveContextCall(ctx(), message.op, message.args));
        const { id } = message;
        if (id !== undefined) void answer.then((outcome) => worker.reply(id, outcome));
        return;
      }
      case 'sync': {
        const ctx = this.contextOf(message.job);
        let outcome: Outcome;
        try {
          outcome = { ok: true, value: serveSyncCall(ctx(), message.op, message.args) };
        } catch (error) {
          outcome = { ok: false, error: serializeError(error) };
        }
        worker.answerSync(outcome);
        return;
      }
    }
  }

  /** The ctx of a job, still running or recently ended (module code may use it after answering). */
  private contextOf(id: number): () => ModuleContext {
    const ctx = this.jobs.get(id)?.ctx ?? this.ended.get(id);
    return () => {
      if (!ctx) throw new Error('ctx is not available here (this call has no context, or ended long ago)');
      return ctx;
    };
  }

  private onExit(worker: PoolWorker, end: WorkerEnd): void {
    this.workers.delete(worker);
    this.idle = this.idle.filter((other) => other !== worker);
    const job = worker.job === undefined ? undefined : this.jobs.get(worker.job);
    if (job) this.endJob(job, new Error(`${job.label} failed: ${end.detail}; the worker was replaced`));
    if (end.reason !== 'planned') {
      this.restarts[end.reason]++;
      workerRestarts.inc({ reason: end.reason });
      const module = job?.module ?? worker.lastModule;
      if (end.reason === 'crash' && module) moduleErrors.inc({ module });
      this.log.warn({ module, reason: end.reason, worker: worker.id }, `module worker replaced (${end.reason})${module ? `, module "${module}"` : ''}: ${end.detail}`);
    }
    // a fresh worker replaces it; not one that never started (say, resource limits too small to load), again and again
    if (worker.booted || end.reason === 'planned') this.fill();
    this.dispatch();
  }

  /** The deadline: a job still queued gives up; a running one has its worker stopped (whatever it is doing). */
  private expire(job: Job): void {
    const seconds = job.timeoutMs / 1000;
    this.stopOver(job, new JobTimeout(`${job.label} timed out after ${seconds} s${job.worker ? '' : ' waiting for a free worker'}`));
  }

  private abort(job: Job, reason: unknown): void {
    if (reason instanceof ToolTimeout) return this.stopOver(job, reason);
    if (!job.worker) return this.endJob(job, reason);
    // the module sees ctx.signal abort; a handler that ignores it runs on until its deadline
    job.worker.post({ type: 'abort', job: job.id, reason: serializeError(reason) });
    this.settle(job, reason);
  }

  /**
   * Past its deadline: the call fails now. Its module sees ctx.signal abort and keeps its worker if
   * it stops within ABORT_GRACE_MS; one that goes on (a loop, say) has its worker stopped.
   */
  private stopOver(job: Job, error: unknown): void {
    const worker = job.worker;
    if (!worker) return this.endJob(job, error);
    if (job.settled && job.timer === undefined) return; // already past its deadline, in its grace
    this.settle(job, error);
    clearTimeout(job.timer);
    job.timer = undefined;
    if (!job.ctx) return worker.stop('timeout');
    worker.post({ type: 'abort', job: job.id, reason: serializeError(error) });
    job.grace = setTimeout(() => worker.job === job.id && worker.stop('timeout'), ABORT_GRACE_MS);
  }

  private settle(job: Job, error: unknown, outcome?: Outcome): void {
    if (job.settled) return;
    job.settled = true;
    if (error !== undefined) job.reject(error);
    else job.resolve(outcome?.ok ? outcome.value : undefined);
  }

  /** The job is over: settled (if it was not), its timer and listener gone, its ctx kept a while for stray calls. */
  private endJob(job: Job, error: unknown, outcome?: Outcome): void {
    this.settle(job, error, outcome);
    clearTimeout(job.timer);
    clearTimeout(job.grace);
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    this.queue = this.queue.filter((queued) => queued !== job);
    this.jobs.delete(job.id);
    if (job.ctx) {
      this.ended.set(job.id, job.ctx);
      if (this.ended.size > ENDED_CONTEXTS) this.ended.delete(this.ended.keys().next().value!);
    }
  }
}
