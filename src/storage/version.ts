import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** This package's version; package.json is two levels up from both src/storage and dist/storage. */
export function serverVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
