import { execFileSync } from 'node:child_process';
import { open, rm, statfs, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { tempDir } from './temp-dir.js';

export interface SmallDisk {
  dir: string;
  /** Fills the disk with a filler file, then frees about `leaveBytes` of it again. */
  fill(leaveBytes?: number): Promise<void>;
  /** Removes the filler: space is back. */
  free(): Promise<void>;
  /** Bytes still available to an unprivileged writer. */
  available(): Promise<number>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);
const PAGE = Buffer.alloc(4096, 0x61);

/**
 * Mounts a tmpfs of `sizeBytes` for this test and unmounts it when the test ends. Where mounting is not
 * possible (not root, no CAP_SYS_ADMIN, not Linux) the test is skipped with the reason, and this returns
 * undefined.
 */
export async function smallDisk(t: TestContext, sizeBytes: number): Promise<SmallDisk | undefined> {
  const { dir, cleanup } = await tempDir('mcp-small-disk-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    await cleanup();
    const why = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    t.skip(`cannot mount a small tmpfs to fill up (needs root on Linux): ${why}`);
    return undefined;
  }
  t.after(async () => {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    await cleanup();
  });
  const filler = join(dir, 'filler');
  return {
    dir,
    async fill(leaveBytes = 0) {
      const handle = await open(filler, 'a');
      try {
        // big chunks first, then pages, so the disk ends up full to the last page (bounded by its size)
        for (const chunk of [CHUNK, PAGE]) {
          for (let i = 0; i <= sizeBytes / chunk.length; i++) {
            try {
              await handle.write(chunk);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
              break;
            }
          }
        }
        const { size } = await handle.stat();
        await handle.close();
        if (leaveBytes > 0) await truncate(filler, Math.max(0, size - leaveBytes));
      } finally {
        await handle.close().catch(() => undefined);
      }
    },
    async free() {
      await rm(filler, { force: true });
    },
    async available() {
      const stats = await statfs(dir);
      return stats.bavail * stats.bsize;
    },
  };
}
