import { Writable } from 'node:stream';

type Callback = (error?: Error | null) => void;

/**
 * A writer whose destination can be replaced while it is in use, losing and reordering nothing:
 * one write is with the destination at a time, and a replacement takes effect between two writes,
 * once the destination it replaces has written out everything it was given (its write callbacks
 * ran). Errors from the destination are this writer's errors; a destination that ends or closes by
 * itself (a socket whose peer went away: it reads the end first, and fails writes from then on)
 * closes this writer.
 */
export class HandoverWritable extends Writable {
  private target: Writable | undefined;
  private writing = false;
  private replacement: { next: Writable; done: (previous: Writable | undefined) => void } | undefined;

  /** `first` makes the first destination when something is first written (never, if handed over before that). */
  constructor(private readonly first: () => Writable) {
    super({ decodeStrings: false });
  }

  /**
   * Sends what follows to `next` (one hand-over at a time). Resolves, once nothing more will be
   * written to the destination it replaces, with that destination (undefined when none was made),
   * for the caller to release.
   */
  handOver(next: Writable): Promise<Writable | undefined> {
    if (this.replacement) return Promise.reject(new Error('a hand-over is already under way'));
    return new Promise((resolve) => {
      this.replacement = { next, done: resolve };
      if (!this.writing || this.destroyed) this.takeReplacement();
    });
  }

  override _write(chunk: unknown, encoding: BufferEncoding, callback: Callback): void {
    this.writing = true;
    this.destination().write(chunk, encoding, (error) => this.written(error, callback));
  }

  override _writev(chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>, callback: Callback): void {
    this.writing = true;
    const destination = this.destination();
    const last = chunks.length - 1;
    chunks.forEach(({ chunk, encoding }, index) => {
      // a stream writes in order: the last chunk's callback comes after the others were written
      if (index < last) destination.write(chunk, encoding);
      else destination.write(chunk, encoding, (error) => this.written(error, callback));
    });
  }

  override _destroy(error: Error | null, callback: Callback): void {
    this.takeReplacement(); // a write still in flight will not be followed by another
    callback(error);
  }

  private written(error: Error | null | undefined, callback: Callback): void {
    this.writing = false;
    this.takeReplacement();
    callback(error);
  }

  private destination(): Writable {
    return (this.target ??= this.follow(this.first()));
  }

  private takeReplacement(): void {
    const replacement = this.replacement;
    if (!replacement) return;
    this.replacement = undefined;
    const previous = this.target;
    previous?.off('end', this.onTargetClose).off('close', this.onTargetClose);
    this.target = this.follow(replacement.next);
    replacement.done(previous);
  }

  private follow(target: Writable): Writable {
    // errors reach this writer through the write callbacks; 'error' must not go unheard meanwhile
    target.on('error', ignore);
    target.once('end', this.onTargetClose).once('close', this.onTargetClose);
    return target;
  }

  private readonly onTargetClose = (): void => {
    this.destroy();
  };
}

function ignore(): void {}
