// Bundles the compiled CLI (dist/cli/main.js and dist/cli/prestart.js, what bin/mcp-server runs) into
// dist/bundle/: the server's own ~120 modules become a few files, which Node's ES module loader
// reads, links and evaluates much faster (start-up to the first answer, and less memory). Packages
// stay external (one zod, one SDK, shared with the modules a server loads); code imported lazily
// (the HTTP stack, engines, the worker pool, upstreams, other commands) stays in chunks of its own.
// The chunks sit one directory below dist/, as dist/modules/ and dist/server/ do, so paths resolved
// from import.meta.url (../tools/, ../package.json) hold; see also src/version.ts and pool-worker.ts.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const dist = path.resolve(import.meta.dirname, '..', 'dist');
const outdir = path.join(dist, 'bundle');

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: [path.join(dist, 'cli', 'main.js'), path.join(dist, 'cli', 'prestart.js')],
  outdir,
  bundle: true,
  splitting: true, // prestart and main share one copy of the stdout move (and lazy imports stay lazy)
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
console.log('CLI bundled to dist/bundle/');
