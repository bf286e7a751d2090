import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { countChanges, listenToEverything, reloadLines, sleep, waitFor, type ChangeCounts } from './helpers/reload.js';
import { ERAS, startStdioServer, startStdioServerWithModules, tempDir, textOf, type StdioServer } from './helpers/stdio-server.js';
import { answeringTool, moduleFixture } from './helpers/module-sources.js';

const resource = moduleFixture('resource-a.mjs');
const tool = answeringTool;

for (const era of ERAS) {
  describe(`SIGHUP reloads modules in place (${era} client over stdio)`, () => {
    let server: StdioServer;
    let root: { dir: string; cleanup: () => Promise<void> };
    let toolsDir: string;
    let counts: ChangeCounts;

    before(async () => {
      root = await tempDir();
      toolsDir = path.join(root.dir, 'tools');
      await mkdir(toolsDir);
      await writeFile(path.join(toolsDir, 'alpha.mjs'), tool('alpha', 'alpha v1'));
      await writeFile(path.join(toolsDir, 'gamma.mjs'), tool('gamma', 'gamma v1'));
      await writeFile(path.join(toolsDir, 'res.mjs'), resource);
      server = await startStdioServer({ era, args: ['--tools-dir', toolsDir, '--data-dir', path.join(root.dir, 'data')] });
      counts = countChanges(server.client);
      if (era === 'modern') await listenToEverything(server.client, ['test://a']);
      else await server.client.subscribeResource({ uri: 'test://a' });
    });
    after(async () => {
      await server?.close();
      await root?.cleanup();
    });

    it('adds, changes and removes tools on the open connection without reconnecting; one tools/list_changed', async () => {
      assert.equal(textOf(await server.client.callTool({ name: 'alpha', arguments: {} })), 'alpha v1');
      await writeFile(path.join(toolsDir, 'alpha.mjs'), tool('alpha', 'alpha v2'));
      await writeFile(path.join(toolsDir, 'beta.mjs'), tool('beta', 'beta v1'));
      await rm(path.join(toolsDir, 'gamma.mjs'));
      process.kill(server.pid, 'SIGHUP');

      await waitFor(() => reloadLines(server.stderr()).length === 1, 'the reload');
      const names = (await server.client.listTools()).tools.map((t) => t.name);
      assert.ok(names.includes('beta') && !names.includes('gamma'), names.join());
      assert.equal(textOf(await server.client.callTool({ name: 'alpha', arguments: {} })), 'alpha v2');
      assert.equal(textOf(await server.client.callTool({ name: 'beta', arguments: {} })), 'beta v1');
      assert.ok(textOf(await server.client.callTool({ name: 'kv_set', arguments: { key: 'k', value: 1 } })).length > 0, 'built-ins still served');
      await waitFor(() => counts.tools === 1, 'a tools/list_changed notification');
      await sleep(400);
      assert.deepEqual({ ...counts }, { tools: 1, resources: 0, prompts: 0, updated: [] });

      const [line] = reloadLines(server.stderr());
      assert.equal(line!.trigger, 'signal');
      assert.equal(line!.generation, 2);
      assert.deepEqual(line!.tools, { added: 1, removed: 1, updated: 1 }, 'alpha lists a new description');
      assert.equal(line!.modulesImported, 2);
    });

    it('a reload that changes nothing imports nothing and tells nobody', async () => {
      process.kill(server.pid, 'SIGHUP');
      await waitFor(() => reloadLines(server.stderr()).length === 2, 'the second reload');
      await sleep(400);
      const [, line] = reloadLines(server.stderr());
      assert.deepEqual([line!.modulesImported, line!.tools], [0, { added: 0, removed: 0, updated: 0 }]);
      assert.equal(counts.tools, 1);
    });

    it('a removed subscribed resource: one resources/list_changed and resources/updated for it', async () => {
      await rm(path.join(toolsDir, 'res.mjs'));
      process.kill(server.pid, 'SIGHUP');
      await waitFor(() => counts.resources === 1 && counts.updated.length === 1, 'resources/list_changed and resources/updated');
      await sleep(400);
      assert.deepEqual({ ...counts }, { tools: 1, resources: 1, prompts: 0, updated: ['test://a'] });
      await assert.rejects(server.client.readResource({ uri: 'test://a' }), /not found/i);
    });
  });
}

describe('SIGHUP reaches a stdio connection after a garbage collection', () => {
  it('still updates the connection in place', async () => {
    const server = await startStdioServerWithModules({
      era: 'legacy',
      env: { NODE_OPTIONS: '--expose-gc' },
      modules: { 'gc.mjs': `export default { name: 'collect_garbage', description: 'Runs a full garbage collection', run: () => { globalThis.gc(); globalThis.gc(); return 'collected'; } };\n` },
    });
    try {
      assert.equal(textOf(await server.client.callTool({ name: 'collect_garbage', arguments: {} })), 'collected');
      await writeFile(path.join(server.toolsDir, 'beta.mjs'), tool('beta', 'beta v1'));
      process.kill(server.pid, 'SIGHUP');
      await waitFor(async () => (await server.client.listTools()).tools.some((t) => t.name === 'beta'), 'beta to appear after the collection');
    } finally {
      await server.close();
    }
  });
});
