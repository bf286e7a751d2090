/**
 * Runs a job one at a time. Requests made while a run is going share the next run, which starts
 * when the current one ends: any number of requests during a run cost one more run, and every
 * request is answered by a run that started after it was made, so a slow earlier run can never
 * replace what a later one did.
 */
export class CoalescingRunner<R, T> {
  private running: Promise<T> | undefined;
  private queued: { requests: R[]; done: Promise<T> } | undefined;

  constructor(private readonly job: (requests: readonly R[]) => Promise<T>) {}

  request(request: R): Promise<T> {
    if (this.queued) {
      this.queued.requests.push(request);
      return this.queued.done;
    }
    if (!this.running) return this.start([request]);
    const queued = {
      requests: [request],
      done: this.running.then(
        () => this.startQueued(),
        () => this.startQueued(),
      ),
    };
    this.queued = queued;
    return queued.done;
  }

  /** Resolves when no run is going or waiting. */
  async idle(): Promise<void> {
    while (this.running || this.queued) await (this.queued?.done ?? this.running)?.catch(() => undefined);
  }

  private startQueued(): Promise<T> {
    const { requests } = this.queued!;
    this.queued = undefined;
    return this.start(requests);
  }

  private start(requests: R[]): Promise<T> {
    const run = Promise.resolve().then(() => this.job(requests));
    this.running = run;
    const clear = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }
}
