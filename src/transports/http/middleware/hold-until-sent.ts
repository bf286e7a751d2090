import type { Context, Next } from 'hono';
import type { AppEnv } from '../types.js';

/** Runs the rest of the chain, calling `end` once the response has been fully written or aborted (a streamed one included). */
export async function holdUntilSent(c: Context<AppEnv>, next: Next, end: () => void): Promise<void> {
  const outgoing = c.env.outgoing;
  if (outgoing.writableFinished || outgoing.destroyed) end();
  else outgoing.once('close', end);
  try {
    await next();
  } catch (error) {
    end();
    throw error;
  }
}
