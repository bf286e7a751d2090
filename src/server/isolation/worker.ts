/**
 * A module worker: loads module files and runs their handlers, one job at a time, for the pool on
 * the main thread (pool.ts). A job that blocks this thread blocks only this worker: the pool stops
 * it at the job's deadline and starts another.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { contentVersion, type FileLoad } from '../../modules/file-cache.js';
import { importVersion } from '../../modules/import-module.js';
import { definitionsOf, type LoadedDefinition } from '../../modules/normalize.js';
import { classifyExports, errorMessage, importFailure } from '../../modules/registry.js';
import type { ModuleContext } from '../../modules/types.js';
import { describeDefinition, promptShape } from './definition-info.js';
import { deserializeError, jsonOutcome, versionKey, outcomeOf, type FromWorker, type Outcome, type Target, type ToWorker, type WorkerStart } from './protocol.js';
import { ContextChannel } from './worker-context.js';

const { syncPort, syncFlag } = workerData as WorkerStart;
const channel = new ContextChannel(syncPort, syncFlag);
/** Loads by file version: a version is imported once per worker, like an in-process import. */
const loads = new Map<string, Promise<FileLoad>>();
const aborts = new Map<number, AbortController>();

/**
 * A module version, loaded once per worker. An import reads the file as it is on disk now, so a
 * version whose content is no longer there (the file changed and no reload has loaded it yet) is
 * refused rather than run with code it does not name; workers load each version as soon as the
 * server has (see 'preload'), so the calls of a snapshot find theirs.
 */
function load(file: string, version: string): Promise<FileLoad> {
  const key = versionKey(file, version);
  let loading = loads.get(key);
  if (!loading) {
    loading = (async () => {
      let exported: unknown[];
      try {
        if (contentVersion(await readFile(file)) !== version) {
          loads.delete(key);
          return importFailure(file, `changed on disk since this version was loaded; reload to serve the new one`);
        }
        exported = await definitionsOf(await importVersion(file, version));
      } catch (error) {
        return importFailure(file, `failed to load: ${errorMessage(error)}`);
      }
      return classifyExports(file, exported);
    })();
    loads.set(key, loading);
    void loading.then(({ definitions }) => post({ type: 'loaded', file, version, ok: definitions.length > 0 }));
  }
  return loading;
}

async function definitionFor(target: Target): Promise<LoadedDefinition> {
  const { definitions, problems } = await load(target.file, target.version);
  const found = definitions.find((definition) => definition.kind === target.kind && definition.name === target.name);
  if (!found) throw new Error(`${target.kind} "${target.name}" is not in ${target.file} as loaded in this worker${problems[0] ? `: ${problems[0].reason}` : ''}`);
  return found;
}

const post = (message: FromWorker): void => parentPort!.postMessage(message);

/** Sends a job's outcome; a value that cannot be cloned is sent as its JSON form (what a client would see of it). */
function done(job: number, outcome: Outcome): void {
  try {
    post({ type: 'done', job, outcome });
  } catch {
    post({ type: 'done', job, outcome: jsonOutcome(outcome) });
  }
}

type Args = unknown[];

function perform(definition: LoadedDefinition, op: string, args: Args, ctx: ModuleContext): unknown {
  const missing = () => new Error(`${definition.kind} "${definition.name}" has no ${op} handler`);
  switch (definition.kind) {
    case 'tool': {
      const { def } = definition;
      if (op === 'run') return def.run(args[0], ctx);
      if (op === 'prepare' && def.execution?.prepare) return def.execution.prepare(args[0], ctx);
      if (op === 'validate') {
        const schema = args[0] === 'output' ? definition.outputSchema : definition.inputSchema;
        if (!schema) throw missing();
        return schema['~standard'].validate(args[1]);
      }
      throw missing();
    }
    case 'resource':
      if (op === 'read') return definition.def.read(new URL(String(args[0])), ctx);
      throw missing();
    case 'resourceTemplate': {
      const { def } = definition;
      if (op === 'read') return def.read(new URL(String(args[0])), args[1] as Record<string, string>, ctx);
      if (op === 'list' && def.list) return def.list(ctx);
      const complete = op === 'complete' ? def.complete?.[String(args[0])] : undefined;
      if (complete) return complete(String(args[1]), ctx, args[2] as Record<string, string>);
      throw missing();
    }
    case 'prompt': {
      const { def } = definition;
      if (op === 'get') return promptGet(definition, args[0] as Record<string, string>, ctx);
      const complete = op === 'complete' ? def.complete?.[String(args[0])] : undefined;
      if (complete) return complete(String(args[1]), ctx, args[2] as Record<string, string>);
      throw missing();
    }
  }
}

/** A prompt whose arguments are a zod shape has them checked here, with its own schema (the SDK's message and code). */
async function promptGet(definition: Extract<LoadedDefinition, { kind: 'prompt' }>, args: Record<string, string>, ctx: ModuleContext): Promise<unknown> {
  const shape = promptShape(definition.def.arguments);
  if (!shape) return definition.def.get(args, ctx);
  const parsed = await shape.safeParseAsync(args);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join(', ');
    throw Object.assign(new Error(`Invalid arguments for prompt ${definition.name}: ${detail}`), { code: -32602 });
  }
  return definition.def.get(parsed.data as Record<string, string>, ctx);
}

post({ type: 'ready' });

parentPort!.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'describe': {
      const { job, file, version } = message;
      void outcomeOf(async () => {
        const { definitions, problems } = await load(file, version);
        return { definitions: definitions.map(describeDefinition), problems };
      }).then((outcome) => done(job, outcome));
      return;
    }
    case 'invoke': {
      const { job, target, op, args, context } = message;
      const controller = new AbortController();
      aborts.set(job, controller);
      void outcomeOf(async () => perform(await definitionFor(target), op, args, channel.context(job, context, controller.signal))).then((outcome) => {
        aborts.delete(job);
        done(job, outcome);
      });
      return;
    }
    case 'preload':
      for (const { file, version } of message.modules) void load(file, version);
      return;
    case 'abort':
      aborts.get(message.job)?.abort(deserializeError(message.reason));
      return;
    case 'reply':
      channel.settle(message.id, message.outcome);
      return;
  }
});
