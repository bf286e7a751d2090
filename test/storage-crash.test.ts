import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ENGINES, open, tempDir } from './helpers/storage-temp.js';

const WRITER = fileURLToPath(new URL('./helpers/storage-writer.ts', import.meta.url));
const TARGET = 60;
// generous: under a loaded CI machine a tsx start-up plus fsync-per-write can be slow; a healthy run takes ~1 s
const TIMEOUT_MS = 120_000;

/** Runs the writer until it acknowledged TARGET writes (or the timeout), then SIGKILLs it. */
async function writeAndKill(engine: string, dataDir: string): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, engine, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acknowledged: string[] = [];
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`writer made only ${acknowledged.length} writes in time; stderr: ${stderr}`)), TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        acknowledged.push(...lines.filter((l) => l.startsWith('doc-')));
        if (acknowledged.length >= TARGET) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`writer exited early (${code}); stderr: ${stderr}`));
      });
    });
  } finally {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }
  return acknowledged;
}

describe('storage crash safety', () => {
  for (const engine of ENGINES) {
    it(`${engine}: every acknowledged write survives SIGKILL`, async () => {
      const { dir, cleanup } = await tempDir(`crash-${engine}-`);
      try {
        const acknowledged = await writeAndKill(engine, dir);
        assert.ok(acknowledged.length >= TARGET);
        // the dead writer's lock is stale and is taken over at open
        const storage = await open(engine, dir);
        try {
          const col = storage.collection('crash');
          const missing: string[] = [];
          for (const id of acknowledged) if (!(await col.get(id))) missing.push(id);
          assert.deepEqual(missing, []);
          assert.ok((await col.count()) >= acknowledged.length);
        } finally {
          await storage.close();
        }
      } finally {
        await cleanup();
      }
    });
  }
});
