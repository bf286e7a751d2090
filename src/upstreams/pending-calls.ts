import { randomBytes } from 'node:crypto';
import { ANSWER_TIMEOUT_MS, type UpstreamCall } from './upstream-call.js';

const MAX_PENDING = 1000;

/**
 * Calls of 2025 upstreams waiting, between two requests of a 2026-07-28 client, for that client's
 * answers to what the upstream asked: the client gets input_required with requestState naming the
 * call here, and its next request picks the call up again. Bounded in number and in time.
 */
export class PendingCalls {
  private readonly calls = new Map<string, { call: UpstreamCall; timer: NodeJS.Timeout }>();

  /** Keeps `call` until the client comes back; returns the id that names it in requestState. */
  park(call: UpstreamCall): string {
    if (this.calls.size >= MAX_PENDING) {
      const refused = new Error(`too many upstream calls (${MAX_PENDING}) are waiting for clients to answer; try again later`);
      call.cancel(refused);
      throw refused;
    }
    const id = randomBytes(16).toString('base64url');
    const timer = setTimeout(() => {
      this.calls.delete(id);
      call.cancel(new Error(`the client did not come back with its answers within ${ANSWER_TIMEOUT_MS / 1000} s`));
    }, ANSWER_TIMEOUT_MS);
    timer.unref();
    this.calls.set(id, { call, timer });
    return id;
  }

  /** The call `id` names, taken out (undefined when it ended or was already taken). */
  take(id: string): UpstreamCall | undefined {
    const entry = this.calls.get(id);
    if (!entry) return undefined;
    this.calls.delete(id);
    clearTimeout(entry.timer);
    return entry.call;
  }

  get size(): number {
    return this.calls.size;
  }

  cancelAll(reason: Error): void {
    for (const [id, { call, timer }] of this.calls) {
      clearTimeout(timer);
      call.cancel(reason);
      this.calls.delete(id);
    }
  }
}
