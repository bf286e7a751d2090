import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { writeFileAtomic } from '../fs-util.js';
import { StorageError } from '../types.js';

/**
 * A lowdb adapter like lowdb's JSONFile, but durable (fsync of file and directory) and strict:
 * a file that is not valid JSON is reported with its path, never silently replaced.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  constructor(
    readonly path: string,
    private readonly check: (value: unknown) => T,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StorageError('IO', `cannot read ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new StorageError('CORRUPT', `${this.path} is not valid JSON (${(error as Error).message}); restore it from a backup or move it away`, { cause: error });
    }
    return this.check(value);
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(data));
  }
}
