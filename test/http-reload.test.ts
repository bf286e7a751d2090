import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpClientKind, type HttpServer } from './helpers/http-server.js';

const tool = (name: string) => `export default { name: '${name}', description: 'Reload test tool ${name}.', run: () => '${name}' };\n`;

async function waitFor(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 60; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

for (const [transport, kind] of [
  ['http-stream', 'legacy'],
  ['http-stream', 'modern'],
  ['sse', 'sse'],
] as const) {
  describe(`SIGHUP reload reaches an open ${kind} client over ${transport}`, () => {
    let server: HttpServer;
    let client: Client;
    let changes = 0;
    before(async () => {
      server = await startHttpServer({ transport, modules: { 'first.mjs': tool('first_tool') } });
      client = await connectClient(server, kind as HttpClientKind);
      client.setNotificationHandler('notifications/tools/list_changed', () => void (changes += 1));
      if (kind === 'modern') await client.listen({ toolsListChanged: true });
    });
    after(async () => {
      await client?.close();
      await server?.stop();
    });

    it('serves the new tool and tells the client its tool list changed', async () => {
      await writeFile(path.join(server.dir, 'tools', 'second.mjs'), tool('second_tool'));
      process.kill(server.pid, 'SIGHUP');
      await waitFor(async () => (await client.listTools()).tools.some((t) => t.name === 'second_tool'), 'second_tool to be listed');
      await waitFor(() => changes > 0, 'notifications/tools/list_changed');
      const result = await client.callTool({ name: 'second_tool', arguments: {} });
      assert.deepEqual(result.content, [{ type: 'text', text: 'second_tool' }]);
    });
  });
}
