import { shrinkHeap } from '../../server/garbage.js';

/**
 * Many sessions closing at once (an idle sweep, a revoked key) leave their memory as garbage that
 * V8 may not collect for a long time on a quiet server (no allocation, no collection), so the
 * process keeps its peak RSS, and the young generation V8 grew while they opened (~30 MB) stays
 * grown. Once RELEASE_AFTER sessions have closed, the heap is shrunk (shrinkHeap) when closing
 * has been quiet for QUIET_MS; under steady load the ordinary collections free the sessions.
 */
const RELEASE_AFTER = 100;
const QUIET_MS = 2000;

let closed = 0;
let timer: NodeJS.Timeout | undefined;

/** Counts one closed session (of any HTTP transport). */
export function sessionClosed(): void {
  closed += 1;
  if (closed < RELEASE_AFTER) return;
  if (timer) timer.refresh();
  else timer = setTimeout(release, QUIET_MS).unref();
}

function release(): void {
  timer = undefined;
  closed = 0;
  void shrinkHeap();
}
