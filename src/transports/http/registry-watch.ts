import type { Runtime } from '../../server/runtime.js';

/**
 * Calls `onChange` when a reload swapped in a new registry snapshot. The runtime exposes no event
 * for that, so the generation is polled (cheap: one property read per second).
 */
export function watchRegistry(runtime: Runtime, onChange: () => void, everyMs = 1000): () => void {
  let generation = runtime.registry().generation;
  const timer = setInterval(() => {
    const next = runtime.registry().generation;
    if (next === generation) return;
    generation = next;
    onChange();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
