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

/**
 * Writes a file so that a crash or a full disk leaves either the old or the new content: temp file,
 * fsync, rename, fsync dir. When anything fails before the rename, the temp file is removed and the
 * old file is untouched.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temp = `${path}${TEMP_MARKER}${process.pid}-${Date.now()}`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncPath(dirname(path)).catch(() => undefined);
}
