import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { LoadedDefinition } from './normalize.js';

export interface ModuleProblem {
  file: string;
  reason: string;
}

/** What one module file gave: its definitions, or the problems that kept them from being served. */
export interface FileLoad {
  readonly definitions: readonly LoadedDefinition[];
  readonly problems: readonly ModuleProblem[];
}

const contentHash = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const versionOf = (hash: string): string => hash.slice(0, 16);

/** The version of a module file's content: what names it in its import URL. */
export const contentVersion = (bytes: Buffer): string => versionOf(contentHash(bytes));

/**
 * Module files by content. A file whose bytes did not change since it was last loaded keeps what it
 * gave then (the same definition objects, no import): every fresh ESM import stays in memory for
 * good, so a reload imports only what changed. Holds the files of the latest load only.
 */
export class ModuleFileCache {
  private entries = new Map<string, { hash: string; variant: string; load: FileLoad }>();

  /**
   * The file's load for its current content: reused, or produced by `importer(version)`. A load of
   * another `variant` (say, the file loaded in a worker rather than in-process) is never reused.
   */
  async load(file: string, importer: (version: string) => Promise<FileLoad>, variant = ''): Promise<{ load: FileLoad; imported: boolean }> {
    let hash: string;
    try {
      hash = contentHash(await readFile(file));
    } catch {
      // unreadable now (removed mid-reload): let the importer report why
      return { load: await importer('unreadable'), imported: true };
    }
    const cached = this.entries.get(file);
    if (cached?.hash === hash && cached.variant === variant) return { load: cached.load, imported: false };
    const load = await importer(versionOf(hash));
    this.entries.set(file, { hash, variant, load });
    return { load, imported: true };
  }

  /** Forgets every file not in `files` (no longer discovered). */
  retain(files: readonly string[]): void {
    const keep = new Set(files);
    for (const file of this.entries.keys()) if (!keep.has(file)) this.entries.delete(file);
  }
}
