import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from '../types.js';
import { LowdbBackend } from './backend.js';
import { Journal } from './journal.js';

export interface LowdbRepairReport {
  /** What could not be repaired (left in place). */
  problems: string[];
  /** What was repaired. */
  repaired: string[];
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/**
 * Tries every collection file on its own. A journal with damaged lines (a write cut short by a full
 * disk in an older version, or a damaged disk) is rewritten with every complete entry it holds, after
 * a byte-for-byte copy of the original is kept beside it. A damaged snapshot is reported, never touched.
 */
export async function repairLowdbFiles(dir: string): Promise<LowdbRepairReport> {
  const report: LowdbRepairReport = { problems: [], repaired: [] };
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json') || f.endsWith('.journal.jsonl'));
  for (const file of files) {
    const path = join(dir, file);
    try {
      if (file.endsWith('.json')) await LowdbBackend.readFile(path);
      else await repairJournal(path, report);
    } catch (error) {
      report.problems.push(error instanceof StorageError ? error.message : `${path}: ${(error as Error).message}`);
    }
  }
  return report;
}

async function repairJournal(path: string, report: LowdbRepairReport): Promise<void> {
  const journal = new Journal(path);
  const { entries, badLines } = await journal.salvage();
  if (badLines.length === 0) return;
  const original = `${path}.damaged-${stamp()}`;
  await copyFile(path, original);
  await journal.rewrite(entries);
  report.repaired.push(
    `${path}: kept ${entries.length} complete ${entries.length === 1 ? 'entry' : 'entries'}, dropped ${badLines.length} damaged ${badLines.length === 1 ? 'line' : 'lines'} (${badLines.join(', ')}); the original is kept at ${original}`,
  );
}
