/**
 * Whether the server has what requests need (storage open, the first snapshot loaded). Under stdio the
 * transport starts before that, so the `initialize` answer does not wait for storage and modules:
 * what arrives meanwhile waits for `ready`.
 */
export class Readiness {
  private done = false;
  private readonly waiting: Array<() => void> = [];
  private resolve: () => void = () => undefined;
  /** Resolves after every `whenReady` callback has run. */
  readonly ready: Promise<void> = new Promise((resolve) => (this.resolve = resolve));

  get isReady(): boolean {
    return this.done;
  }

  /** Runs `then` now when ready, else the moment the server becomes ready (before `ready` resolves). */
  whenReady(then: () => void): void {
    if (this.done) then();
    else this.waiting.push(then);
  }

  markReady(): void {
    if (this.done) return;
    this.done = true;
    for (const then of this.waiting.splice(0)) then();
    this.resolve();
  }
}
