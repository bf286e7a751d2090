// Bundles the compiled CLI (dist/cli/main.js, prestart.js and compile-cache.js, and the server it imports,
// dist/server/host.js: what bin/mcp-server runs) into
// dist/bundle/: the server's own ~120 modules and the packages only the server itself uses (yaml, pino,
// commander, lowdb, ...) become a few minified files, which Node's module loaders read, link and
// evaluate much faster than hundreds of files (start-up to the first answer), in less memory.
// Packages stay external when they must be one instance shared with the modules a server loads (zod,
// the MCP SDK), load files of their own by path (tsx, the native engines), or are big and only loaded
// on demand. Code imported lazily (the HTTP stack, engines, the worker pool, upstreams, other
// commands) stays in chunks of its own.
// The chunks sit one directory below dist/, as dist/modules/ and dist/server/ do, so paths resolved
// from import.meta.url (../tools/, ../package.json) hold; see also src/version.ts and pool-worker.ts.
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

const dist = path.resolve(import.meta.dirname, '..', 'dist');
const outdir = path.join(dist, 'bundle');

/** Imported from node_modules at run time (test/cli-bundle.test.ts checks zod and the SDK stay here). */
const EXTERNAL = [
  'zod',
  'zod/*',
  '@modelcontextprotocol/*',
  'tsx',
  'tsx/*',
  '@lancedb/*',
  '@duckdb/*',
  'apache-arrow',
  'hono',
  'hono/*',
  '@hono/node-server',
  '@hono/node-server/*',
  'chokidar',
  'tar',
];

/** yaml's ES module build (its `default` export condition) rather than the CommonJS one Node's condition picks: esbuild leaves out what is not used. */
const yamlEsm = {
  name: 'yaml-esm',
  setup(context) {
    const yaml = path.join(path.dirname(createRequire(import.meta.url).resolve('yaml/package.json')), 'browser', 'index.js');
    context.onResolve({ filter: /^yaml$/ }, () => ({ path: yaml }));
  },
};

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    main: path.join(dist, 'cli', 'main.js'),
    prestart: path.join(dist, 'cli', 'prestart.js'),
    'compile-cache': path.join(dist, 'cli', 'compile-cache.js'),
    host: path.join(dist, 'server', 'host.js'),
  },
  outdir,
  bundle: true,
  splitting: true, // prestart and main share one copy of the stdout move (and lazy imports stay lazy)
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  plugins: [yamlEsm],
  // less source to read, parse and hold in memory. Identifiers are not renamed: renaming would need
  // esbuild's keepNames, which names every function again each time it is created (closures made per
  // request included), measurably slowing the hot paths. MCP_BUNDLE_DEBUG=1 leaves the source as it is.
  minifyWhitespace: process.env.MCP_BUNDLE_DEBUG !== '1',
  minifySyntax: process.env.MCP_BUNDLE_DEBUG !== '1',
  // the bundled CommonJS packages (pino, commander) require Node's built-ins
  banner: { js: "import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);" },
  logLevel: 'warning',
});
console.log('CLI bundled to dist/bundle/');
