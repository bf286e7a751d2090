import { pathToFileURL } from 'node:url';

const TYPESCRIPT = /\.[mc]?ts$/;

/**
 * Imports one version of a module file. `version` names the file's content: a new version is a new
 * URL (never the module cache's copy of older content), the same version is the cached module.
 * TypeScript goes through tsx's scoped loader: no build step, nothing registered globally, and
 * every call a fresh import. tsx is loaded on the first .ts module only (the built-ins are compiled
 * at build time).
 */
export async function importVersion(file: string, version: string): Promise<Record<string, unknown>> {
  const url = `${pathToFileURL(file).href}?v=${version}`;
  if (TYPESCRIPT.test(file)) {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}
