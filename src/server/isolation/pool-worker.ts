import { existsSync } from 'node:fs';
import { MessageChannel, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { jsonOutcome, type FromWorker, type Outcome, type ToWorker, type WorkerStart } from './protocol.js';

/** Why a worker was replaced: a fault of the module it ran. */
export type RestartReason = 'timeout' | 'memory' | 'exit' | 'crash';
export const RESTART_REASONS: readonly RestartReason[] = ['timeout', 'memory', 'exit', 'crash'];

/** Why the pool stops a worker itself: a job past its deadline, an old module set or size, or shutdown. */
export type StopReason = 'timeout' | 'retire' | 'close';

/** How a worker ended: a restart reason, or `planned` when the pool stopped it for retire/close. */
export interface WorkerEnd {
  reason: RestartReason | 'planned';
  /** What happened, for the job it was running and the log. */
  detail: string;
}

// beside this file; from the bundled CLI (dist/bundle/), the worker entry tsc wrote to dist/server/isolation/
const ENTRY = [new URL('./worker.js', import.meta.url), new URL('../server/isolation/worker.js', import.meta.url)].find((url) => existsSync(url)) ?? new URL('./worker.js', import.meta.url);
let nextId = 0;

export interface WorkerEvents {
  message(worker: PoolWorker, message: FromWorker): void;
  exit(worker: PoolWorker, end: WorkerEnd): void;
}

/** One worker thread of the pool, with the channel its synchronous ctx calls are answered on. */
export class PoolWorker {
  readonly id = ++nextId;
  /** The job it runs now (one at a time). */
  job: number | undefined;
  /** The module of the last job it ran: what a stray error it raises later is attributed to. */
  lastModule: string | undefined;
  stopping: StopReason | undefined;
  /** Module versions (versionKey) this worker has loaded, is loading, or could not load. */
  readonly versions = new Map<string, 'loading' | 'loaded' | 'failed'>();
  private readonly thread: Worker;
  private readonly sync: MessagePort;
  private readonly flag: Int32Array;
  private failure: (Error & { code?: unknown }) | undefined;
  private alive = true;
  /** Whether the thread got as far as loading its code. */
  booted = false;
  private onBoot: Array<() => void> = [];
  readonly exited: Promise<void>;

  constructor(resourceLimits: ResourceLimits, events: WorkerEvents) {
    const { port1, port2 } = new MessageChannel();
    const syncFlag = new SharedArrayBuffer(4);
    this.sync = port1;
    this.flag = new Int32Array(syncFlag);
    const start: WorkerStart = { syncPort: port2, syncFlag };
    this.thread = new Worker(ENTRY, { workerData: start, transferList: [port2], resourceLimits, name: `mcp-module-worker-${this.id}` });
    this.thread.on('message', (message: FromWorker) => (message.type === 'ready' ? this.boot() : events.message(this, message)));
    this.thread.on('error', (error: Error) => (this.failure ??= error));
    this.exited = new Promise((resolve) => {
      this.thread.once('exit', (code) => {
        this.alive = false;
        this.sync.close();
        events.exit(this, this.end(code, resourceLimits));
        resolve();
      });
    });
  }

  /** Runs `then` once the thread has loaded its code (at once if it has). */
  whenBooted(then: () => void): void {
    if (this.booted) then();
    else this.onBoot.push(then);
  }

  private boot(): void {
    this.booted = true;
    for (const then of this.onBoot.splice(0)) then();
  }

  /** Whether it has loaded `key`, or is loading it. */
  holds(key: string, loadingToo = false): boolean {
    const state = this.versions.get(key);
    return state === 'loaded' || (loadingToo && state === 'loading');
  }

  /** It was asked to load `key`. */
  expect(key: string): void {
    if (!this.holds(key)) this.versions.set(key, 'loading');
  }

  post(message: ToWorker): void {
    if (this.alive) this.thread.postMessage(message);
  }

  /** Answers an asynchronous ctx call; a value that cannot cross threads goes as its JSON form. */
  reply(id: number, outcome: Outcome): void {
    if (!this.alive) return;
    try {
      this.thread.postMessage({ type: 'reply', id, outcome } satisfies ToWorker);
    } catch {
      this.thread.postMessage({ type: 'reply', id, outcome: jsonOutcome(outcome) } satisfies ToWorker);
    }
  }

  /** Answers the synchronous ctx call the worker is blocked on. */
  answerSync(outcome: Outcome): void {
    if (!this.alive) return;
    try {
      this.sync.postMessage(outcome);
    } catch {
      this.sync.postMessage(jsonOutcome(outcome));
    }
    Atomics.store(this.flag, 0, 1);
    Atomics.notify(this.flag, 0);
  }

  /** Stops the thread, whatever it is doing (a blocked loop too). */
  stop(reason: StopReason): void {
    this.stopping ??= reason;
    void this.thread.terminate();
  }

  private end(code: number, limits: ResourceLimits): WorkerEnd {
    if (this.stopping === 'timeout') return { reason: 'timeout', detail: 'it ran past its timeout and its worker thread was stopped' };
    if (this.stopping) return { reason: 'planned', detail: 'its worker thread was stopped' };
    if (this.failure?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return { reason: 'memory', detail: `its worker thread ran out of memory (tools.workers.resourceLimits.maxOldGenerationSizeMb: ${limits.maxOldGenerationSizeMb})` };
    }
    if (this.failure) return { reason: 'crash', detail: `its worker thread ${this.booted ? 'crashed' : 'failed to start'}: ${this.failure.message}` };
    return { reason: 'exit', detail: `it ended its worker thread (process.exit(${code}))` };
  }
}
