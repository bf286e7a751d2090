import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { testServer, type TestServer } from 'mcp-server/testing';
import { ERAS, textOf } from './helpers/stdio-server.js';
import { tempDir } from './helpers/temp-dir.js';

/** mcp-server/testing, imported by its published name as a module author's test would. */
const fixtures = new URL('./fixtures/authoring/', import.meta.url);
const config = new URL('config.yaml', fixtures);

async function serve(t: { after(fn: () => Promise<void>): void }, options: Partial<Parameters<typeof testServer>[0]> = {}): Promise<TestServer> {
  const server = await testServer({ tools: fixtures, config, ...options });
  t.after(() => server.close());
  return server;
}

describe('mcp-server/testing', () => {
  it('serves only the given directory (a plain .mjs using the kit, a typed .ts) to a connected client', async (t) => {
    const handlers = () => ['unhandledRejection', 'uncaughtException'].map((event) => process.listenerCount(event));
    const before = handlers();
    const { client } = await serve(t);
    assert.deepEqual(handlers(), before, "the test process's own error handling is left alone");
    assert.deepEqual(
      (await client.listTools()).tools.map((tool) => tool.name),
      ['confirm_delete'],
    );
    assert.deepEqual(
      (await client.listPrompts()).prompts.map((prompt) => prompt.name),
      ['describe_thing'],
    );
    assert.deepEqual(
      (await client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate),
      ['things://{id}'],
    );
  });

  for (const era of ERAS) {
    it(`round-trips an elicitation and works on storage the test seeds and inspects (${era} client)`, async (t) => {
      const server = await serve(t, { era, capabilities: { elicitation: {} } });
      const questions: string[] = [];
      server.client.setRequestHandler('elicitation/create', async (request) => {
        questions.push(String(request.params.message));
        return { action: 'accept', content: { sure: true } };
      });
      await server.storage.collection('things').put('a', { label: 'Apple' });
      assert.equal(textOf(await server.client.callTool({ name: 'confirm_delete', arguments: { id: 'a' } })), 'deleted a');
      assert.deepEqual(questions, ['Delete a?']);
      assert.equal(await server.storage.collection('things').get('a'), undefined);
    });
  }

  it('reads resource templates and completes their variables from storage', async (t) => {
    const server = await serve(t);
    await server.storage.collection('things').put('apple', { label: 'A red apple' });
    await server.storage.collection('things').put('avocado', { label: 'A ripe avocado' });
    const read = await server.client.readResource({ uri: 'things://avocado' });
    assert.deepEqual(read.contents, [{ uri: 'things://avocado', mimeType: 'text/plain', text: 'A ripe avocado' }]);
    const completion = await server.client.complete({ ref: { type: 'ref/resource', uri: 'things://{id}' }, argument: { name: 'id', value: 'ap' } });
    assert.deepEqual(completion.completion.values, ['apple']);
  });

  it('gives every server its own empty storage, closed with it', async (t) => {
    const first = await serve(t);
    const second = await serve(t);
    await first.storage.collection('things').put('only-first', { label: 'x' });
    assert.equal(await second.storage.collection('things').count(), 0);
    await first.close();
    await assert.rejects(first.storage.collection('things').count(), /closed/i);
  });

  it('serves the built-in modules only when asked', async (t) => {
    const { client } = await serve(t, { builtins: true });
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    assert.ok(names.includes('kv_set') && names.includes('confirm_delete'), names.join(', '));
  });

  it('refuses an invalid config or a missing tools directory with the reason', async (t) => {
    const { dir, cleanup } = await tempDir();
    t.after(cleanup);
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'tools:\n  timeoutSeconds: -1\n');
    await assert.rejects(testServer({ tools: fixtures, config: bad }), /tools\.timeoutSeconds/);
    await assert.rejects(testServer({ tools: path.join(dir, 'missing') }), /tools\.dirs.*missing|does not exist/s);
  });
});
