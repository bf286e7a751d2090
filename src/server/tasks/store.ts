import { randomUUID } from 'node:crypto';
import type { CallToolResult, InputRequests, InputResponses } from '@modelcontextprotocol/server';

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

const TERMINAL: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'cancelled']);

export interface TaskError {
  code: number;
  message: string;
  data?: unknown;
}

export interface TaskStoreOptions {
  /** Tasks kept at once (running and finished). When full, the oldest finished task makes room. */
  maxTasks: number;
  /**
   * Tasks one owner keeps at once (never more than maxTasks): when it holds that many, its own
   * oldest finished task makes room, so one caller cannot take every slot.
   */
  maxTasksPerOwner: number;
  /** How long a task stays retrievable after it was created; a task still running then is cancelled. */
  ttlMs: number;
  /** The polling interval suggested to clients. */
  pollIntervalMs: number;
}

export const DEFAULT_TASK_OPTIONS: TaskStoreOptions = { maxTasks: 1000, maxTasksPerOwner: 100, ttlMs: 60 * 60 * 1000, pollIntervalMs: 1000 };

/** One task. Only the store changes it; the runner drives it through the methods below. */
export class Task {
  readonly id = randomUUID();
  readonly createdAt = new Date();
  lastUpdatedAt = this.createdAt;
  status: TaskStatus = 'working';
  result?: CallToolResult;
  error?: TaskError;
  /** Input requests still unanswered (input_required only). */
  pending?: InputRequests;
  /** Answers received for the current input round. */
  answers: InputResponses = {};
  private wake?: () => void;
  readonly controller = new AbortController();

  constructor(
    /** Who created it (the API key's client id, or 'anonymous'): nobody else can see it. */
    readonly owner: string,
    readonly ttlMs: number,
  ) {}

  get terminal(): boolean {
    return TERMINAL.has(this.status);
  }

  get expiresAt(): number {
    return this.createdAt.getTime() + this.ttlMs;
  }

