import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../observability/logger.js';
import type { BackupResult } from './commands/report.js';
import { writeFileAtomic } from './fs-util.js';
import { StorageError } from './types.js';

/**
 * Online backup, coordinated through the data directory lock: `--backup` finds the directory owned
 * by a live server, drops a request file into `<dataDir>/.backup-requests/` and sends the owner
 * SIGUSR2; the server writes the archive from its open storage and answers with a result file.
 */

const REQUESTS = '.backup-requests';
const POLL_MS = 100;
const WAIT_MS = 15 * 60_000;

interface BackupRequest {
  output: string;
  requestedBy: number;
}

/** The result file: what the backup wrote, or why it failed. */
type BackupAnswer = BackupResult | { error: string };

const requestFile = (dir: string, id: string) => join(dir, `${id}.request.json`);
const resultFile = (dir: string, id: string) => join(dir, `${id}.result.json`);

export async function requestBackupFromOwner(dataDir: string, ownerPid: number, output: string): Promise<BackupResult> {
  const dir = join(dataDir, REQUESTS);
  await mkdir(dir, { recursive: true });
  const id = randomUUID();
  const request: BackupRequest = { output, requestedBy: process.pid };
  await writeFileAtomic(requestFile(dir, id), JSON.stringify(request));
  try {
    process.kill(ownerPid, 'SIGUSR2');
    const deadline = Date.now() + WAIT_MS;
    while (Date.now() < deadline) {
      const answer = await readJson<BackupAnswer>(resultFile(dir, id));
      if (answer) {
        if ('error' in answer) throw new StorageError('IO', `the server (process ${ownerPid}) could not write the backup: ${answer.error}`);
        if (answer.command !== 'backup' || !Array.isArray(answer.collections)) {
          throw new StorageError('IO', `the server (process ${ownerPid}) answered in a form this mcp-server does not read (another version?); check ${output}`);
        }
        return { ...answer, writtenByServer: ownerPid };
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new StorageError('IO', `the server (process ${ownerPid}) did not answer the backup request within ${WAIT_MS / 60_000} minutes`);
  } finally {
    await rm(requestFile(dir, id), { force: true });
    await rm(resultFile(dir, id), { force: true });
  }
}

/** Server side: answers every pending request with `backup(output)`. Requests are handled one at a time. */
export async function answerBackupRequests(dataDir: string, backup: (output: string) => Promise<BackupResult>, log: Logger): Promise<void> {
  const dir = join(dataDir, REQUESTS);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names.filter((file) => file.endsWith('.request.json')).sort()) {
    const id = name.slice(0, -'.request.json'.length);
    const request = await readJson<BackupRequest>(requestFile(dir, id));
    if (!request || (await readJson(resultFile(dir, id)))) continue;
    log.info({ output: request.output, requestedBy: request.requestedBy }, 'writing a backup on request');
    let answer: BackupAnswer;
    try {
      answer = await backup(request.output);
    } catch (error) {
      log.error({ err: error }, 'backup on request failed');
      answer = { error: error instanceof Error ? error.message : String(error) };
    }
    await writeFileAtomic(resultFile(dir, id), JSON.stringify(answer));
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
