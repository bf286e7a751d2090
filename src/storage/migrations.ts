import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './fs-util.js';
import type { EngineName } from './types.js';

export interface MigrationContext {
  dataDir: string;
  enginePath: string;
  engine: EngineName;
}

export interface MigrationStep {
  from: number;
  to: number;
  description: string;
  /** Idempotent; returns what it did, one line per change. */
  run(context: MigrationContext): Promise<string[]>;
}

/**
 * v0 is the layout before schema.json existed: lowdb collection files were a bare `{ "documents": [...] }`
 * (or a bare array) without the format marker. v1 adds the marker; the runner then writes schema.json.
 */
const v0ToV1: MigrationStep = {
  from: 0,
  to: 1,
  description: 'mark lowdb collection files with their format and record the schema version',
  async run({ enginePath, engine }) {
    if (engine !== 'lowdb') return [];
    const done: string[] = [];
    const files = await readdir(enginePath).catch(() => [] as string[]);
    for (const file of files.filter((f) => f.endsWith('.json'))) {
      const path = join(enginePath, file);
      const content = JSON.parse(await readFile(path, 'utf8')) as unknown;
      if (typeof content === 'object' && content !== null && (content as { format?: unknown }).format === 'mcp-server-lowdb') continue;
      const documents = Array.isArray(content) ? content : (content as { documents?: unknown }).documents;
      if (!Array.isArray(documents)) throw new Error(`${path} is neither a v0 nor a v1 collection file`);
      await writeFileAtomic(path, JSON.stringify({ format: 'mcp-server-lowdb', version: 1, documents }));
      done.push(`converted ${path} (${documents.length} documents)`);
    }
    return done;
  },
};

export const MIGRATIONS: MigrationStep[] = [v0ToV1];
