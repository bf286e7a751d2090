import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { countChanges, waitFor } from './helpers/reload.js';
import { ERAS } from './helpers/stdio-server.js';
import { textOf, upstreamInfo, upstreamYaml } from './helpers/upstreams.js';

const UPSTREAM_KEY = 'upstream-key-0123456789';
const HOST_KEY = 'host-key-0123456789abc';
const auth = { Authorization: `Bearer ${HOST_KEY}` };

/**
 * Tools of the remote server: one asks the user (elicitation, multi-round-trip), one reports progress
 * and answers with structured content and _meta, one tells subscribers that its resource changed.
 */
const REMOTE_TOOLS = `
export default ({ z }) => [
  {
    name: 'ask_name',
    description: 'Asks the user for a name, then greets them',
    async run(_args, ctx) {
      const answer = ctx.input('name');
      if (answer.kind === 'missing') {
        return ctx.elicit('name', { message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } }, { asked: 1 });
      }
      if (answer.kind !== 'elicit' || answer.action !== 'accept') return 'no name given';
      return 'hello ' + answer.content.name + ' (state ' + JSON.stringify(ctx.state()) + ')';
    },
  },
  {
    name: 'steps',
    description: 'Reports progress, then answers with structured content',
    input: { n: z.number().int().min(1).max(10) },
    output: { n: z.number() },
    async run({ n }, ctx) {
      for (let i = 1; i <= n; i++) {
        await ctx.progress(i, n);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      return { content: [{ type: 'text', text: 'counted ' + n }], structuredContent: { n }, _meta: { 'example.com/origin': 'remote' } };
    },
  },
  { name: 'board', uri: 'remote://board', description: 'A resource that changes', read: () => 'the board' },
  {
    name: 'touch_board',
    description: 'Tells subscribers the board changed',
    run(_args, ctx) {
      ctx.notify.resourceUpdated('remote://board');
      return 'touched';
    },
  },
];
`;

describe('another mcp-server as a remote Streamable HTTP upstream, behind one API key', () => {
  let remote: HttpServer;
  let host: HttpServer;
  before(async () => {
    remote = await startHttpServer({ transport: 'http-stream', modules: { 'remote.mjs': REMOTE_TOOLS }, env: { MCP_API_KEY: UPSTREAM_KEY } });
    const upstream = {
      url: `${remote.origin}/mcp`,
      headers: { Authorization: 'Bearer ${REMOTE_TOKEN}' },
      prefix: 'r_',
      timeoutSeconds: 10,
      pingIntervalSeconds: 0.5,
      restart: { initialDelaySeconds: 0.2, maxDelaySeconds: 0.5, maxRetries: 100 },
    };
    host = await startHttpServer({ transport: 'http-stream', config: `upstreams:\n${upstreamYaml('remote', upstream)}`, env: { MCP_API_KEY: HOST_KEY, REMOTE_TOKEN: UPSTREAM_KEY } });
  });
  after(async () => {
    if (process.env.DEBUG_UPSTREAM)
      console.log(
        host
          ?.stderr()
          .split('\n')
          .filter((line) => line.includes('upstream'))
          .join('\n'),
      );
    await host?.stop();
    await remote?.stop();
  });

  it('connects with the expanded header, in the 2026-07-28 era', async () => {
    const [status] = await upstreamInfo(host.origin, auth);
    assert.equal(status?.state, 'ready');
    assert.equal(status?.era, 'modern');
    assert.ok(status!.tools >= 2);
  });

  for (const era of ERAS) {
    describe(`${era} client`, () => {
      let client: Client;
      before(async () => {
        client = await connectClient(host, era, { headers: auth, capabilities: { elicitation: { form: {} } } });
        client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'Grace' } }));
      });
      after(async () => {
        await client?.close();
      });

      it('calls its tools: progress relayed, structuredContent and _meta as the remote sent them', async () => {
        const seen: number[] = [];
        const result = await client.callTool({ name: 'r_steps', arguments: { n: 3 } }, { onprogress: (progress) => void seen.push(progress.progress) });
        assert.equal(textOf(result), 'counted 3');
        assert.deepEqual(result.structuredContent, { n: 3 });
        assert.equal((result._meta as Record<string, unknown> | undefined)?.['example.com/origin'], 'remote');
        await waitFor(() => seen.includes(3), 'progress 3', { attempts: 20, intervalMs: 50 });
        assert.deepEqual(seen, [1, 2, 3]);
      });

      it("passes the remote's elicitation to the client and the answer back, with the remote's own state", async () => {
        const result = await client.callTool({ name: 'r_ask_name', arguments: {} });
        assert.equal(textOf(result), 'hello Grace (state {"asked":1})');
      });

      it("subscribes at the remote (its subscriptions/listen) while the client follows the remote's resource; its updates arrive", async () => {
        const changes = countChanges(client);
        let leave: () => Promise<unknown>;
        if (era === 'legacy') {
          await client.subscribeResource({ uri: 'remote://board' });
          leave = () => client.unsubscribeResource({ uri: 'remote://board' });
        } else {
          const listen = await client.listen({ resourceSubscriptions: ['remote://board'] });
          leave = () => listen.close();
        }
        try {
          // the subscription at the remote follows the client's within moments: touch until an update comes through
          await waitFor(
            async () => {
              assert.equal(textOf(await client.callTool({ name: 'r_touch_board', arguments: {} })), 'touched');
              return changes.updated.includes('remote://board');
            },
            "the remote's update",
            { attempts: 30 },
          );
        } finally {
          await leave();
        }
      });
    });
  }

  it('a forged requestState is refused', async () => {
    const response = await fetch(`${host.origin}/mcp`, {
      method: 'POST',
      headers: {
        ...auth,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'Mcp-Protocol-Version': '2026-07-28',
        'Mcp-Method': 'tools/call',
        'Mcp-Name': 'r_ask_name',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'r_ask_name',
          arguments: {},
          inputResponses: { name: { action: 'accept', content: { name: 'Mallory' } } },
          requestState: 'v1.forged.state',
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
            'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
          },
        },
      }),
    });
    const text = await response.text();
    assert.match(text, /Invalid or expired requestState/);
  });

  it('tools vanish when the remote goes away and come back when it returns, with list_changed', async () => {
    const client = await connectClient(host, 'legacy', { headers: auth });
    const counts = countChanges(client);
    const port = remote.port;
    await remote.stop();
    await waitFor(async () => (await upstreamInfo(host.origin, auth))[0]?.state !== 'ready', 'the upstream to be seen down');
    await waitFor(async () => !(await client.listTools()).tools.some((tool) => tool.name === 'r_steps'), 'r_steps withdrawn');
    await assert.rejects(client.callTool({ name: 'r_steps', arguments: { n: 1 } }), /Tool r_steps not found/);

    remote = await startHttpServer({ transport: 'http-stream', modules: { 'remote.mjs': REMOTE_TOOLS }, env: { MCP_API_KEY: UPSTREAM_KEY }, port });
    await waitFor(async () => (await upstreamInfo(host.origin, auth))[0]?.state === 'ready', 'the upstream to be back', { attempts: 150 });
    await waitFor(() => counts.tools >= 2, 'two tools/list_changed');
    assert.equal(textOf(await client.callTool({ name: 'r_steps', arguments: { n: 1 } })), 'counted 1');
    await client.close();
  });
});
