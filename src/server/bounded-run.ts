import type { LoadedTool } from '../modules/normalize.js';
import { timerDelay } from '../timers.js';
import type { Cancellation } from './cancellation.js';
import type { Runtime } from './runtime.js';
import { outcomeOfValue, recordToolRun, type ToolOutcome } from './tool-outcome.js';

/** A tool's run() outlived its timeout (tool.timeoutSeconds, else tools.timeoutSeconds). */
export class ToolTimeout extends Error {}

/**
 * The signal a handler sees: aborts when `cancel` does or when the run times out. Made only when the
 * handler asks for it (most never do, and a signal costs more to make than a short tool takes to run).
 */
class RunSignal {
  private controller: AbortController | undefined;
  private reason: unknown;
  private aborted = false;
  private readonly follow = () => this.abort(this.cancel.reason);

  constructor(private readonly cancel: Cancellation) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
      else if (this.cancel.aborted) this.controller.abort(this.cancel.reason);
      else this.cancel.addEventListener('abort', this.follow, { once: true });
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }

  dispose(): void {
    if (this.controller) this.cancel.removeEventListener('abort', this.follow);
  }
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * Runs a tool's handler bounded by its timeout and by `cancel`. The handler gets a signal (on first
 * call of `signal()`) that aborts on either; the returned promise settles at once when either fires,
 * even if the handler ignores it. A handler that answers synchronously is done before either could
 * fire. Every run is timed here, by tool and outcome.
 */
export async function runBounded<T>(runtime: Runtime, tool: LoadedTool, cancel: Cancellation, invoke: (signal: () => AbortSignal) => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const run = new RunSignal(cancel);
  let outcome: ToolOutcome = 'error';
  let timer: NodeJS.Timeout | undefined;
  let onCancel: (() => void) | undefined;
  let stop: ((error: unknown) => void) | undefined;
  let timedOut: ToolTimeout | undefined;
  try {
    // armed before the handler starts, so that this timeout (not one further in, such as a worker's) is the one reported
    const seconds = tool.def.timeoutSeconds ?? runtime.config.tools.timeoutSeconds;
    timer = setTimeout(
      () => {
        timedOut = new ToolTimeout(`Tool "${tool.name}" timed out after ${seconds} s`);
        run.abort(timedOut);
        stop?.(timedOut);
      },
      timerDelay(seconds * 1000),
    );
    const returned = invoke(() => run.signal);
    if (!isThenable(returned)) {
      outcome = outcomeOfValue(returned);
      return returned;
    }
    const stopped = new Promise<never>((_, reject) => {
      stop = reject;
      if (timedOut) reject(timedOut);
      onCancel = () => reject(cancel.reason);
      cancel.addEventListener('abort', onCancel, { once: true });
    });
    const value = await Promise.race([returned, stopped]);
    outcome = outcomeOfValue(value);
    return value as T;
  } catch (error) {
    outcome = error instanceof ToolTimeout ? 'timeout' : cancel.aborted ? 'cancelled' : 'error';
    throw error;
  } finally {
    recordToolRun(runtime, tool, started, outcome);
    clearTimeout(timer);
    if (onCancel) cancel.removeEventListener('abort', onCancel);
    run.dispose();
  }
}