  /** Parks the task until every request is answered (or it is cancelled); resolves with the answers. */
  awaitInput(requests: InputRequests): Promise<InputResponses> {
    this.pending = { ...requests };
    this.answers = {};
    this.touch('input_required');
    return new Promise<InputResponses>((resolve) => {
      const done = () => {
        this.wake = undefined;
        this.controller.signal.removeEventListener('abort', done);
        resolve(this.answers);
      };
      this.wake = done;
      this.controller.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Records answers to pending requests (unknown keys are ignored); resumes the task when none is left. */
  answer(responses: InputResponses): void {
    if (this.status !== 'input_required' || !this.pending) return;
    for (const [key, value] of Object.entries(responses)) {
      if (!(key in this.pending)) continue;
      this.answers[key] = value;
      delete this.pending[key];
    }
    this.lastUpdatedAt = new Date();
    if (Object.keys(this.pending).length > 0) return;
    this.pending = undefined;
    this.touch('working');
    this.wake?.();
  }

  complete(result: CallToolResult): void {
    if (this.terminal) return;
    this.result = result;
    this.touch('completed');
  }

  fail(error: TaskError): void {
    if (this.terminal) return;
    this.error = error;
    this.touch('failed');
  }

  /** Cooperative: the work sees its signal aborted; whatever it returns later is ignored. */
  cancel(reason = 'cancelled'): void {
    if (this.terminal) return;
    this.pending = undefined;
    this.touch('cancelled');
    this.controller.abort(new Error(`task ${reason}`));
  }

  private touch(status: TaskStatus): void {
    this.status = status;
    this.lastUpdatedAt = new Date();
  }
}

export class TaskLimitError extends Error {}

/**
 * The in-memory task store: bounded in count, in all and per owner (the oldest finished task, of
 * all or of that owner, is dropped to make room; when every slot holds a running task, creation is
 * refused naming the limit) and in time (a task is forgotten `ttlMs` after creation, and cancelled
 * first if it is still running).
 */
export class TaskStore {
  private readonly tasks = new Map<string, Task>();
  private readonly perOwner = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;
  readonly options: TaskStoreOptions;

  constructor(options: Partial<TaskStoreOptions> = {}) {
    this.options = { ...DEFAULT_TASK_OPTIONS, ...options };
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.options.ttlMs, 60_000));
    this.sweeper.unref();
  }

  get size(): number {
    return this.tasks.size;
  }

  /** New count limits (after a reload): they apply to the next task created. */
  resize(limits: Pick<TaskStoreOptions, 'maxTasks' | 'maxTasksPerOwner'>): void {
    this.options.maxTasks = limits.maxTasks;
    this.options.maxTasksPerOwner = limits.maxTasksPerOwner;
  }

  create(owner: string): Task {
    this.sweep();
    const perOwner = Math.min(this.options.maxTasksPerOwner, this.options.maxTasks);
    if (this.held(owner) >= perOwner && !this.evictOldestFinished(owner)) {
      throw new TaskLimitError(`Too many tasks in progress for this caller (the limit is tools.tasks.maxPerCaller, ${perOwner}); try again later`);
    }
    if (this.tasks.size >= this.options.maxTasks && !this.evictOldestFinished()) {
      throw new TaskLimitError(`Too many tasks in progress (the limit is tools.tasks.max, ${this.options.maxTasks}); try again later`);
    }
    const task = new Task(owner, this.options.ttlMs);
    this.tasks.set(task.id, task);
    this.perOwner.set(owner, this.held(owner) + 1);
    return task;
  }

  /** The task, if it exists, has not expired, and belongs to `owner`. */
  get(id: string, owner: string): Task | undefined {
    const task = this.tasks.get(id);
    if (!task || task.owner !== owner) return undefined;
    if (Date.now() >= task.expiresAt) {
      this.drop(task);
      return undefined;
    }
    return task;
  }

  /** Cancels every running task and forgets them all (shutdown). */
  close(): void {
    clearInterval(this.sweeper);
    for (const task of this.tasks.values()) task.cancel('stopped: the server is shutting down');
    this.tasks.clear();
    this.perOwner.clear();
  }

  private held(owner: string): number {
    return this.perOwner.get(owner) ?? 0;
  }

  private sweep(): void {
    const now = Date.now();
    for (const task of this.tasks.values()) if (now >= task.expiresAt) this.drop(task);
  }

  private drop(task: Task): void {
    task.cancel('expired');
    this.forget(task);
  }

  private forget(task: Task): void {
    if (!this.tasks.delete(task.id)) return;
    const held = this.held(task.owner) - 1;
    if (held > 0) this.perOwner.set(task.owner, held);
    else this.perOwner.delete(task.owner);
  }

  /** Drops the oldest finished task (of `owner`, when given); whether there was one. */
  private evictOldestFinished(owner?: string): boolean {
    for (const task of this.tasks.values()) {
      // Map order is insertion order: the first finished task found is the oldest.
      if (task.terminal && (owner === undefined || task.owner === owner)) {
        this.forget(task);
        return true;
      }
    }
    return false;
  }
}

const iso = (date: Date) => date.toISOString();

/** The fields every task response shares (SEP-2663 `Task`). */
function taskFields(task: Task, pollIntervalMs: number) {
  return {
    taskId: task.id,
    status: task.status,
    createdAt: iso(task.createdAt),
    lastUpdatedAt: iso(task.lastUpdatedAt),
    ttlMs: task.ttlMs,
    pollIntervalMs,
  };
}

/** The `tools/call` answer that hands the client a task: a flat `Result & Task`. */
export function createTaskResult(task: Task, pollIntervalMs: number) {
  return { resultType: 'task' as const, ...taskFields(task, pollIntervalMs) };
}

/** `tasks/get`: the task, with its result, error or pending input requests inlined by status. */
export function detailedTask(task: Task, pollIntervalMs: number) {
  return {
    ...taskFields(task, pollIntervalMs),
    ...(task.status === 'completed' && task.result ? { result: task.result } : {}),
    ...(task.status === 'failed' && task.error ? { error: task.error } : {}),
    ...(task.status === 'input_required' && task.pending ? { inputRequests: task.pending } : {}),
  };
}
