import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './fs-util.js';
import { StorageError, type EngineName } from './types.js';
import { serverVersion } from '../version.js';

/** The data layout version this build reads and writes. Bump it together with a new migration step. */
export const CURRENT_SCHEMA_VERSION = 1;
export const SCHEMA_FILE = 'schema.json';

export interface SchemaFile {
  schemaVersion: number;
  engine: EngineName;
  createdBy: string;
}

async function hasFiles(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch {
    return false;
  }
}

/** The version of a data directory: from schema.json; 0 when engine files exist without one; undefined when new. */
export async function readSchemaVersion(dataDir: string, enginePath: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, SCHEMA_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return (await hasFiles(enginePath)) ? 0 : undefined;
  }
  try {
    const file = JSON.parse(text) as SchemaFile;
    if (Number.isInteger(file.schemaVersion) && file.schemaVersion >= 0) return file.schemaVersion;
  } catch {
    // reported below
  }
  throw new StorageError('CORRUPT', `${join(dataDir, SCHEMA_FILE)} is not a valid schema file; fix it or restore the data directory from a backup`);
}

export async function writeSchemaFile(dataDir: string, engine: EngineName, version = CURRENT_SCHEMA_VERSION): Promise<void> {
  const file: SchemaFile = { schemaVersion: version, engine, createdBy: `mcp-server ${serverVersion}` };
  await writeFileAtomic(join(dataDir, SCHEMA_FILE), `${JSON.stringify(file, null, 2)}\n`);
}

/** Refuses a directory written by a newer or older layout; initializes a new one. */
export async function ensureSchema(dataDir: string, enginePath: string, engine: EngineName): Promise<void> {
  const version = await readSchemaVersion(dataDir, enginePath);
  if (version === undefined) return writeSchemaFile(dataDir, engine);
  if (version > CURRENT_SCHEMA_VERSION) {
    throw new StorageError(
      'SCHEMA_TOO_NEW',
      `data directory ${dataDir} has schema version ${version}, which was written by a newer mcp-server (this one, ${serverVersion}, reads version ${CURRENT_SCHEMA_VERSION}); upgrade mcp-server`,
    );
  }
  if (version < CURRENT_SCHEMA_VERSION) {
    throw new StorageError(
      'NEEDS_MIGRATION',
      `data directory ${dataDir} has schema version ${version}; this mcp-server needs version ${CURRENT_SCHEMA_VERSION}. Back it up, then run: mcp-server --migrate --data-dir ${dataDir}`,
    );
  }
}
