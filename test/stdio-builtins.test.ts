import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERAS, ISOLATIONS, isolationEnv, startStdioServer, structured, tempDir, textOf, type StdioServer } from './helpers/stdio-server.js';
import { waitFor } from './helpers/wait.js';

const BUILTIN_TOOLS = ['kv_delete', 'kv_get', 'kv_list', 'kv_set', 'note_delete', 'note_list', 'note_save', 'note_search', 'time_convert', 'time_now'];

for (const [era, isolation] of ERAS.flatMap((era) => ISOLATIONS.map((isolation) => [era, isolation] as const))) {
  describe(`built-in modules over stdio (${era} client, isolation: ${isolation})`, () => {
    let server: StdioServer;
    let cleanup: () => Promise<void>;

    before(async () => {
      const tmp = await tempDir();
      cleanup = tmp.cleanup;
      server = await startStdioServer({ era, args: ['--data-dir', tmp.dir], env: isolationEnv(isolation) });
    });
    after(async () => {
      await server?.close();
      await cleanup?.();
    });

    it('identifies itself and negotiates the requested protocol generation', () => {
      assert.equal(server.client.getServerVersion()?.name, 'mcp-server');
      assert.equal(server.client.getProtocolEra(), era);
    });

    it('lists every built-in tool with a description and an object input schema', async () => {
      const { tools } = await server.client.listTools();
      const names = tools.map((tool) => tool.name).sort();
      for (const name of BUILTIN_TOOLS) assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
      for (const tool of tools) {
        assert.ok((tool.description ?? '').length > 20, `${tool.name} needs a real description`);
        assert.equal(tool.inputSchema.type, 'object');
      }
      const kvSet = tools.find((tool) => tool.name === 'kv_set')!;
      assert.deepEqual(Object.keys(kvSet.inputSchema.properties ?? {}).sort(), ['key', 'ttl_seconds', 'value']);
      assert.deepEqual(kvSet.inputSchema.required, ['key', 'value']);
    });

    it('kv_set, kv_get, kv_list and kv_delete work together', async () => {
      const call = (name: string, args: Record<string, unknown>) => server.client.callTool({ name, arguments: args });
      const set = structured<{ key: string; value: unknown }>(await call('kv_set', { key: 'user:1', value: { theme: 'dark', n: 3 } }));
      assert.deepEqual(set.value, { theme: 'dark', n: 3 });
      await call('kv_set', { key: 'user:2', value: 'ünïcødé ✓' });
      await call('kv_set', { key: 'other', value: 42 });
      const got = structured<{ found: boolean; value: unknown }>(await call('kv_get', { key: 'user:2' }));
      assert.deepEqual(got, { ...got, found: true, value: 'ünïcødé ✓' });
      const listed = structured<{ entries: Array<{ key: string }>; count: number }>(await call('kv_list', { prefix: 'user:' }));
      assert.deepEqual(
        listed.entries.map((entry) => entry.key),
        ['user:1', 'user:2'],
      );
      const limited = structured<{ count: number }>(await call('kv_list', { limit: 1 }));
      assert.equal(limited.count, 1);
      assert.deepEqual(structured(await call('kv_delete', { key: 'user:1' })), { key: 'user:1', deleted: true });
      assert.deepEqual(structured(await call('kv_delete', { key: 'user:1' })), { key: 'user:1', deleted: false });
      assert.equal(structured<{ found: boolean }>(await call('kv_get', { key: 'user:1' })).found, false);
    });

    it('kv_set with ttl_seconds expires the entry', async () => {
      const set = structured<{ expiresAt?: string }>(await server.client.callTool({ name: 'kv_set', arguments: { key: 'short', value: 1, ttl_seconds: 1 } }));
      assert.ok(set.expiresAt, 'an entry with a TTL reports when it expires');
      const found = async () => structured<{ found: boolean }>(await server.client.callTool({ name: 'kv_get', arguments: { key: 'short' } })).found;
      await waitFor(async () => !(await found()), 'the entry to expire (within 6 s)', { attempts: 30, intervalMs: 200 });
    });

    it('rejects invalid input with an error result and keeps serving', async () => {
      const bad = await server.client.callTool({ name: 'kv_set', arguments: { value: 1 } });
      assert.equal(bad.isError, true);
      assert.match(textOf(bad), /key/);
      const ok = await server.client.callTool({ name: 'time_now', arguments: {} });
      assert.equal(ok.isError, undefined);
    });

    it('time_now and time_convert answer in the requested zones', async () => {
      const now = structured<{ timezone: string; utcOffset: string; unix: number }>(await server.client.callTool({ name: 'time_now', arguments: { timezone: 'Asia/Kolkata' } }));
      assert.equal(now.timezone, 'Asia/Kolkata');
      assert.equal(now.utcOffset, '+05:30');
      assert.ok(Math.abs(now.unix - Date.now() / 1000) < 60);
      const converted = structured<{ target: { local: string }; differenceHours: number }>(
        await server.client.callTool({ name: 'time_convert', arguments: { time: '2026-07-01 12:00', from_timezone: 'Europe/Paris', to_timezone: 'Asia/Tokyo' } }),
      );
      assert.equal(converted.target.local, '2026-07-01T19:00:00+09:00');
      assert.equal(converted.differenceHours, 7);
      const unknown = await server.client.callTool({ name: 'time_now', arguments: { timezone: 'Mars/Olympus' } });
      assert.equal(unknown.isError, true);
      assert.match(textOf(unknown), /Unknown time zone "Mars\/Olympus"/);
    });

    it('notes: save, list by tag, search by meaning, read as a resource, summarize, delete', async () => {
      const save = async (title: string, body: string, tags: string[]) => structured<{ id: string }>(await server.client.callTool({ name: 'note_save', arguments: { title, body, tags } })).id;
      const pasta = await save('Pasta recipe', 'Boil spaghetti, add tomato sauce, basil and parmesan cheese.', ['Cooking']);
      await save('Quarterly report', 'Revenue grew in the third quarter; prepare slides for the board meeting.', ['work']);
      await save('Bread baking', 'Knead the dough, let it rise, bake the bread in a hot oven.', ['cooking']);

      const listed = structured<{ notes: Array<{ title: string }>; total: number }>(await server.client.callTool({ name: 'note_list', arguments: { tag: 'cooking' } }));
      assert.equal(listed.total, 2);
      assert.deepEqual(listed.notes.map((note) => note.title).sort(), ['Bread baking', 'Pasta recipe']);

      const search = structured<{ results: Array<{ id: string; title: string; score: number }> }>(
        await server.client.callTool({ name: 'note_search', arguments: { query: 'spaghetti with tomato sauce', limit: 3 } }),
      );
      assert.equal(search.results[0]?.id, pasta, `best match should be the pasta note: ${JSON.stringify(search.results)}`);
      const scores = search.results.map((result) => result.score);
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => b - a),
        'results ranked by similarity',
      );
      const workOnly = structured<{ results: Array<{ title: string }> }>(await server.client.callTool({ name: 'note_search', arguments: { query: 'spaghetti', tag: 'work' } }));
      assert.deepEqual(
        workOnly.results.map((result) => result.title),
        ['Quarterly report'],
      );

      const { resourceTemplates } = await server.client.listResourceTemplates();
      assert.ok(resourceTemplates.some((template) => template.uriTemplate === 'notes://{id}'));
      const read = await server.client.readResource({ uri: `notes://${pasta}` });
      assert.match(String((read.contents[0] as { text?: string }).text), /^# Pasta recipe/);
      const completion = await server.client.complete({ ref: { type: 'ref/resource', uri: 'notes://{id}' }, argument: { name: 'id', value: pasta.slice(0, 4) } });
      assert.ok(completion.completion.values.includes(pasta));

      const prompt = await server.client.getPrompt({ name: 'notes_summary', arguments: { tag: 'cooking' } });
      const text = (prompt.messages[0]!.content as { text: string }).text;
      assert.match(text, /Pasta recipe/);
      assert.doesNotMatch(text, /Quarterly report/);
      const tags = await server.client.complete({ ref: { type: 'ref/prompt', name: 'notes_summary' }, argument: { name: 'tag', value: 'co' } });
      assert.deepEqual(tags.completion.values, ['cooking']);

      assert.deepEqual(structured(await server.client.callTool({ name: 'note_delete', arguments: { id: pasta } })), { id: pasta, deleted: true });
      const after = structured<{ total: number }>(await server.client.callTool({ name: 'note_list', arguments: { tag: 'cooking' } }));
      assert.equal(after.total, 1);
    });
  });
}
