import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { newClient, startStdioServerWithModules, textOf, type ModulesServer } from './helpers/stdio-server.js';
import { waitFor } from './helpers/wait.js';

// Plain tools/call requests of a 2025 session over stdio or Streamable HTTP are answered past the
// SDK's dispatch (src/server/call-lane.ts); a 2025 session over legacy SSE goes through the SDK's.
// Every answer must be the same.
const MODULES: Record<string, string> = {
  'shapes.mjs': `
export default [
  { name: 'say', description: 'Text.', input: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }, run: ({ name }) => 'hi ' + name },
  { name: 'value', description: 'A JSON value.', run: () => ({ a: 1, b: [2, 3] }) },
  { name: 'nothing', description: 'Returns nothing.', run: () => undefined },
  { name: 'blocks', description: 'Blocks as given.', run: () => [{ type: 'text', text: 'x' }, { type: 'image', data: 'aGk=', mimeType: 'image/png' }] },
  { name: 'list_value', description: 'Structured content that is not an object.', run: () => ({ content: [], structuredContent: [1, 2] }) },
  { name: 'annotated', description: 'A text block with annotations.', run: () => ({ content: [{ type: 'text', text: 'y', annotations: { priority: 1 } }] }) },
  { name: 'bogus', description: 'An invalid result.', run: () => ({ content: [{ type: 'bogus' }] }) },
  { name: 'boom', description: 'Throws.', run: () => { throw new Error('boom on purpose'); } },
  {
    name: 'steps', description: 'Progress and logs.',
    async run(_args, ctx) {
      for (let i = 1; i <= 2; i++) await ctx.progress(i, 2);
      ctx.log.info('an info line');
      ctx.log.warn('a warning line');
      return 'stepped';
    },
  },
  {
    name: 'wait_abort', description: 'Waits until cancelled.',
    run: (_args, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => { console.error('saw abort: ' + String(ctx.signal.reason?.message ?? ctx.signal.reason)); resolve('aborted'); })),
  },
];
`,
  'asks.mjs': `
let runs = 0;
export default {
  name: 'ask_once', description: 'Asks, then answers with how often it ran.',
  run(_args, ctx) {
    runs += 1;
    const answer = ctx.input('ok');
    if (answer.kind === 'missing') return ctx.elicit('ok', { message: 'ok?', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } });
    return 'runs=' + runs;
  },
};
`,
};

type Outcome = { result: unknown } | { error: { code: unknown; message: string } };

const outcome = (call: Promise<unknown>): Promise<Outcome> =>
  call.then(
    (result) => ({ result }),
    (error: { code?: unknown; message: string }) => ({ error: { code: error.code, message: error.message } }),
  );

function loggingClient(): { client: Client; logs: string[] } {
  const client = newClient('legacy', { elicitation: {} });
  const logs: string[] = [];
  client.setNotificationHandler('notifications/message', (notification) => void logs.push(`${notification.params.level}: ${String(notification.params.data)}`));
  client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { ok: true } }));
  return { client, logs };
}

describe('plain tool calls answer exactly as the SDK dispatch does', () => {
  const viaStdio = loggingClient();
  const viaStream = loggingClient();
  const viaSse = loggingClient();
  let stdio: ModulesServer;
  let stream: HttpServer;
  let sse: HttpServer;

  before(async () => {
    [stdio, stream, sse] = await Promise.all([
      startStdioServerWithModules({ era: 'legacy', modules: MODULES, client: viaStdio.client }),
      startHttpServer({ transport: 'http-stream', modules: MODULES }),
      startHttpServer({ transport: 'sse', modules: MODULES }),
    ]);
    await connectClient(stream, 'legacy', { client: viaStream.client });
    await connectClient(sse, 'sse', { client: viaSse.client });
  });
  after(async () => {
    await viaStream.client.close().catch(() => undefined);
    await viaSse.client.close().catch(() => undefined);
    await stdio?.close();
    await stream?.stop();
    await sse?.stop();
  });

  const CALLS: Array<[string, Record<string, unknown>]> = [
    ['say', { name: 'Ada' }],
    ['say', { name: 7 }],
    ['say', {}],
    ['value', {}],
    ['nothing', {}],
    ['blocks', {}],
    ['list_value', {}],
    ['annotated', {}],
    ['bogus', {}],
    ['boom', {}],
    ['no_such_tool', {}],
  ];

  it('gives the same result or error for every kind of answer', async () => {
    for (const [name, args] of CALLS) {
      const reference = await outcome(viaSse.client.callTool({ name, arguments: args }));
      assert.deepEqual(await outcome(viaStdio.client.callTool({ name, arguments: args })), reference, `stdio: ${name}(${JSON.stringify(args)})`);
      assert.deepEqual(await outcome(viaStream.client.callTool({ name, arguments: args })), reference, `http-stream: ${name}(${JSON.stringify(args)})`);
    }
    assert.equal(textOf(((await outcome(viaStream.client.callTool({ name: 'say', arguments: { name: 'Ada' } }))) as { result: unknown }).result), 'hi Ada');
  });

  it('sends progress, and log messages at or above the level the client set', async () => {
    for (const [via, { client, logs }] of Object.entries({ stdio: viaStdio, 'http-stream': viaStream, sse: viaSse })) {
      await client.setLoggingLevel('warning');
      const progress: number[] = [];
      const result = await client.callTool({ name: 'steps', arguments: {} }, { onprogress: (p) => progress.push(p.progress) });
      assert.equal(textOf(result), 'stepped');
      assert.deepEqual(progress, [1, 2], via);
      await waitFor(() => logs.some((line) => line.includes('a warning line')), `the warning to reach the client over ${via}`, { attempts: 100, intervalMs: 20 });
      assert.ok(!logs.some((line) => line.includes('an info line')), `below the client's level, over ${via}: ${logs.join(' | ')}`);
    }
  });

  it('aborts a cancelled call and leaves it unanswered, then serves the next one', async () => {
    for (const [client, stderr] of [
      [viaStdio.client, () => stdio.stderr()],
      [viaStream.client, () => stream.stderr()],
    ] as const) {
      const cancel = new AbortController();
      const call = client.callTool({ name: 'wait_abort', arguments: {} }, { signal: cancel.signal });
      await new Promise((resolve) => setTimeout(resolve, 200));
      cancel.abort('changed my mind');
      await assert.rejects(call);
      await waitFor(() => /saw abort: changed my mind/.test(stderr()), 'the tool to see the abort', { attempts: 200, intervalMs: 25 });
      assert.equal(textOf(await client.callTool({ name: 'say', arguments: { name: 'again' } })), 'hi again');
    }
  });

  it('hands a tool that asks for input to the SDK, which asks the client', async () => {
    for (const client of [viaStdio.client, viaStream.client]) {
      const first = textOf(await client.callTool({ name: 'ask_once', arguments: {} }));
      const runsBefore = Number(first.replace('runs=', ''));
      // the first ask re-ran the first round in the SDK (3 runs); from then on the tool is the SDK's (2 runs per call)
      assert.equal(runsBefore, 3);
      assert.equal(textOf(await client.callTool({ name: 'ask_once', arguments: {} })), `runs=${runsBefore + 2}`);
    }
    assert.equal(textOf(await viaSse.client.callTool({ name: 'ask_once', arguments: {} })), 'runs=2');
  });
});
