import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import module from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot, runBinary, startStdioServerWithModules, textOf } from './helpers/stdio-server.js';

const bundleDir = path.join(repoRoot, 'dist', 'bundle');

/** The bare package names the bundled CLI imports at run time (static and dynamic imports). */
async function bundleImports(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const file of await readdir(bundleDir)) {
    if (!file.endsWith('.js')) continue;
    const source = await readFile(path.join(bundleDir, file), 'utf8');
    for (const match of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s*)["']([^"'./][^"']*)["']/g)) names.add(match[1]!);
  }
  return names;
}

describe('the bundled CLI (scripts/bundle-cli.mjs)', () => {
  it('imports zod and the MCP SDK from node_modules (one instance, shared with modules) and carries its own yaml, pino and commander', async () => {
    const imports = await bundleImports();
    for (const shared of ['zod', '@modelcontextprotocol/server', '@modelcontextprotocol/server/stdio']) assert.ok(imports.has(shared), `${shared} is imported at run time`);
    for (const bundled of ['yaml', 'pino', 'commander', 'lowdb']) assert.ok(!imports.has(bundled), `${bundled} is bundled, not imported at run time`);
    // no copy of zod's classes inside the bundle
    for (const file of await readdir(bundleDir)) assert.ok(!(await readFile(path.join(bundleDir, file), 'utf8')).includes('"$ZodType"'), `${file} holds no copy of zod`);
  });

  it("keeps the code Node compiled in Node's compile cache (NODE_COMPILE_CACHE) where Node has one, and starts the same without", async () => {
    const cache = await mkdtemp(path.join(tmpdir(), 'mcp-compile-cache-'));
    try {
      const result = await runBinary(['--version'], { env: { NODE_COMPILE_CACHE: cache } });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^\d+\.\d+\.\d+/);
      const cached = await readdir(cache, { recursive: true });
      const nodeHasOne = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
      if (nodeHasOne) assert.ok(cached.length > 0, `compile cache entries in ${cache} on Node ${process.version}`);
      else assert.deepEqual(cached, [], `Node ${process.version} has no compile cache: nothing written`);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });

  it('serves modules that build schemas with zod imported themselves (the copy the server uses), in .mjs and .ts', async () => {
    const zod = import.meta.resolve('zod');
    const server = await startStdioServerWithModules({
      era: 'legacy',
      modules: {
        'topics.mjs': `
import * as z from ${JSON.stringify(zod)};
export default {
  name: 'topic',
  description: 'A prompt whose optional argument completes.',
  arguments: { subject: z.string(), lang: z.string().optional() },
  complete: { lang: (prefix) => ['en', 'es', 'fr'].filter((code) => code.startsWith(prefix)) },
  get: ({ subject, lang }) => 'About ' + subject + ' in ' + (lang ?? 'en'),
};`,
        'shout.ts': `
import * as z from ${JSON.stringify(zod)};
export default {
  name: 'shout',
  description: 'Upper-cases its text.',
  input: z.object({ text: z.string() }),
  run: ({ text }: { text: string }) => text.toUpperCase(),
};`,
      },
    });
    try {
      const { client } = server;
      const { prompts } = await client.listPrompts();
      const topic = prompts.find((prompt) => prompt.name === 'topic');
      // the server recognises the module's z.string().optional() as optional (instanceof on the same zod)
      assert.deepEqual(
        topic?.arguments?.map(({ name, required }) => ({ name, required })),
        [
          { name: 'subject', required: true },
          { name: 'lang', required: false },
        ],
      );
      const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'topic' }, argument: { name: 'lang', value: 'e' } });
      assert.deepEqual(completion.completion.values, ['en', 'es']);
      assert.equal(textOf(await client.callTool({ name: 'shout', arguments: { text: 'hi' } })), 'HI');
      const refused = await client.callTool({ name: 'shout', arguments: { text: 42 } });
      assert.equal(refused.isError, true, 'input is validated with the module schema');
    } finally {
      await server.close();
    }
  });
});
