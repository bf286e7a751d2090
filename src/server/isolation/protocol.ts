/**
 * The messages between the server's main thread and a module worker. One worker runs one job at a
 * time; while it runs, the module's `ctx` calls come back to the main thread as `ctx` and `sync`
 * messages and are served there against the real context (storage, the client, the logger).
 */
import type { DefinitionKind } from '../../modules/normalize.js';
import type { AuthIdentity } from '../../modules/types.js';
import type { EngineName } from '../../storage/types.js';
import type { MessagePort } from 'node:worker_threads';

/** Names one version of a module file. */
export const versionKey = (file: string, version: string): string => `${file}?${version}`;

/** One definition of one version of a module file. */
export interface Target {
  file: string;
  version: string;
  kind: DefinitionKind;
  name: string;
}

/** What a job asks of a definition: its handlers (`run`, `read`...) or its schemas (`validate`). */
export type Operation = 'run' | 'prepare' | 'validate' | 'read' | 'list' | 'complete' | 'get';

/** The parts of `ctx` that are plain data, sent with each job. */
export interface CallContext {
  engine: EngineName;
  auth?: AuthIdentity;
  config: Record<string, unknown>;
  era: 'modern' | 'legacy';
  clientCapabilities?: Record<string, unknown>;
}

/** `ctx` calls that answer asynchronously (`id` set) or not at all (log, notify, closeStream). */
export type ContextOp = 'log' | 'notify' | 'closeStream' | 'progress' | 'ask' | 'storage';
/** `ctx` calls that are synchronous in the contract: the worker blocks until the main thread answers. */
export type SyncOp = 'input' | 'state' | 'embed';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  data?: unknown;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: SerializedError };

export type ToWorker =
  | { type: 'describe'; job: number; file: string; version: string }
  | { type: 'invoke'; job: number; target: Target; op: Operation; args: unknown[]; context?: CallContext }
  | { type: 'abort'; job: number; reason: SerializedError }
  /** Load these module versions now, ahead of the calls that will need them. */
  | { type: 'preload'; modules: Array<{ file: string; version: string }> }
  | { type: 'reply'; id: number; outcome: Outcome };

export type FromWorker =
  | { type: 'ready' }
  /** A module version was loaded (ok) or could not be (its problems went to whoever asked). */
  | { type: 'loaded'; file: string; version: string; ok: boolean }
  | { type: 'done'; job: number; outcome: Outcome }
  | { type: 'ctx'; job: number; id?: number; op: ContextOp; args: unknown[] }
  | { type: 'sync'; job: number; op: SyncOp; args: unknown[] };

/** What the worker is started with: where sync answers arrive, and the flag it waits on. */
export interface WorkerStart {
  syncPort: MessagePort;
  syncFlag: SharedArrayBuffer;
}

/** An error as data: name, message, stack, and a JSON-RPC `code`/`data` when it has them. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, data } = error as Error & { code?: unknown; data?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(error.stack ? { stack: error.stack } : {}),
    ...(code === undefined ? {} : { code: cloneable(code) }),
    ...(data === undefined ? {} : { data: cloneable(data) }),
  };
}

/** The error again, on the other side: same message, name, code and data. */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message) as Error & { code?: unknown; data?: unknown };
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  if (serialized.code !== undefined) error.code = serialized.code;
  if (serialized.data !== undefined) error.data = serialized.data;
  return error;
}

/** `value` if it can cross a thread (structured clone), else its JSON form, else its text. */
export function cloneable(value: unknown): unknown {
  try {
    structuredClone(value);
    return value;
  } catch {
    try {
      return JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
    } catch {
      return String(value);
    }
  }
}

/** An outcome whose value could not cross a thread, as its JSON form (what a client would see of it). */
export function jsonOutcome(outcome: Outcome): Outcome {
  if (!outcome.ok) return outcome;
  try {
    return { ok: true, value: JSON.parse(JSON.stringify(outcome.value) ?? 'null') as unknown };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}

export const outcomeOf = async (run: () => unknown): Promise<Outcome> => {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
};
