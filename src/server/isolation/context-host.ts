import type { ModuleContext, ModuleLog } from '../../modules/types.js';
import type { CallContext, ContextOp, SyncOp } from './protocol.js';

type Lists = Parameters<ModuleContext['notify']['listChanged']>;
const LOG_LEVELS = new Set<string>(['debug', 'info', 'warn', 'error']);
const COLLECTION_METHODS = new Set<string>(['get', 'put', 'delete', 'find', 'count', 'search']);

/** The plain-data part of a context, sent with a job. */
export function callContextOf(ctx: ModuleContext): CallContext {
  return {
    engine: ctx.storage.engine,
    ...(ctx.auth ? { auth: ctx.auth } : {}),
    config: ctx.config,
    era: ctx.era,
    ...(ctx.clientCapabilities ? { clientCapabilities: ctx.clientCapabilities } : {}),
  };
}

/** Serves one `ctx` call a worker made, against the real context of its job (on the main thread). */
export async function serveContextCall(ctx: ModuleContext, op: ContextOp, args: unknown[]): Promise<unknown> {
  switch (op) {
    case 'log': {
      const [level, message, data] = args as [string, string, unknown];
      if (!LOG_LEVELS.has(level)) throw new Error(`unknown log level ${level}`);
      return ctx.log[level as keyof ModuleLog](String(message), data);
    }
    case 'notify': {
      const [what, ...rest] = args as [string, ...unknown[]];
      if (what === 'resourceUpdated') return ctx.notify.resourceUpdated(String(rest[0]));
      return ctx.notify.listChanged(...(rest as Lists));
    }
    case 'closeStream':
      return ctx.closeStream();
    case 'progress': {
      const [done, total, message] = args as [number, number | undefined, string | undefined];
      return ctx.progress(done, total, message);
    }
    case 'ask': {
      const [requests, state] = args as Parameters<ModuleContext['ask']>;
      return ctx.ask(requests, state);
    }
    case 'storage':
      return serveStorageCall(ctx.storage, args);
  }
}

async function serveStorageCall(storage: ModuleContext['storage'], [what, ...args]: unknown[]): Promise<unknown> {
  if (what === 'listCollections') return storage.listCollections();
  const [name, method, ...rest] = args as [string, string, ...unknown[]];
  if (what !== 'collection' || !COLLECTION_METHODS.has(method)) throw new Error(`unknown storage call ${String(what)} ${String(method)}`);
  const collection = storage.collection(name) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  return collection[method]!(...rest);
}

/** Serves a synchronous `ctx` call (input, state, embed): the worker waits for it. */
export function serveSyncCall(ctx: ModuleContext, op: SyncOp, args: unknown[]): unknown {
  switch (op) {
    case 'input':
      return ctx.input(String(args[0]));
    case 'state':
      return ctx.state();
    case 'embed':
      return ctx.embed(String(args[0]));
  }
}
