import type { Caller, JsonObject } from '../modules/forwarded.js';

/** A request the upstream sent while a call ran (sampling, elicitation, roots), waiting for the client's answer. */
export interface Ask {
  /** The key it goes by in a multi-round-trip `inputRequests` map. */
  readonly key: string;
  readonly method: string;
  readonly params: JsonObject | undefined;
  /** Aborts when the upstream cancels its request. */
  readonly signal: AbortSignal;
  resolve(result: JsonObject): void;
  reject(error: unknown): void;
}

/** What a call has to say next: its answer, its failure, or requests for the client. */
export type Step = { kind: 'done'; result: JsonObject } | { kind: 'failed'; error: unknown } | { kind: 'asks'; asks: Ask[] };

/** How long a client may take to answer what the upstream asked (a person may be filling a form). */
export const ANSWER_TIMEOUT_MS = 10 * 60_000;

export class CallTimeout extends Error {}

/**
 * One request to an upstream on behalf of a client (tools/call, prompts/get, resources/read),
 * from start to answer, across however many rounds the client needs to answer the upstream's
 * own requests. `timeoutMs` bounds the upstream's work: it starts again after every answer and
 * does not run while the client is being asked; ANSWER_TIMEOUT_MS bounds the client's part.
 */
export class UpstreamCall {
  /** The request (round) now driving the call; progress and log messages go to it. */
  caller: Caller;
  private attached = true;
  /** The upstream's latest progress while no client request waited (between rounds), for the next round. */
  private heldProgress: { progress: number; total?: number; message?: string } | undefined;
  readonly startedAt = performance.now();

  private readonly abort = new AbortController();
  private readonly queued: Ask[] = [];
  private readonly handedOut = new Map<string, Ask>();
  private settled: Step | undefined;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private asked = 0;
  readonly done: Promise<void>;

  constructor(
    start: (signal: AbortSignal) => Promise<JsonObject>,
    caller: Caller,
    private readonly timeoutMs: number,
    private readonly what: string,
  ) {
    this.caller = caller;
    this.arm(timeoutMs, () => new CallTimeout(`${what} timed out after ${timeoutMs / 1000} s`));
    this.done = start(this.abort.signal).then(
      async (result) => {
        // the SDK dispatches notifications a turn later than responses: let the call's last progress and log messages through first
        await new Promise((resolve) => setImmediate(resolve));
        this.settle({ kind: 'done', result });
      },
      (error: unknown) => this.settle({ kind: 'failed', error: this.abort.signal.aborted ? this.abort.signal.reason : error }),
    );
  }

  get isSettled(): boolean {
    return this.settled !== undefined;
  }

  /** Whether the call ended without an answer (its error, a timeout, a cancellation). */
  get failed(): boolean {
    return this.settled?.kind === 'failed';
  }

  /** Whether a client request is waiting on this call now (false between multi-round-trip rounds). */
  get active(): boolean {
    return this.attached;
  }

  /** No client request waits on the call any more (it has answered, or is parked between rounds); progress is held for `resume`. */
  detach(): void {
    this.attached = false;
  }

  /** The next round's request drives the call from now on; progress made between rounds reaches it. */
  resume(caller: Caller): void {
    this.caller = caller;
    this.attached = true;
    const held = this.heldProgress;
    this.heldProgress = undefined;
    if (held) this.progress(held.progress, held.total, held.message);
  }

  /** The upstream's progress: to the client request driving the call, or (between rounds) kept for the next one. */
  progress(progress: number, total?: number, message?: string): void {
    if (!this.active) {
      this.heldProgress = { progress, ...(total === undefined ? {} : { total }), ...(message === undefined ? {} : { message }) };
      return;
    }
    if (this.caller.wantsProgress) this.caller.progress(progress, total, message);
  }

