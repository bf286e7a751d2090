import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const TYPESCRIPT = /\.[mc]?ts$/;

/**
 * Imports a module file fresh (never from the module cache), so a reload sees edits.
 * TypeScript goes through tsx's scoped loader: no build step, and nothing registered globally.
 */
export async function importFresh(file: string, generation: number): Promise<Record<string, unknown>> {
  const url = `${pathToFileURL(file).href}?generation=${generation}`;
  if (TYPESCRIPT.test(file)) return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  return (await import(url)) as Record<string, unknown>;
}
