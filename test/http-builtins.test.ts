import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpClientKind, type HttpServer } from './helpers/http-server.js';
import { ISOLATIONS, isolationEnv } from './helpers/stdio-server.js';

/** A valid call for every built-in tool; a built-in missing here fails the test (keeps coverage honest). */
const CALLS: Record<string, Array<Record<string, unknown>>> = {
  kv_set: [{ key: 'http:1', value: { theme: 'dark' } }],
  kv_get: [{ key: 'http:1' }],
  kv_list: [{ prefix: 'http:' }],
  kv_delete: [{ key: 'http:1' }],
  time_now: [{ timezone: 'Europe/Paris' }],
  time_convert: [{ time: '2026-07-01 12:00', from_timezone: 'Europe/Paris', to_timezone: 'Asia/Tokyo' }],
  note_save: [{ title: 'HTTP note', body: 'Saved over HTTP', tags: ['http'] }],
  note_list: [{ tag: 'http' }],
  note_search: [{ query: 'saved over http', limit: 3 }],
  note_delete: [{ id: 'does-not-exist' }],
};

const structured = <T>(result: unknown) => (result as { structuredContent: T }).structuredContent;

for (const [transport, kinds, isolation] of ISOLATIONS.flatMap(
  (isolation) =>
    [
      ['http-stream', ['modern', 'legacy'], isolation],
      ['sse', ['sse'], isolation],
    ] as const,
)) {
  describe(`built-in tools over ${transport} (isolation: ${isolation})`, () => {
    let server: HttpServer;
    before(async () => {
      server = await startHttpServer({ transport, env: isolationEnv(isolation) });
    });
    after(async () => {
      await server?.stop();
    });

    for (const kind of kinds as readonly HttpClientKind[]) {
      describe(`as a ${kind === 'modern' ? '2026-07-28' : '2025-11-25'} client${kind === 'sse' ? ' (legacy SSE)' : ''}`, () => {
        let client: Client;
        before(async () => {
          client = await connectClient(server, kind);
        });
        after(async () => {
          await client?.close();
        });

        it('lists and calls every built-in tool', async () => {
          const { tools } = await client.listTools();
          const names = tools.map((tool) => tool.name).sort();
          for (const name of Object.keys(CALLS)) assert.ok(names.includes(name), `${name} is listed`);
          for (const name of names) {
            assert.ok(CALLS[name], `test has a call for built-in ${name}`);
            for (const args of CALLS[name]!) {
              const result = await client.callTool({ name, arguments: args });
              assert.notEqual(result.isError, true, `${name} ${JSON.stringify(args)} -> ${JSON.stringify(result.content)}`);
            }
          }
        });

        it('keeps state between calls (kv round trip) and reports tool errors as results', async () => {
          await client.callTool({ name: 'kv_set', arguments: { key: `rt:${kind}`, value: [1, 2, 3] } });
          const got = structured<{ found: boolean; value: unknown }>(await client.callTool({ name: 'kv_get', arguments: { key: `rt:${kind}` } }));
          assert.deepEqual(got.value, [1, 2, 3]);
          assert.deepEqual(structured(await client.callTool({ name: 'kv_delete', arguments: { key: `rt:${kind}` } })), { key: `rt:${kind}`, deleted: true });
          const bad = await client.callTool({ name: 'time_now', arguments: { timezone: 'Mars/Olympus' } });
          assert.equal(bad.isError, true);
        });

        it('serves resources and prompts of the built-ins', async () => {
          const { prompts } = await client.listPrompts();
          assert.ok(prompts.some((prompt) => prompt.name === 'notes_summary'));
          const templates = await client.listResourceTemplates();
          assert.ok(templates.resourceTemplates.length + (await client.listResources()).resources.length > 0);
        });

        it(`runs the built-ins ${isolation === 'worker' ? 'in worker threads' : 'in-process'}`, async () => {
          const { workers } = (await (await fetch(`${server.origin}/info`)).json()) as { workers: { workers: number } };
          if (isolation === 'worker') assert.ok(workers.workers > 0, 'worker threads ran the calls');
          else assert.equal(workers.workers, 0);
        });
      });
    }
  });
}
