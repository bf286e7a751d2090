/**
 * The longest delay a Node timer can hold: 2^31-1 ms (about 24.8 days). A longer delay is not
 * honoured but replaced by 1 ms (with a TimeoutOverflowWarning), so a "30 day" timeout fires at once
 * and a long interval spins.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The same limit in whole seconds, for durations configured in seconds. */
export const MAX_TIMER_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** A delay a timer can hold: longer (or infinite) delays wait as long as a timer can, never less. */
export function timerDelay(ms: number): number {
  if (Number.isNaN(ms)) return MAX_TIMER_MS;
  return Math.min(Math.max(ms, 1), MAX_TIMER_MS);
}
