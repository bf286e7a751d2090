import type { ServerContext } from '@modelcontextprotocol/server';
import { currentModuleScope, moduleInStack, type ModuleOperation, type ModuleScope } from '../modules/module-scope.js';
import type { Logger } from '../observability/logger.js';
import { moduleErrors } from '../observability/metrics.js';
import { callerOf } from './caller.js';

export { inModuleScope, type ModuleOperation } from '../modules/module-scope.js';

/** The scope for running a definition's code, with the request that asked for it (if any). */
export function definitionScope(definition: { file: string; moduleName: string; name: string }, operation: ModuleOperation, request?: ServerContext): ModuleScope {
  return {
    file: definition.file,
    module: definition.moduleName,
    operation,
    definition: definition.name,
    ...(request ? { requestId: request.mcpReq.id, caller: callerOf(request) } : {}),
  };
}

export interface ModuleFaultOptions {
  log: Logger;
  /** An error no module can be blamed for: the process must end (called once). */
  onFatal(error: unknown): void;
}

/**
 * Takes over Node's last-resort handlers. A stray error from module code (an unhandled rejection, a
 * throwing timer, an 'error' event nobody listens to) is logged with the module's file and the call
 * that started it, counted (mcp_module_errors_total), and survived. Anything else is fatal:
 * `onFatal` must end the process.
 *
 * Measured on Node 20: both handlers run in the async context of the failing code (the promise's for a
 * rejection, the callback's for an exception: timers, immediates, nextTick, I/O callbacks, emitters,
 * nested async functions), so the module scope entered around every invocation is visible there. The
 * exception is a throw inside a queueMicrotask callback, which arrives without context on Node 20 and 22
 * (Node 24 carries it); such an error is attributed by the first module file in its stack, when it has one.
 */
export function installModuleFaults({ log, onFatal }: ModuleFaultOptions): { uninstall(): void } {
  let fatal = false;
  const handle = (error: unknown, origin: string) => {
    const scope: Partial<ModuleScope> | undefined = currentModuleScope() ?? moduleInStack(error);
    if (scope?.module !== undefined) {
      moduleErrors.inc({ module: scope.module });
      log.error({ ...scope, origin, err: error }, `module "${scope.module}" left an error unhandled (${origin}); the server goes on`);
      return;
    }
    log.fatal({ origin, err: error }, `unexpected error that no module can be blamed for (${origin}); shutting down`);
    if (fatal) return;
    fatal = true;
    onFatal(error);
  };
  const onRejection = (reason: unknown) => handle(reason, 'unhandledRejection');
  const onException = (error: unknown, origin: string) => handle(error, origin);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    uninstall() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
