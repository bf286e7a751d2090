import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import * as tar from 'tar';
import { checkCollectionName, checkStoredDocument } from './document.js';
import { compareStrings } from './evaluate.js';
import { StorageError, type EngineName, type StoredDocument } from './types.js';

/**
 * The portable backup format: a .tar.gz holding manifest.json and collections/<name>.jsonl, one
 * StoredDocument per line, ordered by id. Any engine's archive restores into any engine.
 */

export const ARCHIVE_FORMAT_VERSION = 1;

export interface ManifestCollection {
  name: string;
  count: number;
  sha256: string;
  file: string;
}

export interface Manifest {
  formatVersion: number;
  engine: EngineName;
  serverVersion: string;
  createdAt: string;
  collections: ManifestCollection[];
}

const corrupt = (archive: string, why: string): never => {
  throw new StorageError('CORRUPT', `backup ${archive} cannot be restored: ${why}; nothing was changed`);
};

/** Writes one collection file into a staging directory; returns its manifest entry. */
export async function writeCollectionFile(staging: string, name: string, documents: AsyncIterable<StoredDocument>): Promise<ManifestCollection> {
  const file = `collections/${name}.jsonl`;
  await mkdir(join(staging, 'collections'), { recursive: true });
  const out = createWriteStream(join(staging, file));
  const hash = createHash('sha256');
  let count = 0;
  for await (const doc of documents) {
    const line = `${JSON.stringify(doc)}\n`;
    hash.update(line);
    count++;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { name, count, sha256: hash.digest('hex'), file };
}

export async function packArchive(staging: string, manifest: Manifest, output: string): Promise<void> {
  await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const entries = ['manifest.json', ...(manifest.collections.length > 0 ? ['collections'] : [])];
  await tar.create({ gzip: true, file: output, cwd: staging, portable: true }, entries);
}

/** Reads the documents of one verified collection file. */
export async function* readCollectionFile(dir: string, entry: ManifestCollection): AsyncIterable<StoredDocument> {
  const lines = createInterface({ input: createReadStream(join(dir, entry.file), 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    yield checkStoredDocument(JSON.parse(line), `${entry.file} line ${n}`);
  }
}

function checkManifest(archive: string, value: unknown): Manifest {
  const m = value as Partial<Manifest> | null;
  if (typeof m !== 'object' || m === null) return corrupt(archive, 'manifest.json is not an object');
  if (m.formatVersion !== ARCHIVE_FORMAT_VERSION) corrupt(archive, `unsupported format version ${String(m.formatVersion)} (this mcp-server reads ${ARCHIVE_FORMAT_VERSION})`);
  if (!Array.isArray(m.collections)) corrupt(archive, 'manifest.json has no collections list');
  const seen = new Set<string>();
  for (const c of m.collections!) {
    try {
      checkCollectionName(c?.name);
    } catch {
      corrupt(archive, `manifest names an invalid collection ${JSON.stringify(c?.name)}`);
    }
    if (seen.has(c.name)) corrupt(archive, `collection ${c.name} is listed twice`);
    seen.add(c.name);
    if (c.file !== `collections/${c.name}.jsonl` || !Number.isInteger(c.count) || typeof c.sha256 !== 'string') {
      corrupt(archive, `manifest entry of collection ${c.name} is malformed`);
    }
  }
  return m as Manifest;
}

/** Checks one collection file line by line: hash, count, JSON, document shape, id order. */
async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function verifyCollection(archive: string, dir: string, entry: ManifestCollection): Promise<void> {
  if ((await fileSha256(join(dir, entry.file))) !== entry.sha256) {
    corrupt(archive, `${entry.file} does not match its sha256 in the manifest (damaged or changed)`);
  }
  const lines = createInterface({ input: createReadStream(join(dir, entry.file), 'utf8'), crlfDelay: Infinity });
  let count = 0;
  let previous: string | undefined;
  try {
    for await (const line of lines) {
      count++;
      let doc: StoredDocument;
      try {
        doc = checkStoredDocument(JSON.parse(line), `${entry.file} line ${count}`);
      } catch (error) {
        return corrupt(archive, error instanceof StorageError ? error.message : `${entry.file} line ${count} is not valid JSON`);
      }
      if (previous !== undefined && compareStrings(previous, doc.id) >= 0) corrupt(archive, `${entry.file} line ${count}: ids are not in ascending order`);
      previous = doc.id;
    }
  } catch (error) {
    if (error instanceof StorageError) throw error;
    corrupt(archive, `${entry.file} is missing or unreadable`);
  }
  if (count !== entry.count) corrupt(archive, `${entry.file} has ${count} documents, the manifest says ${entry.count}`);
}

/** Extracts an archive into `dir` and verifies all of it; throws CORRUPT on any problem. */
export async function extractAndVerify(archive: string, dir: string): Promise<Manifest> {
  try {
    await tar.extract({
      file: archive,
      cwd: dir,
      strict: true,
      filter: (path) => path === 'manifest.json' || path === 'collections' || path === 'collections/' || /^collections\/[A-Za-z][A-Za-z0-9_-]{0,63}\.jsonl$/.test(path),
    });
  } catch (error) {
    corrupt(archive, `it is not a readable .tar.gz (${(error as Error).message})`);
  }
  let manifestText: string;
  try {
    manifestText = await readFile(join(dir, 'manifest.json'), 'utf8');
  } catch {
    return corrupt(archive, 'manifest.json is missing');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifestText);
  } catch {
    return corrupt(archive, 'manifest.json is not valid JSON');
  }
  const manifest = checkManifest(archive, parsed);
  const files = new Set(await readdir(join(dir, 'collections')).catch(() => [] as string[]));
  for (const entry of manifest.collections) {
    if (!files.has(`${entry.name}.jsonl`)) corrupt(archive, `${entry.file} is missing`);
    await verifyCollection(archive, dir, entry);
  }
  return manifest;
}
