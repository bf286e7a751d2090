import { readdir } from 'node:fs/promises';
import path from 'node:path';

const MODULE_FILE = /\.(ts|mts|js|mjs)$/;
const SKIPPED_FILE = /(\.d\.[mc]?ts|\.test\.[mc]?[jt]s|\.spec\.[mc]?[jt]s)$/;
const SKIPPED_DIR = new Set(['node_modules', 'dist', 'build', 'coverage']);

/** Whether a file name (not a path) is one discovery would load: dot-files, declarations and tests are not. */
export const isModuleFileName = (name: string): boolean => !name.startsWith('.') && MODULE_FILE.test(name) && !SKIPPED_FILE.test(name);

/** Whether discovery descends into a directory of this name. */
export const isSkippedDirName = (name: string): boolean => name.startsWith('.') || SKIPPED_DIR.has(name);

/**
 * Every module file under the given directories, recursively, in a deterministic order
 * (directories in the order given, then paths sorted by code point). Dot-files, declaration
 * files, tests and node_modules are skipped; a file reachable from two directories is listed once.
 */
export async function discoverModuleFiles(dirs: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const files: string[] = [];
  for (const dir of dirs) {
    const found = (await walk(path.resolve(dir))).sort();
    for (const file of found) {
      if (seen.has(file)) continue;
      seen.add(file);
      files.push(file);
    }
  }
  return files;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!isSkippedDirName(entry.name)) files.push(...(await walk(full)));
    } else if (entry.isFile() && isModuleFileName(entry.name)) {
      files.push(full);
    }
  }
  return files;
}
