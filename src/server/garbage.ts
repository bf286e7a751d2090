import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options?: { type: 'minor' | 'major' }) => void;

let collect: Collect | null | undefined;

/**
 * Runs one V8 collection now: `minor` collects the young generation only (a few ms), `major` the
 * whole heap. Reached without starting Node with --expose-gc: the flag is on only while a context
 * is made. Returns whether a collection ran (false where V8 refuses the flag).
 */
export function collectGarbage(type: 'minor' | 'major'): boolean {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as Collect;
    } catch {
      collect = null;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  if (!collect) return false;
  // on Node 20, gc({ type: 'major' }) only starts a collection; gc() runs a whole one now
  if (type === 'major') collect();
  else collect({ type });
  return true;
}
