import assert from 'node:assert/strict';

/** Polls `check` every `intervalMs` until it holds; fails after `attempts` tries (bounded in count and time). */
export async function waitFor(check: () => Promise<boolean> | boolean, what: string, { attempts = 100, intervalMs = 100 } = {}): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  assert.fail(`timed out waiting for ${what}`);
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
