import { Transform, type TransformCallback } from 'node:stream';
import { TopLevelFields, type TopLevelFieldValues } from './top-level-fields.js';

const NEWLINE = 0x0a;
const NEWLINE_BYTE = Buffer.from('\n');

export interface OversizedMessage extends TopLevelFieldValues {
  /** The message's size in bytes (its line, without the newline). */
  bytes: number;
}

/**
 * Sits between stdin and the stdio transport: passes on complete newline-delimited messages of at
 * most `maxBytes`, and drops a longer one while it streams in (never holding more than `maxBytes` of
 * it), reporting its size and whatever top-level `id` and `method` could be read. The messages after
 * it go through as usual, so one oversized message does not end the session.
 */
export class MessageSizeGuard extends Transform {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private oversized: { fields: TopLevelFields; bytes: number } | undefined;

  constructor(
    /** Read for every message, so a reloaded limit applies to the next one. */
    private readonly maxBytes: () => number,
    private readonly onOversized: (message: OversizedMessage) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // the usual chunk: whole messages, none of them (nor all together) over the limit, nothing pending
    if (this.partialBytes === 0 && !this.oversized && chunk.length > 0 && chunk[chunk.length - 1] === NEWLINE && chunk.length - 1 <= this.maxBytes()) {
      this.push(chunk);
      return callback();
    }
    const complete: Buffer[] = [];
    for (let start = 0; start <= chunk.length; ) {
      const newline = chunk.indexOf(NEWLINE, start);
      this.accept(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) break;
      const line = this.endLine();
      if (line) complete.push(...line);
      start = newline + 1;
    }
    if (complete.length > 0) this.push(Buffer.concat(complete));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    // A last message without its newline would never be read; an oversized one is still reported.
    if (this.oversized) this.endLine();
    callback();
  }

  private accept(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.oversized) {
      this.oversized.bytes += piece.length;
      if (!this.oversized.fields.done) this.oversized.fields.feed(piece);
      return;
    }
    if (this.partialBytes + piece.length <= this.maxBytes()) {
      this.partial.push(piece);
      this.partialBytes += piece.length;
      return;
    }
    const fields = new TopLevelFields();
    for (const kept of [...this.partial, piece]) fields.feed(kept);
    this.oversized = { fields, bytes: this.partialBytes + piece.length };
    this.partial = [];
    this.partialBytes = 0;
  }

  /** The finished line's pieces with its newline, or undefined when it was oversized (and reported). */
  private endLine(): Buffer[] | undefined {
    const { oversized } = this;
    if (oversized) {
      this.oversized = undefined;
      this.onOversized({ ...oversized.fields.found, bytes: oversized.bytes });
      return undefined;
    }
    const line = [...this.partial, NEWLINE_BYTE];
    this.partial = [];
    this.partialBytes = 0;
    return line;
  }
}
