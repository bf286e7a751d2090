import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkStoredDocument } from '../document.js';
import { fsyncPath, writeFileAtomic } from '../fs-util.js';
import { StorageError, type StoredDocument } from '../types.js';

/** One change since the last snapshot of a collection. */
export type JournalEntry = { op: 'put'; doc: StoredDocument } | { op: 'delete'; id: string };

/** Every complete entry of a journal, and the lines (1-based) that were not one. */
export interface SalvagedJournal {
  entries: JournalEntry[];
  badLines: number[];
}

/**
 * An append-only, fsynced log of changes beside a lowdb collection file, so a write costs one
 * appended line instead of a rewrite of the whole collection. Replaying it over the snapshot is
 * idempotent, so a crash between writing a new snapshot and emptying the journal loses nothing.
 *
 * An append is all or nothing: when it cannot be written whole (a full disk), the file is cut back
 * to where it was, so a refused write never leaves half a line for the next append to land after.
 */
export class Journal {
  private handle: FileHandle | undefined;
  /** Bytes of complete entries: where the next append starts (read from the file when first needed). */
  private size: number | undefined;
  /** A failed append could not be cut back yet; the next append does that first. */
  private dirty = false;
  /** Entries appended since the last snapshot. */
  length = 0;

  constructor(readonly path: string) {}

  /**
   * The entries written so far. A torn last line (a crash mid-append, never acknowledged) is cut
   * off the file; a bad line anywhere else means the file is damaged (--repair-database salvages it).
   */
  async read(): Promise<JournalEntry[]> {
    const text = await this.text();
    const lines = text.split('\n');
    const last = lines.pop() ?? '';
    const entries: JournalEntry[] = [];
    lines.forEach((line, index) => {
      const entry = parseEntry(line);
      if (!entry) {
        throw new StorageError(
          'CORRUPT',
          `${this.path} line ${index + 1} is not a journal entry; run mcp-server --repair-database (same configuration) to keep every complete entry, or restore from a backup`,
        );
      }
      entries.push(entry);
    });
    const complete = Buffer.byteLength(text.slice(0, text.length - last.length));
    if (last.length > 0) {
      await this.close();
      await truncate(this.path, complete);
    }
    this.size = complete;
    this.length = entries.length;
    return entries;
  }

  /**
   * Every complete entry, including one glued to the end of a line cut short by a failed write (repair).
   * A torn last line (no newline) was never acknowledged and is dropped, as at start-up.
   */
  async salvage(): Promise<SalvagedJournal> {
    const lines = (await this.text()).split('\n');
    const last = lines.pop() ?? '';
    const entries: JournalEntry[] = [];
    const badLines: number[] = [];
    for (const [index, line] of lines.entries()) {
      const entry = parseEntry(line);
      if (entry) {
        entries.push(entry);
        continue;
      }
      badLines.push(index + 1);
      const glued = trailingEntry(line);
      if (glued) entries.push(glued);
    }
    if (last.length > 0) badLines.push(lines.length + 1);
    return { entries, badLines };
  }

  /** Replaces the whole journal with these entries, atomically (repair). */
  async rewrite(entries: JournalEntry[]): Promise<void> {
    await this.close();
    const text = entries.map(serialize).join('');
    await writeFileAtomic(this.path, text);
    this.size = Buffer.byteLength(text);
    this.length = entries.length;
  }

  /** Appends entries and makes them durable before resolving; on failure the file is as it was. */
  async append(entries: JournalEntry[]): Promise<void> {
    const handle = await this.open();
    if (this.dirty) await this.cutBack(handle);
    const data = Buffer.from(entries.map(serialize).join(''));
    try {
      for (let written = 0; written < data.length; ) {
        // one write may store only part of the buffer (the disk filled up): write the rest, or fail
        const { bytesWritten } = await handle.write(data, written, data.length - written);
        if (bytesWritten <= 0) throw new Error('the file system accepted no bytes');
        written += bytesWritten;
      }
      await handle.datasync();
    } catch (error) {
      this.dirty = true;
      await this.cutBack(handle).catch(() => undefined);
      throw new StorageError('IO', `cannot write to ${this.path}: ${(error as Error).message}; nothing was written`, { cause: error });
    }
    this.size! += data.length;
    this.length += entries.length;
  }

  /** Empties the journal once a snapshot holds everything in it. */
  async reset(): Promise<void> {
    await this.close();
    await writeFileAtomic(this.path, '');
    this.size = 0;
    this.dirty = false;
    this.length = 0;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async text(): Promise<string> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw new StorageError('IO', `cannot read ${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  private async open(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    const handle = await open(this.path, 'a');
    try {
      this.size ??= (await handle.stat()).size;
    } catch (error) {
      await handle.close();
      throw error;
    }
    this.handle = handle;
    await fsyncPath(dirname(this.path)).catch(() => undefined);
    return handle;
  }

  /** Cuts the file back to its complete entries (freeing space never needs space). */
  private async cutBack(handle: FileHandle): Promise<void> {
    await handle.truncate(this.size!);
    await handle.datasync();
    this.dirty = false;
  }
}

const serialize = (entry: JournalEntry): string => `${JSON.stringify(entry)}\n`;

const ENTRY_START = '{"op":"';

/** A whole entry at the end of a damaged line: an append that went through after one cut short. */
function trailingEntry(line: string): JournalEntry | undefined {
  for (let at = line.indexOf(ENTRY_START, 1); at > 0; at = line.indexOf(ENTRY_START, at + 1)) {
    const entry = parseEntry(line.slice(at));
    if (entry) return entry;
  }
  return undefined;
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
