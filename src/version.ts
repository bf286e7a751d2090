import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// one directory up from src/ and dist/; two from the bundled CLI's dist/bundle/
const packageJson = [new URL('../package.json', import.meta.url), new URL('../../package.json', import.meta.url)].find((url) => existsSync(url))!;

/** The directory this package is installed in (the same from src/ under tsx, from dist/ and from dist/bundle/). */
export const packageRoot: string = path.dirname(fileURLToPath(packageJson));

/** The package version, read once from package.json. */
export const serverVersion: string = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
