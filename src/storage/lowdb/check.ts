import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from '../types.js';
import { LowdbBackend } from './backend.js';
import { Journal } from './journal.js';

/** Tries every collection file on its own and describes the ones that cannot be read. */
export async function checkLowdbFiles(dir: string): Promise<string[]> {
  const problems: string[] = [];
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json') || f.endsWith('.journal.jsonl'));
  for (const file of files) {
    try {
      if (file.endsWith('.json')) await LowdbBackend.readFile(join(dir, file));
      else await new Journal(join(dir, file)).read();
    } catch (error) {
      problems.push(error instanceof StorageError ? error.message : `${join(dir, file)}: ${(error as Error).message}`);
    }
  }
  return problems;
}
