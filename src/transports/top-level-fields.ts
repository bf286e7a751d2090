/** What can be read of a message too large to parse: its top-level `id` and `method`, if present. */
export interface TopLevelFieldValues {
  id?: string | number;
  method?: string;
}

const WANTED = new Set(['id', 'method']);
/** Longer keys are not wanted ones; longer values are not ids or method names worth reading. */
const MAX_KEY_BYTES = 16;
const MAX_VALUE_BYTES = 512;

type Phase = 'key' | 'colon' | 'value' | 'scalar' | 'after';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/**
 * Scans a JSON object streamed in chunks for its top-level `id` and `method`, keeping only those
 * (bounded) bytes: for a message too large to keep and parse whole. Nested objects are skipped by
 * depth, so an `id` inside `params` is never mistaken for the request's. Structural characters are
 * ASCII, so scanning UTF-8 bytes is exact.
 */
export class TopLevelFields {
  readonly found: TopLevelFieldValues = {};
  private depth = 0;
  private phase: Phase = 'key';
  private inString = false;
  private escaped = false;
  private key: string | undefined;
  /** Bytes of the key or wanted value being read; undefined when not capturing (or it grew too long). */
  private capture: number[] | undefined;
  private stopped = false;

  /** Nothing more to learn: the root closed, it is not an object, or both fields were read. */
  get done(): boolean {
    return this.stopped || (this.found.id !== undefined && this.found.method !== undefined);
  }

  feed(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length && !this.done; i++) this.byte(chunk[i]!);
  }

  private byte(b: number): void {
    if (this.inString) return this.stringByte(b);
    if (this.depth === 0) {
      if (isSpace(b)) return;
      if (b === 0x7b /* { */) {
        this.depth = 1;
        this.phase = 'key';
      } else this.stopped = true; // not an object (a batch, a scalar, garbage)
      return;
    }
    if (this.depth === 1 && this.phase === 'scalar') {
      if (isSpace(b) || b === 0x2c /* , */ || b === 0x7d /* } */) this.endValue();
      else return this.keep(b);
    }
    if (isSpace(b)) return;
    switch (b) {
      case QUOTE:
        this.inString = true;
        if (this.depth !== 1) return;
        if (this.phase === 'key') this.capture = [];
        else if (this.phase === 'value') this.capture = this.wanted() ? [QUOTE] : undefined;
        return;
      case 0x7b: // {
      case 0x5b: // [
        if (this.depth === 1) {
          this.phase = 'after';
          this.key = undefined;
        }
        this.depth++;
        return;
      case 0x7d: // }
      case 0x5d: // ]
        this.depth--;
        if (this.depth === 0) this.stopped = true;
        return;
      case 0x3a: // :
        if (this.depth === 1 && this.phase === 'colon') this.phase = 'value';
        return;
      case 0x2c: // ,
        if (this.depth === 1) this.phase = 'key';
        return;
      default:
        if (this.depth === 1 && this.phase === 'value') {
          this.phase = 'scalar';
          this.capture = this.wanted() ? [b] : undefined;
        }
    }
  }

  private stringByte(b: number): void {
    if (this.escaped) {
      this.escaped = false;
      return this.keep(b);
    }
    if (b === BACKSLASH) this.escaped = true;
    if (b !== QUOTE) return this.keep(b);
    this.inString = false;
    if (this.depth !== 1) return;
    if (this.phase === 'key') {
      this.key = this.capture ? (parseJson(`"${Buffer.from(this.capture).toString('utf8')}"`) as string | undefined) : undefined;
      this.capture = undefined;
      this.phase = 'colon';
    } else if (this.phase === 'value') {
      this.keep(QUOTE);
      this.endValue();
    }
  }

  private keep(b: number): void {
    if (!this.capture) return;
    const limit = this.phase === 'key' ? MAX_KEY_BYTES : MAX_VALUE_BYTES;
    if (this.capture.length >= limit) this.capture = undefined;
    else this.capture.push(b);
  }

  private wanted(): boolean {
    return this.key !== undefined && WANTED.has(this.key) && !(this.key in this.found);
  }

  private endValue(): void {
    const value = this.capture ? parseJson(Buffer.from(this.capture).toString('utf8')) : undefined;
    if (this.key === 'id' && (typeof value === 'string' || typeof value === 'number')) this.found.id = value;
    if (this.key === 'method' && typeof value === 'string') this.found.method = value;
    this.capture = undefined;
    this.key = undefined;
    this.phase = 'after';
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
