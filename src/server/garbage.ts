import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options?: { type: 'minor' | 'major'; execution?: 'sync'; flavor?: 'last-resort' }) => void;

let collect: Collect | null | undefined;

/** V8 12 (Node 22) and later take gc({ flavor: 'last-resort' }); V8 11 (Node 20) does not. */
const shrinksWhenAsked = Number(process.versions.v8.split('.')[0]) >= 12;

/**
 * Runs one V8 collection now: `minor` collects the young generation only (a few ms), `major` the
 * whole heap. Returns whether a collection ran (false where V8 refuses --expose-gc).
 */
export function collectGarbage(type: 'minor' | 'major'): boolean {
  const gc = collector();
  if (!gc) return false;
  // on Node 20, gc({ type: 'major' }) only starts a collection; gc() runs a whole one now
  if (type === 'major') gc();
  else gc({ type });
  return true;
}

let shrinking: Promise<boolean> | undefined;
const SHRINK_TRIES = 3;
/** The young generation's size when V8 starts (1 MB on 64-bit Node 20 to 24). */
const YOUNG_AT_START = 1024 * 1024;

const youngSize = (): number => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;

/**
 * Collects the whole heap and gives back what V8 keeps for speed: the young generation it grew
 * under load (up to 32 MB) and the old generation's emptied pages. V8 12 and later do it in one
 * collection (10-30 ms). V8 11 shrinks the young generation only at a full collection whose last
 * 5 s saw little allocation, so there one runs now and another `quietMs` later, again (at most
 * SHRINK_TRIES times) while the young generation stays grown: a server that is busy meanwhile
 * keeps it, as it should. Resolves with whether collections ran.
 */
export function shrinkHeap(quietMs = 6000): Promise<boolean> {
  const gc = collector();
  if (!gc) return Promise.resolve(false);
  if (shrinksWhenAsked) {
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    return Promise.resolve(true);
  }
  collectGarbage('major');
  shrinking ??= new Promise<boolean>((resolve) => {
    let tries = 0;
    const again = () => {
      collectGarbage('major');
      if (youngSize() > YOUNG_AT_START && ++tries < SHRINK_TRIES) return void setTimeout(again, quietMs).unref();
      shrinking = undefined;
      resolve(true);
    };
    setTimeout(again, quietMs).unref();
  });
  return shrinking;
}

/** V8's gc(), reached without starting Node with --expose-gc: the flag is on only while a context is made. */
function collector(): Collect | null {
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
  return collect;
}
