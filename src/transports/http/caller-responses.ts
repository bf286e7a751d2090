import type { ServerResponse } from 'node:http';

/**
 * Open HTTP responses by the caller they were authorized for (an API key's label; undefined
 * without keys), so that revoking a key ends its open streams at once (subscriptions/listen, SSE).
 */
export class CallerResponses {
  private readonly open = new Map<string | undefined, Set<ServerResponse>>();

  track(caller: string | undefined, response: ServerResponse): void {
    if (response.writableFinished || response.destroyed) return;
    let responses = this.open.get(caller);
    if (!responses) this.open.set(caller, (responses = new Set()));
    responses.add(response);
    response.once('close', () => {
      responses.delete(response);
      if (responses.size === 0 && this.open.get(caller) === responses) this.open.delete(caller);
    });
  }

  /** Ends every open response whose caller is no longer allowed; returns how many. */
  closeUnless(allowed: (caller: string | undefined) => boolean): number {
    let closed = 0;
    for (const [caller, responses] of this.open) {
      if (allowed(caller)) continue;
      for (const response of responses) {
        response.destroy();
        closed++;
      }
    }
    return closed;
  }
}
