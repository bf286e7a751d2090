import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpClientKind, type HttpServer } from './helpers/http-server.js';
import { countChanges, listenToEverything, sleep, waitFor, type ChangeCounts } from './helpers/reload.js';
import { answeringTool, moduleFixture } from './helpers/module-sources.js';

const tool = (name: string) => answeringTool(name);
const prompt = moduleFixture('greet-prompt.mjs');
const resource = moduleFixture('resource-a.mjs');

async function generation(server: HttpServer): Promise<number> {
  const info = (await (await fetch(`${server.origin}/info`)).json()) as { generation: number };
  return info.generation;
}

/** Sends SIGHUP and waits until the server serves the next generation. */
async function reload(server: HttpServer): Promise<void> {
  const before = await generation(server);
  process.kill(server.pid, 'SIGHUP');
  await waitFor(async () => (await generation(server)) === before + 1, `generation ${before + 1}`);
}

/** Waits for the expected counts, then a little longer: no further notification may arrive. */
async function expectCounts(counts: ChangeCounts, expected: Omit<ChangeCounts, 'updated'> & { updated?: string[] }): Promise<void> {
  const reached = () => counts.tools >= expected.tools && counts.resources >= expected.resources && counts.prompts >= expected.prompts;
  await waitFor(reached, `list_changed counts ${JSON.stringify(expected)}`);
  await sleep(400);
  assert.deepEqual({ ...counts }, { updated: [], ...expected });
}

for (const [transport, kind] of [
  ['http-stream', 'legacy'],
  ['http-stream', 'modern'],
  ['sse', 'sse'],
] as const) {
  describe(`SIGHUP reload reaches an open ${kind} client over ${transport}`, () => {
    let server: HttpServer;
    let client: Client;
    let counts: ChangeCounts;
    before(async () => {
      server = await startHttpServer({ transport, modules: { 'first.mjs': tool('first_tool'), 'res.mjs': resource + prompt } });
      client = await connectClient(server, kind as HttpClientKind);
      counts = countChanges(client);
      if (kind === 'modern') await listenToEverything(client, ['test://a']);
      else await client.subscribeResource({ uri: 'test://a' });
    });
    after(async () => {
      await client?.close();
      await server?.stop();
    });

    it('serves a new tool; the client hears exactly one tools/list_changed and nothing about unchanged lists', async () => {
      await writeFile(path.join(server.dir, 'tools', 'second.mjs'), tool('second_tool'));
      await reload(server);
      const result = await client.callTool({ name: 'second_tool', arguments: {} });
      assert.deepEqual(result.content, [{ type: 'text', text: 'second_tool' }]);
      await expectCounts(counts, { tools: 1, resources: 0, prompts: 0 });
    });

    it('a removed subscribed resource: one resources/list_changed and resources/updated for it; reading it then fails', async () => {
      await writeFile(path.join(server.dir, 'tools', 'res.mjs'), prompt); // the prompt is re-imported but lists the same
      await reload(server);
      await expectCounts(counts, { tools: 1, resources: 1, prompts: 0, updated: ['test://a'] });
      await assert.rejects(client.readResource({ uri: 'test://a' }), /not found/i);
      assert.equal((await client.getPrompt({ name: 'greet' })).messages.length, 1);
    });

    it('POST /admin/reload is off without admin keys', async () => {
      const response = await fetch(`${server.origin}/admin/reload`, { method: 'POST' });
      assert.equal(response.status, 404);
      await response.body?.cancel();
    });
  });
}

const announce = `export default { name: 'announce', description: 'Tells clients a resource changed and the prompt list changed',
  run: (_args, ctx) => { ctx.notify.resourceUpdated('test://a'); ctx.notify.resourceUpdated('test://unwatched'); ctx.notify.listChanged('prompts'); return 'told'; } };\n`;

for (const [transport, kind] of [
  ['http-stream', 'legacy'],
  ['http-stream', 'modern'],
  ['sse', 'sse'],
] as const) {
  it(`a module's ctx.notify reaches an open ${kind} client over ${transport} through the one event bus, for what it subscribed to only`, async (t) => {
    const server = await startHttpServer({ transport, modules: { 'announce.mjs': announce, 'res.mjs': resource + prompt } });
    t.after(() => server.stop());
    const client = await connectClient(server, kind as HttpClientKind);
    t.after(() => client.close());
    const counts = countChanges(client);
    if (kind === 'modern') await listenToEverything(client, ['test://a']);
    else await client.subscribeResource({ uri: 'test://a' });
    assert.deepEqual((await client.callTool({ name: 'announce', arguments: {} })).content, [{ type: 'text', text: 'told' }]);
    await waitFor(() => counts.prompts === 1 && counts.updated.length === 1, 'the notifications');
    await sleep(300);
    assert.deepEqual({ ...counts }, { tools: 0, resources: 0, prompts: 1, updated: ['test://a'] });
  });
}