  /** The call's answer, failure, or the requests the client must answer first (they are then handed out). */
  async next(): Promise<Step> {
    for (;;) {
      if (this.settled) return this.settled;
      if (this.queued.length > 0) {
        const asks = this.queued.splice(0);
        for (const ask of asks) this.handedOut.set(ask.key, ask);
        this.arm(ANSWER_TIMEOUT_MS, () => new CallTimeout(`${this.what}: the client did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`));
        return { kind: 'asks', asks };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The upstream asks the client something during this call. */
  ask(method: string, params: JsonObject | undefined, signal: AbortSignal): Promise<JsonObject> {
    return new Promise<JsonObject>((resolve, reject) => {
      const key = `input-${++this.asked}`;
      const withdraw = () => {
        this.remove(key);
        reject(signal.reason);
      };
      const ask: Ask = {
        key,
        method,
        params,
        signal,
        resolve: (result) => {
          signal.removeEventListener('abort', withdraw);
          resolve(result);
        },
        reject: (error) => {
          signal.removeEventListener('abort', withdraw);
          reject(error);
        },
      };
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener('abort', withdraw, { once: true });
      this.queued.push(ask);
      this.poke();
    });
  }

  /** The client's answers to the asks handed out (multi-round-trip `inputResponses`, keyed as handed out). */
  answer(responses: Record<string, unknown> | undefined): void {
    for (const [key, ask] of this.handedOut) {
      const response = responses?.[key];
      if (response && typeof response === 'object') ask.resolve(response as JsonObject);
      else ask.reject(new Error(`the client sent no answer for ${ask.method}`));
    }
    this.answered();
  }

  /** The asks handed out have been settled (each directly): the upstream works again, under its timeout. */
  answered(): void {
    this.handedOut.clear();
    if (!this.settled) this.arm(this.timeoutMs, () => new CallTimeout(`${this.what} timed out after ${this.timeoutMs / 1000} s`));
  }

  /** Ends the call: the upstream is told (notifications/cancelled) and every waiting request fails. */
  cancel(reason: Error): void {
    if (this.settled) return;
    this.abort.abort(reason);
    this.settle({ kind: 'failed', error: reason });
  }

  private settle(step: Step): void {
    if (this.settled) return;
    this.settled = step;
    clearTimeout(this.timer);
    const reason = step.kind === 'failed' ? step.error : new Error(`${this.what} already answered`);
    for (const ask of [...this.queued.splice(0), ...this.handedOut.values()]) ask.reject(reason);
    this.handedOut.clear();
    this.poke();
  }

  private remove(key: string): void {
    this.handedOut.delete(key);
    const at = this.queued.findIndex((ask) => ask.key === key);
    if (at !== -1) this.queued.splice(at, 1);
  }

  private arm(ms: number, reason: () => Error): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.cancel(reason()), ms);
    this.timer.unref();
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * The calls in flight on one upstream connection. A 2025 server's request to the client (and its
 * log messages) carries nothing that says which call it belongs to: it goes to the call in flight,
 * or, with several, to the oldest of them when they all come from one client connection. With
 * calls of several clients in flight it is refused (it could reach the wrong person).
 */
export class InFlight {
  private readonly calls = new Set<UpstreamCall>();
  private readonly byToken = new Map<string, UpstreamCall>();

  /** Tracks `call`; with a `progressToken`, the upstream's progress notifications for it reach its client. */
  add(call: UpstreamCall, progressToken?: string): void {
    this.calls.add(call);
    if (progressToken) this.byToken.set(progressToken, call);
    void call.done.then(() => {
      this.calls.delete(call);
      if (progressToken) this.byToken.delete(progressToken);
    });
  }

  /**
   * A notifications/progress of the upstream. Routed here rather than by the SDK, which drops a
   * progress notification read together with its call's response (the last one, often).
   */
  progress(params: { progressToken?: unknown; progress?: unknown; total?: unknown; message?: unknown }): void {
    const call = typeof params.progressToken === 'string' ? this.byToken.get(params.progressToken) : undefined;
    if (!call || typeof params.progress !== 'number') return;
    call.progress(params.progress, typeof params.total === 'number' ? params.total : undefined, typeof params.message === 'string' ? params.message : undefined);
  }

  get size(): number {
    return this.calls.size;
  }

  /** The call an unattributed message belongs to, 'none' without calls, 'ambiguous' with several clients'. */
  attribute(): UpstreamCall | 'none' | 'ambiguous' {
    const open = [...this.calls].filter((call) => !call.isSettled);
    if (open.length === 0) return 'none';
    const connections = new Set(open.map((call) => call.caller.connection));
    return connections.size === 1 ? open[0]! : 'ambiguous';
  }

  cancelAll(reason: Error): void {
    for (const call of this.calls) call.cancel(reason);
  }
}
