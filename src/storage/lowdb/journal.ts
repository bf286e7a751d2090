import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkStoredDocument } from '../document.js';
import { fsyncPath, writeFileAtomic } from '../fs-util.js';
import { StorageError, type StoredDocument } from '../types.js';

/** One change since the last snapshot of a collection. */
export type JournalEntry = { op: 'put'; doc: StoredDocument } | { op: 'delete'; id: string };

/**
 * An append-only, fsynced log of changes beside a lowdb collection file, so a write costs one
 * appended line instead of a rewrite of the whole collection. Replaying it over the snapshot is
 * idempotent, so a crash between writing a new snapshot and emptying the journal loses nothing.
 */
export class Journal {
  private handle: FileHandle | undefined;
  /** Entries appended since the last snapshot. */
  length = 0;

  constructor(readonly path: string) {}

  /**
   * The entries written so far. A torn last line (a crash mid-append, never acknowledged) is left
   * out and reported; a bad line anywhere else means the file is corrupt.
   */
  async read(): Promise<{ entries: JournalEntry[]; torn: boolean }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], torn: false };
      throw new StorageError('IO', `cannot read ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    const lines = text.split('\n');
    const last = lines.pop() ?? '';
    const entries: JournalEntry[] = [];
    lines.forEach((line, index) => {
      const entry = parseEntry(line);
      if (!entry) throw new StorageError('CORRUPT', `${this.path} line ${index + 1} is not a journal entry; restore from a backup or move the file away`);
      entries.push(entry);
    });
    this.length = entries.length;
    return { entries, torn: last.length > 0 };
  }

  /** Appends entries and makes them durable before resolving. */
  async append(entries: JournalEntry[]): Promise<void> {
    if (!this.handle) {
      this.handle = await open(this.path, 'a');
      await fsyncPath(dirname(this.path)).catch(() => undefined);
    }
    await this.handle.write(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    await this.handle.datasync();
    this.length += entries.length;
  }

  /** Empties the journal once a snapshot holds everything in it. */
  async reset(): Promise<void> {
    await this.close();
    await writeFileAtomic(this.path, '');
    this.length = 0;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

function parseEntry(line: string): JournalEntry | undefined {
  try {
    const entry = JSON.parse(line) as Partial<JournalEntry>;
    if (entry.op === 'put' && entry.doc) return { op: 'put', doc: checkStoredDocument(entry.doc, 'journal entry') };
    if (entry.op === 'delete' && typeof entry.id === 'string') return { op: 'delete', id: entry.id };
  } catch {
    // not JSON or not a document: reported by the caller
  }
  return undefined;
}
