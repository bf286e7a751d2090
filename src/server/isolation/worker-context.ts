import { parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { InputRequired, ModuleContext, ModuleLog, ModuleStorage } from '../../modules/types.js';
import type { Collection } from '../../storage/types.js';
import { deserializeError, type CallContext, type ContextOp, type FromWorker, type Outcome, type SyncOp } from './protocol.js';

const COLLECTION_METHODS = ['get', 'put', 'delete', 'find', 'count', 'search'] as const;

/**
 * The worker's end of `ctx`: the same contract as in-process, each call forwarded to the main thread
 * and served there against the real context of this job. Data (auth, config, era, capabilities)
 * came with the job; input(), state() and embed() are synchronous in the contract, so they block
 * this worker (never the main thread) until the answer is there.
 */
export class ContextChannel {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly flag: Int32Array;

  constructor(
    private readonly syncPort: MessagePort,
    syncFlag: SharedArrayBuffer,
  ) {
    this.flag = new Int32Array(syncFlag);
  }

  /** An answer of the main thread to an asynchronous ctx call. */
  settle(id: number, outcome: Outcome): void {
    const waiter = this.pending.get(id);
    if (!waiter) return;
    this.pending.delete(id);
    if (outcome.ok) waiter.resolve(outcome.value);
    else waiter.reject(deserializeError(outcome.error));
  }

  context(job: number, data: CallContext | undefined, signal: AbortSignal): ModuleContext {
    const send = (op: ContextOp, ...args: unknown[]) => post({ type: 'ctx', job, op, args });
    const call = (op: ContextOp, ...args: unknown[]) => this.call(job, op, args);
    const sync = (op: SyncOp, ...args: unknown[]) => this.sync(job, op, args);
    const log = (level: keyof ModuleLog) => (message: string, data?: unknown) => send('log', level, message, data);
    return {
      storage: storageProxy(call, data?.engine),
      log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      signal,
      progress: async (done, total, message) => void (await call('progress', done, total, message)),
      elicit: (key, params, state) => call('ask', { [key]: { elicit: params } }, state) as Promise<InputRequired>,
      sample: (key, params, state) => call('ask', { [key]: { sample: params } }, state) as Promise<InputRequired>,
      ask: (requests, state) => call('ask', requests, state) as Promise<InputRequired>,
      input: (key) => sync('input', key) as ReturnType<ModuleContext['input']>,
      state: <T>() => sync('state') as T | undefined,
      embed: (text) => sync('embed', text) as number[],
      ...(data?.auth ? { auth: data.auth } : {}),
      config: data?.config ?? {},
      era: data?.era ?? 'legacy',
      ...(data?.clientCapabilities ? { clientCapabilities: data.clientCapabilities } : {}),
      notify: {
        resourceUpdated: (uri) => send('notify', 'resourceUpdated', uri),
        listChanged: (...lists) => send('notify', 'listChanged', ...lists),
      },
      closeStream: () => send('closeStream'),
    };
  }

  private call(job: number, op: ContextOp, args: unknown[]): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      post({ type: 'ctx', job, id, op, args });
    });
  }

  private sync(job: number, op: SyncOp, args: unknown[]): unknown {
    Atomics.store(this.flag, 0, 0);
    post({ type: 'sync', job, op, args });
    Atomics.wait(this.flag, 0, 0);
    const answer = receiveMessageOnPort(this.syncPort)?.message as Outcome | undefined;
    if (!answer) throw new Error(`ctx.${op}() got no answer from the server`);
    if (!answer.ok) throw deserializeError(answer.error);
    return answer.value;
  }
}

const post = (message: FromWorker): void => parentPort!.postMessage(message);

type Call = (op: ContextOp, ...args: unknown[]) => Promise<unknown>;

/** `ctx.storage` in a worker: every call runs on the main thread's one storage instance. */
function storageProxy(call: Call, engine: ModuleStorage['engine'] | undefined): ModuleStorage {
  const collection = (name: string): Collection => {
    const methods = Object.fromEntries(COLLECTION_METHODS.map((method) => [method, (...args: unknown[]) => call('storage', 'collection', name, method, ...args)]));
    return { name, ...methods } as unknown as Collection;
  };
  return {
    engine: engine as ModuleStorage['engine'],
    collection: collection as ModuleStorage['collection'],
    listCollections: () => call('storage', 'listCollections') as Promise<string[]>,
  };
}
