import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from './helpers/wait.js';
import { ERAS, ISOLATIONS, newClient, startStdioServer, structured, tempDir, textOf, type StdioServer } from './helpers/stdio-server.js';

/** User modules as a user would drop them in: TypeScript, JavaScript, .mjs, nested, plain objects and kit functions. */
const MODULES: Record<string, string> = {
  'greet.ts': `
export default ({ z }) => ({
  name: 'greet',
  description: 'Greets someone by name, politely.',
  input: { name: z.string().min(1) },
  run: ({ name }: { name: string }, ctx) => 'Hello, ' + name + ' from ' + String(ctx.config.greeting ?? 'nowhere'),
});`,
  'nested/deeper/add.js': `
export const add = {
  name: 'add',
  description: 'Adds two numbers given as a JSON Schema input.',
  input: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  output: { type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] },
  run: ({ a, b }) => ({ sum: a + b }),
};
export const helper = 42; // not a definition: ignored
`,
  'chatty.mjs': `
export default [
  {
    name: 'chatty',
    description: 'Writes to console.log and process.stdout, then answers.',
    run() {
      console.log('console.log from a module');
      process.stdout.write('raw stdout write from a module\\n');
      console.info({ not: 'json-rpc' });
      return 'still fine';
    },
  },
  {
    name: 'explode',
    description: 'Always throws, to prove a failing tool cannot crash the server.',
    run() { throw new Error('kaboom: intentional failure'); },
  },
  {
    name: 'sleepy',
    description: 'Sleeps longer than its timeout allows.',
    timeoutSeconds: 1,
    run: (_args, ctx) => new Promise((resolve) => { const t = setTimeout(() => resolve('woke'), 10000); ctx.signal.addEventListener('abort', () => clearTimeout(t)); }),
  },
  {
    name: 'steps',
    description: 'Reports progress and logs while it works.',
    async run(_args, ctx) {
      for (let i = 1; i <= 3; i++) { await ctx.progress(i, 3, 'step ' + i); ctx.log.info('did step ' + i); await new Promise((r) => setTimeout(r, 50)); }
      return 'done';
    },
  },
  {
    name: 'confirm_delete',
    description: 'Asks the user to confirm before acting (elicitation, re-entered with the answer).',
    run(_args, ctx) {
      const answer = ctx.input('confirm');
      if (answer.kind === 'missing') {
        return ctx.elicit('confirm', { message: 'Really delete?', requestedSchema: { type: 'object', properties: { sure: { type: 'boolean' } }, required: ['sure'] } }, { round: 1 });
      }
      return 'answer=' + answer.action + ' sure=' + String(answer.content?.sure) + ' state=' + JSON.stringify(ctx.state());
    },
  },
  {
    name: 'brainstorm',
    description: 'Asks the client model for ideas (sampling), re-entered with the completion.',
    input: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
    run(args, ctx) {
      const ideas = ctx.input('ideas');
      if (ideas.kind === 'missing') return ctx.sample('ideas', { messages: [{ role: 'user', content: { type: 'text', text: 'Ideas about ' + args.topic } }], maxTokens: 50 });
      return 'model said: ' + (ideas.kind === 'sampling' ? ideas.result.content.text : ideas.kind);
    },
  },
  {
    name: 'picture',
    description: 'Returns a list of content blocks.',
    run: () => [{ type: 'text', text: 'a red pixel:' }, { type: 'image', mimeType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==' }],
  },
  { kind: 'resource', name: 'motd', uri: 'info://motd', description: 'Message of the day', read: () => 'Have a nice day' },
  { kind: 'prompt', name: 'haiku', description: 'Write a haiku', arguments: [{ name: 'topic', required: true }], complete: { topic: (v) => ['autumn', 'winter'].filter((t) => t.startsWith(v)) }, get: ({ topic }) => 'Write a haiku about ' + topic },
];`,
  'broken-syntax.ts': `export default { name: 'broken', description: 'x', run() { return ( } };`,
  'broken-shape.js': `export default { name: 'no_run', description: 'A tool without run' };`,
  'zz-dupe.js': `export default { name: 'greet', description: 'A second greet in another file.', run: () => 'dupe' };`,
  'skipped.test.ts': `throw new Error('test files are not modules');`,
  'disabled_tool.js': `export default { name: 'secret_admin', description: 'Disabled by config glob.', run: () => 'should not be served' };`,
};

async function writeModules(dir: string): Promise<void> {
  for (const [file, source] of Object.entries(MODULES)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), source);
  }
}

