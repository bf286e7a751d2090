import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ERAS, startStdioServer, tempDir, textOf, type StdioServer } from './helpers/stdio-server.js';

const tool = (name: string, answer: string) => `export default { name: '${name}', description: 'Answers ${answer} (reload test).', run: () => '${answer}' };\n`;

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

for (const era of ERAS) {
  describe(`SIGHUP reloads modules in place (${era} client over stdio)`, () => {
    let server: StdioServer;
    let root: { dir: string; cleanup: () => Promise<void> };
    let toolsDir: string;
    const changes: string[] = [];

    before(async () => {
      root = await tempDir();
      toolsDir = path.join(root.dir, 'tools');
      await mkdir(toolsDir);
      await writeFile(path.join(toolsDir, 'alpha.mjs'), tool('alpha', 'alpha v1'));
      await writeFile(path.join(toolsDir, 'gamma.mjs'), tool('gamma', 'gamma v1'));
      server = await startStdioServer({ era, args: ['--tools-dir', toolsDir, '--data-dir', path.join(root.dir, 'data')] });
      server.client.setNotificationHandler('notifications/tools/list_changed', () => void changes.push('tools'));
    });
    after(async () => {
      await server?.close();
      await root?.cleanup();
    });

    it('adds, changes and removes tools on the open connection without reconnecting', async () => {
      assert.equal(textOf(await server.client.callTool({ name: 'alpha', arguments: {} })), 'alpha v1');
      await writeFile(path.join(toolsDir, 'alpha.mjs'), tool('alpha', 'alpha v2'));
      await writeFile(path.join(toolsDir, 'beta.mjs'), tool('beta', 'beta v1'));
      await rm(path.join(toolsDir, 'gamma.mjs'));
      process.kill(server.pid, 'SIGHUP');

      const names = async () => (await server.client.listTools()).tools.map((t) => t.name);
      await waitFor(async () => (await names()).includes('beta'), 'beta to appear');
      assert.ok(!(await names()).includes('gamma'), 'a removed module is no longer served');
      assert.equal(textOf(await server.client.callTool({ name: 'alpha', arguments: {} })), 'alpha v2');
      assert.equal(textOf(await server.client.callTool({ name: 'beta', arguments: {} })), 'beta v1');
      assert.equal(textOf(await server.client.callTool({ name: 'kv_set', arguments: { key: 'k', value: 1 } })).length > 0, true, 'built-ins still served');
      if (era === 'legacy') await waitFor(async () => changes.length > 0, 'a tools/list_changed notification');
      assert.match(server.stderr(), /"msg":"reloaded"/);
    });
  });
}
