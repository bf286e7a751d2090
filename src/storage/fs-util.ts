import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Leftover temp files carry this marker so repair can find them. */
export const TEMP_MARKER = '.tmp-';

export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a file so that a crash leaves either the old or the new content: temp file, fsync, rename, fsync dir. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temp = `${path}${TEMP_MARKER}${process.pid}-${Date.now()}`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, path);
  await fsyncPath(dirname(path)).catch(() => undefined);
}
