import type { LoadedTool } from '../modules/normalize.js';
import { timerDelay } from '../timers.js';
import type { Runtime } from './runtime.js';
import { outcomeOfValue, recordToolRun, type ToolOutcome } from './tool-outcome.js';

/** A tool's run() outlived its timeout (tool.timeoutSeconds, else tools.timeoutSeconds). */
export class ToolTimeout extends Error {}

/**
 * Runs a tool's handler bounded by its timeout and by `cancel`. The handler gets a signal that aborts
 * on either; the returned promise settles at once when either fires, even if the handler ignores it.
 * Every run is timed here, by tool and outcome.
 */
export async function runBounded<T>(runtime: Runtime, tool: LoadedTool, cancel: AbortSignal, invoke: (signal: AbortSignal) => T | Promise<T>): Promise<T> {
  const seconds = tool.def.timeoutSeconds ?? runtime.config.tools.timeoutSeconds;
  const timeout = new AbortController();
  const signal = AbortSignal.any([cancel, timeout.signal]);
  let timer: NodeJS.Timeout | undefined;
  let onCancel = (): void => undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        const error = new ToolTimeout(`Tool "${tool.name}" timed out after ${seconds} s`);
        timeout.abort(error);
        reject(error);
      },
      timerDelay(seconds * 1000),
    );
    onCancel = () => reject(cancel.reason);
    cancel.addEventListener('abort', onCancel, { once: true });
  });
  const started = performance.now();
  let outcome: ToolOutcome = 'error';
  try {
    const value = await Promise.race([Promise.resolve().then(() => invoke(signal)), stopped]);
    outcome = outcomeOfValue(value);
    return value;
  } catch (error) {
    outcome = error instanceof ToolTimeout ? 'timeout' : cancel.aborted ? 'cancelled' : 'error';
    throw error;
  } finally {
    recordToolRun(runtime, tool.name, started, outcome);
    clearTimeout(timer);
    cancel.removeEventListener('abort', onCancel);
  }
}
