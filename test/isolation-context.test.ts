import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { ISOLATIONS, isolationEnv, structured } from './helpers/stdio-server.js';
import { waitFor } from './helpers/wait.js';

const API_KEY = 'api-key-for-isolation-context';

/** Every ctx member a module can reach, reported back, so both isolation modes can be compared. */
const PROBE = `import { isMainThread } from 'node:worker_threads';
const where = () => (isMainThread ? 'main thread' : 'worker');
export default [
  {
    name: 'whoami',
    description: 'Reports the data members of ctx.',
    output: { type: 'object' },
    run: (_args, ctx) => ({ where: where(), auth: ctx.auth, era: ctx.era, config: ctx.config, engine: ctx.storage.engine, declared: Object.keys(ctx.clientCapabilities ?? {}).sort() }),
  },
  {
    name: 'store',
    description: 'Writes, reads, finds, counts and searches through ctx.storage, with ctx.embed.',
    output: { type: 'object' },
    async run(_args, ctx) {
      const notes = ctx.storage.collection('probe');
      await notes.put('a', { text: 'apples and pears' }, { vector: ctx.embed('apples and pears') });
      await notes.put('b', { text: 'boats on water' }, { vector: ctx.embed('boats on water') });
      const hits = await notes.search(ctx.embed('pears'), { k: 1 });
      return { got: (await notes.get('a'))?.data, found: (await notes.find({ orderBy: [{ field: '$id' }] })).map((doc) => doc.id), count: await notes.count(), nearest: hits[0]?.id, collections: await ctx.storage.listCollections() };
    },
  },
  {
    name: 'announce',
    description: 'Tells clients the tool list changed.',
    run: (_args, ctx) => { ctx.notify.listChanged('tools'); return 'announced'; },
  },
  {
    name: 'until_cancelled',
    description: 'Waits for ctx.signal, then records the cancellation through ctx.storage (after its call has ended).',
    run: (_args, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => {
      void ctx.storage.collection('probe').put('cancelled', { aborted: ctx.signal.aborted, where: where() });
      resolve('cancelled');
    })),
  },
  {
    name: 'was_cancelled',
    description: 'Reads what until_cancelled recorded.',
    output: { type: 'object' },
    run: async (_args, ctx) => ({ record: (await ctx.storage.collection('probe').get('cancelled'))?.data ?? null }),
  },
];`;

const expected = (where: string) => ({
  where,
  auth: { id: 'key-1', scopes: [] },
  era: 'legacy',
  config: { greeting: 'hi' },
  engine: 'lowdb',
  declared: ['elicitation'],
});

for (const isolation of ISOLATIONS) {
  describe(`the module context is the same in-process and in a worker (isolation: ${isolation}, Streamable HTTP, 2025 session)`, () => {
    let server: HttpServer;
    let client: Client;
    const where = isolation === 'worker' ? 'worker' : 'main thread';
    before(async () => {
      server = await startHttpServer({
        transport: 'http-stream',
        env: isolationEnv(isolation),
        config: `transport:\n  apiKeys: ["${API_KEY}"]\ntools:\n  builtins: false\nmodules:\n  probe:\n    greeting: hi\n  pinned:\n    isolation: none\n`,
        modules: {
          'probe.mjs': PROBE,
          'pinned.mjs': `import { isMainThread } from 'node:worker_threads';\nexport default { name: 'pinned', description: 'Says where it ran.', run: () => (isMainThread ? 'main thread' : 'worker') };`,
        },
      });
      client = await connectClient(server, 'legacy', { headers: { Authorization: `Bearer ${API_KEY}` }, capabilities: { elicitation: {} } });
    });
    after(async () => {
      await client?.close();
      await server?.stop();
    });

    it('gives the module auth, era, its config section, the engine and the client capabilities', async () => {
      assert.deepEqual(structured(await client.callTool({ name: 'whoami', arguments: {} })), expected(where));
    });

    it('runs storage and embed calls on the server storage', async () => {
      assert.deepEqual(structured(await client.callTool({ name: 'store', arguments: {} })), {
        got: { text: 'apples and pears' },
        found: ['a', 'b'],
        count: 2,
        nearest: 'a',
        collections: ['probe'],
      });
    });

    it('relays notify.listChanged to the client', async () => {
      let changes = 0;
      client.setNotificationHandler('notifications/tools/list_changed', () => void changes++);
      assert.deepEqual((await client.callTool({ name: 'announce', arguments: {} })).content, [{ type: 'text', text: 'announced' }]);
      await waitFor(() => changes > 0, 'tools/list_changed', { attempts: 50 });
    });

    it('aborts ctx.signal when the client cancels, and the module can still use ctx afterwards', async () => {
      const abort = new AbortController();
      const call = client.callTool({ name: 'until_cancelled', arguments: {} }, { signal: abort.signal });
      await new Promise((resolve) => setTimeout(resolve, 300));
      abort.abort('the test cancels');
      await assert.rejects(call);
      let record: unknown = null;
      await waitFor(async () => (record = structured<{ record: unknown }>(await client.callTool({ name: 'was_cancelled', arguments: {} })).record) !== null, 'the cancellation record', {
        attempts: 50,
      });
      assert.deepEqual(record, { aborted: true, where });
    });

    it('keeps a module with modules.<name>.isolation: none in-process whatever tools.isolation says', async () => {
      assert.deepEqual((await client.callTool({ name: 'pinned', arguments: {} })).content, [{ type: 'text', text: 'main thread' }]);
    });
  });
}
