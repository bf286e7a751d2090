import { AsyncLocalStorage } from 'node:async_hooks';
import { pathToFileURL } from 'node:url';

/** What module code was running for. */
export type ModuleOperation = 'import' | 'tool run' | 'tool prepare' | 'resource read' | 'template list' | 'template read' | 'template complete' | 'prompt get' | 'prompt complete';

/** Whose code runs, and for which call: what a stray error is attributed to. */
export interface ModuleScope {
  file: string;
  module: string;
  operation: ModuleOperation;
  /** The tool, resource, template or prompt, when the code runs for one. */
  definition?: string;
  /** The JSON-RPC request that led here and who sent it, when there is one. */
  requestId?: string | number;
  caller?: string;
  task?: string;
}

const scopes = new AsyncLocalStorage<ModuleScope>();
/** Every module file ever entered, with its module name: for errors whose async context was lost. */
const modules = new Map<string, string>();

/**
 * Runs module code inside `scope`: everything it starts (promises, timers, emitters, I/O callbacks)
 * carries the scope, so an error it raises later can be attributed to it.
 */
export function inModuleScope<T>(scope: ModuleScope, run: () => T): T {
  modules.set(scope.file, scope.module);
  return scopes.run(scope, run);
}

/** The scope of the module code whose async context this is, if any. */
export const currentModuleScope = (): ModuleScope | undefined => scopes.getStore();

/** The module of the innermost stack frame that is a module file (which call it was is unknown then). */
export function moduleInStack(error: unknown): Pick<ModuleScope, 'file' | 'module'> | undefined {
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : undefined;
  if (!stack) return undefined;
  for (const frame of stack.split('\n').slice(1)) {
    for (const [file, module] of modules) if (mentions(frame, file)) return { file, module };
  }
  return undefined;
}

/** A stack frame names a file as a path or as a file URL (module URLs carry a ?generation query). */
function mentions(frame: string, file: string): boolean {
  const url = pathToFileURL(file).href;
  return [`${file}:`, `${url}:`, `${url}?`].some((form) => frame.includes(form));
}
