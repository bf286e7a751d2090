import type { ServerResponse } from 'node:http';

/** Calls `end` once the response has been fully written or aborted (a streamed one included). */
export function endWhenSent(outgoing: ServerResponse, end: () => void): void {
  if (outgoing.writableFinished || outgoing.destroyed) end();
  else outgoing.once('close', end);
}

/** Runs `handle`, calling `end` once the response has been sent (see endWhenSent), or at once when `handle` fails. */
export async function holdUntilSent<T>(outgoing: ServerResponse, handle: () => Promise<T>, end: () => void): Promise<T> {
  endWhenSent(outgoing, end);
  try {
    return await handle();
  } catch (error) {
    end();
    throw error;
  }
}
