import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory this package is installed in (the same from src/ under tsx and from dist/). */
export const packageRoot: string = path.dirname(fileURLToPath(new URL('../package.json', import.meta.url)));

/** The package version, read once from package.json. */
export const serverVersion: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