// the same module contract in-process and in worker threads
for (const [era, isolation] of ERAS.flatMap((era) => ISOLATIONS.map((isolation) => [era, isolation] as const))) {
  describe(`user modules over stdio (${era} client, isolation: ${isolation})`, () => {
    let server: StdioServer;
    let root: { dir: string; cleanup: () => Promise<void> };
    let toolsDir: string;

    before(async () => {
      root = await tempDir();
      toolsDir = path.join(root.dir, 'my-tools');
      await writeModules(toolsDir);
      const config = path.join(root.dir, 'config.yaml');
      await writeFile(config, `tools:\n  dirs: [./my-tools]\n  disabled: ['secret_*']\n  isolation: ${isolation}\nmodules:\n  greet:\n    greeting: the config file\n`);
      const client = newClient(era, { elicitation: {}, sampling: {} });
      client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { sure: true } }));
      client.setRequestHandler('sampling/createMessage', async (request) => ({
        role: 'assistant',
        model: 'test-model',
        content: { type: 'text', text: `three ideas for ${JSON.stringify((request.params.messages[0]!.content as { text?: string }).text)}` },
      }));
      server = await startStdioServer({ era, client, args: ['--config', config, '--data-dir', path.join(root.dir, 'data')] });
    });
    after(async () => {
      await server?.close();
      await root?.cleanup();
    });

    it('serves modules dropped into the tools directory, alongside the built-ins', async () => {
      const names = (await server.client.listTools()).tools.map((tool) => tool.name);
      for (const name of ['greet', 'add', 'chatty', 'explode', 'kv_set']) assert.ok(names.includes(name), `${name} missing`);
      assert.ok(!names.includes('secret_admin'), 'disabled by glob');
      assert.ok(!names.includes('no_run') && !names.includes('broken'), 'broken modules are not served');
    });

    it('passes validated input and the module config section to a TypeScript module', async () => {
      assert.equal(textOf(await server.client.callTool({ name: 'greet', arguments: { name: 'Ada' } })), 'Hello, Ada from the config file');
      const invalid = await server.client.callTool({ name: 'greet', arguments: { name: '' } });
      assert.equal(invalid.isError, true);
    });

    it('validates JSON Schema input and returns structured output', async () => {
      assert.deepEqual(structured(await server.client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })), { sum: 42 });
      const wrong = await server.client.callTool({ name: 'add', arguments: { a: 'two', b: 40 } });
      assert.equal(wrong.isError, true);
    });

    it('reports each broken module with its file and reason, and names both files of a duplicate', () => {
      const log = server.stderr();
      assert.match(log, /broken-syntax\.ts[^\n]*failed to load: [^\n]*Unexpected/);
      assert.match(log, /broken-shape\.js[^\n]*needs a run\(args, ctx\) function/);
      assert.match(log, /zz-dupe\.js[^\n]*duplicate tool \\"greet\\": also defined in [^\n]*greet\.ts/);
      assert.doesNotMatch(log, /skipped\.test\.ts/);
    });

    it('turns a throwing tool into an error result and keeps serving', async () => {
      const result = await server.client.callTool({ name: 'explode', arguments: {} });
      assert.equal(result.isError, true);
      assert.match(textOf(result), /kaboom: intentional failure/);
      assert.equal(textOf(await server.client.callTool({ name: 'greet', arguments: { name: 'again' } })), 'Hello, again from the config file');
    });

    it('times out a tool that runs too long', async () => {
      const result = await server.client.callTool({ name: 'sleepy', arguments: {} });
      assert.equal(result.isError, true);
      assert.match(textOf(result), /timed out after 1 s/);
    });

    it('keeps stdout for protocol messages when a module writes to console.log', async () => {
      assert.equal(textOf(await server.client.callTool({ name: 'chatty', arguments: {} })), 'still fine');
      // stderr is another pipe (and a worker's stdout another thread): the lines may arrive after the result
      await waitFor(() => /console\.log from a module/.test(server.stderr()) && /raw stdout write from a module/.test(server.stderr()), 'the redirected writes in the log');
    });

    it('delivers progress notifications during a call', async () => {
      const progress: number[] = [];
      const result = await server.client.callTool({ name: 'steps', arguments: {} }, { onprogress: (p) => progress.push(p.progress) });
      assert.equal(textOf(result), 'done');
      assert.deepEqual(progress, [1, 2, 3]);
    });

    it('asks the client for input and re-enters the handler with the answer and the signed state', async () => {
      const result = await server.client.callTool({ name: 'confirm_delete', arguments: {} });
      assert.equal(textOf(result), 'answer=accept sure=true state={"round":1}');
    });

    it('asks the client model for a completion and re-enters with it', async () => {
      const result = await server.client.callTool({ name: 'brainstorm', arguments: { topic: 'tea' } });
      assert.equal(textOf(result), 'model said: three ideas for "Ideas about tea"');
    });

    it('returns a list of content blocks as given', async () => {
      const result = await server.client.callTool({ name: 'picture', arguments: {} });
      assert.deepEqual(
        (result.content as Array<{ type: string }>).map((block) => block.type),
        ['text', 'image'],
      );
    });

    it('serves resources and prompts from user modules, with completion', async () => {
      const read = await server.client.readResource({ uri: 'info://motd' });
      assert.equal((read.contents[0] as { text: string }).text, 'Have a nice day');
      const prompt = await server.client.getPrompt({ name: 'haiku', arguments: { topic: 'autumn' } });
      assert.equal((prompt.messages[0]!.content as { text: string }).text, 'Write a haiku about autumn');
      const completion = await server.client.complete({ ref: { type: 'ref/prompt', name: 'haiku' }, argument: { name: 'topic', value: 'w' } });
      assert.deepEqual(completion.completion.values, ['winter']);
    });
  });
}
