import { Inflight } from './http/inflight.js';

/** At most `max` requests handled at once by one transport (transport.maxConcurrentRequests; 0: no limit). */
export class RequestLimit extends Inflight {
  constructor(readonly max: number) {
    super();
  }

  /** Starts one request, or returns undefined when `max` are already in flight; the returned function ends it. */
  tryBegin(): (() => void) | undefined {
    return this.max > 0 && this.size >= this.max ? undefined : this.begin();
  }

  /** What a refused request is told. */
  get busyMessage(): string {
    return `Server busy: ${this.max} requests already in flight (transport.maxConcurrentRequests); retry shortly`;
  }
}

/**
 * Whether a JSON-RPC message is a request that holds a slot until it is answered. Notifications and
 * responses never do (refusing a cancellation or an answer to the server's own question would only
 * keep slots taken longer), nor does `subscriptions/listen`, a stream that stays open by design.
 */
export function holdsSlot(message: unknown): message is { id: string | number; method: string } {
  const m = message as { id?: unknown; method?: unknown } | null;
  return typeof m?.method === 'string' && (typeof m.id === 'string' || typeof m.id === 'number') && m.method !== 'subscriptions/listen';
}
