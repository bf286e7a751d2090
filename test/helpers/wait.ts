import assert from 'node:assert/strict';

export interface WaitOptions {
  /** How many times to look (default 100). */
  attempts?: number;
  /** How long to wait between looks (default 100 ms). */
  intervalMs?: number;
}

/**
 * Polls `get` every `intervalMs` until it gives a value (not undefined), and returns it; fails
 * naming `what` (a function: worded when it fails) after `attempts` tries (bounded in count and
 * time). `get` may throw to stop early (a process that exited).
 */
export async function pollFor<T>(get: () => Promise<T | undefined> | T | undefined, what: string | (() => string), { attempts = 100, intervalMs = 100 }: WaitOptions = {}): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = await get();
    if (value !== undefined) return value;
    if (attempt < attempts - 1) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  assert.fail(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
}

/** Polls `check` until it holds (see pollFor). */
export async function waitFor(check: () => Promise<boolean> | boolean, what: string | (() => string), options: WaitOptions = {}): Promise<void> {
  await pollFor(async () => ((await check()) ? true : undefined), what, options);
}

/** The server's JSON log lines (stderr), parsed; other lines are skipped. */
export function logEntries(stderr: string): Array<Record<string, any>> {
  return stderr.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, any>];
    } catch {
      return [];
    }
  });
}

/** `promise`, or a failure naming `what` once `ms` pass first. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
