const MAX_BATCH = 1000;

/**
 * Serializes the writes of one collection so concurrent puts never lose updates, and groups the puts that
 * arrive while a write is in flight into one batch (one file rewrite, one LanceDB commit, one transaction).
 */
export class WriteQueue<P> {
  private tail: Promise<unknown> = Promise.resolve();
  private batch: { items: P[]; done: Promise<void> } | undefined;

  constructor(private readonly flush: (items: P[]) => Promise<void>) {}

  /** Queues one batchable item; resolves when the batch holding it is written. */
  add(item: P): Promise<void> {
    if (this.batch && this.batch.items.length < MAX_BATCH) {
      this.batch.items.push(item);
      return this.batch.done;
    }
    const batch: { items: P[]; done: Promise<void> } = { items: [item], done: Promise.resolve() };
    batch.done = this.enqueue(async () => {
      if (this.batch === batch) this.batch = undefined;
      await this.flush(batch.items);
    });
    this.batch = batch;
    return batch.done;
  }

  /** Runs a task after everything queued so far; puts queued later start a new batch after it. */
  run<T>(task: () => Promise<T>): Promise<T> {
    this.batch = undefined;
    return this.enqueue(task);
  }

  /** Resolves once everything queued so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
