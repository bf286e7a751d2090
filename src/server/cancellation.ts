/** What a run needs of its caller's cancellation: an AbortSignal has it, and so has a CallCancellation. */
export type Cancellation = Pick<AbortSignal, 'aborted' | 'reason' | 'addEventListener' | 'removeEventListener'>;

type Listener = () => void;

/**
 * A cancellation for a call served without the SDK's dispatch: an AbortSignal costs more to make than
 * a short tool takes to run, and most calls are never cancelled. Listeners run once, on abort.
 */
export class CallCancellation implements Cancellation {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Listener[] | undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners ?? [];
    this.listeners = undefined;
    for (const listener of listeners) listener();
  }

  addEventListener(_type: 'abort', listener: Listener): void {
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: Listener): void {
    const index = this.listeners?.indexOf(listener) ?? -1;
    if (index >= 0) this.listeners!.splice(index, 1);
  }

  /** An AbortSignal that follows this cancellation, for code that needs a real one. */
  toSignal(): AbortSignal {
    const controller = new AbortController();
    if (this.aborted) controller.abort(this.reason);
    else this.addEventListener('abort', () => controller.abort(this.reason));
    return controller.signal;
  }
}
