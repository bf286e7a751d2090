import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpClientKind, type HttpServer } from './helpers/http-server.js';
import { sleep, waitFor } from './helpers/reload.js';
import { ERAS, newClient, startStdioServer, tempDir, type StdioServer } from './helpers/stdio-server.js';
import { ANSWERING, answerEverything, EVERYTHING, textOf, upstreamYaml } from './helpers/upstreams.js';

const CONFIG = `upstreams:\n${upstreamYaml('everything', { ...EVERYTHING, timeoutSeconds: 30 })}`;

/** What every transport and era must do with the reference server behind the host. */
function behavesAsTheReferenceServer(connect: () => { client: Client }) {
  it('lists its tools under the prefix, schemas as the upstream declares them', async () => {
    const { tools } = await connect().client.listTools();
    const names = tools.map((tool) => tool.name);
    for (const name of ['everything_echo', 'everything_get-sum', 'everything_trigger-sampling-request', 'everything_trigger-long-running-operation', 'time_now']) {
      assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
    }
    const sum = tools.find((tool) => tool.name === 'everything_get-sum')!;
    assert.deepEqual(Object.keys(sum.inputSchema.properties ?? {}).sort(), ['a', 'b']);
    const structured = tools.find((tool) => tool.name === 'everything_get-structured-content')!;
    assert.ok(structured.outputSchema, 'the output schema is listed');
  });

  it('calls its tools; content and structuredContent come back as the upstream sent them', async () => {
    const { client } = connect();
    assert.equal(textOf(await client.callTool({ name: 'everything_echo', arguments: { message: 'hi there' } })), 'Echo: hi there');
    const result = await client.callTool({ name: 'everything_get-structured-content', arguments: { location: 'Chicago' } });
    assert.equal(result.isError, undefined);
    const content = result.structuredContent as { temperature: number; conditions: string };
    assert.equal(typeof content.temperature, 'number');
    assert.deepEqual(JSON.parse(textOf(result)), content);
    const image = await client.callTool({ name: 'everything_get-tiny-image', arguments: {} });
    assert.ok((image.content as Array<{ type: string }>).some((block) => block.type === 'image'));
  });

  it('relays progress of a long-running tool', async () => {
    const seen: number[] = [];
    const result = await connect().client.callTool(
      { name: 'everything_trigger-long-running-operation', arguments: { duration: 0.6, steps: 3 } },
      { onprogress: (progress) => void seen.push(progress.progress) },
    );
    assert.match(textOf(result), /Long running operation completed/);
    await waitFor(() => seen.includes(3), `the last progress notification (seen ${JSON.stringify(seen)})`, { attempts: 20, intervalMs: 50 });
    // a 2026 client may see a step again: the upstream's first roots/list can land in this call, a second round
    assert.deepEqual([...new Set(seen)], [1, 2, 3]);
  });

  it("passes the upstream's sampling request to the calling client and its answer back", async () => {
    const result = await connect().client.callTool({ name: 'everything_trigger-sampling-request', arguments: { prompt: 'a haiku', maxTokens: 20 } });
    assert.equal(result.isError, undefined, textOf(result));
    assert.match(textOf(result), /test-model/);
    assert.match(textOf(result), /sampled .*a haiku/);
  });

  it("passes roots/list during a call (the upstream's get-roots-list)", async () => {
    const result = await connect().client.callTool({ name: 'everything_get-roots-list', arguments: {} });
    assert.match(textOf(result), /file:\/\/\/srv\/project/);
  });

  it('serves its prompts with argument completion, and its resources and templates', async () => {
    const { client } = connect();
    const prompt = await client.getPrompt({ name: 'everything_args-prompt', arguments: { city: 'Lisbon' } });
    assert.match(JSON.stringify(prompt.messages), /Lisbon/);
    const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'everything_completable-prompt' }, argument: { name: 'department', value: 'Eng' } });
    assert.deepEqual(completion.completion.values, ['Engineering']);
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.ok(resourceTemplates.some((template) => template.uriTemplate === 'demo://resource/dynamic/text/{resourceId}'));
    const text = await client.readResource({ uri: 'demo://resource/dynamic/text/7' });
    assert.match(JSON.stringify(text.contents), /Resource 7/);
    const { resources } = await client.listResources();
    const doc = resources.find((resource) => resource.uri.startsWith('demo://resource/static/document/'))!;
    assert.ok(doc.name.startsWith('everything_'), doc.name);
    const read = await client.readResource({ uri: doc.uri });
    assert.equal(read.contents[0]?.uri, doc.uri);
  });
}

for (const era of ERAS) {
  describe(`server-everything behind the host over stdio (${era} client)`, () => {
    let server: StdioServer;
    let cleanup: () => Promise<void>;
    before(async () => {
      const tmp = await tempDir();
      cleanup = tmp.cleanup;
      await writeFile(path.join(tmp.dir, 'config.yaml'), CONFIG);
      const client = newClient(era, ANSWERING);
      answerEverything(client);
      server = await startStdioServer({ era, client, args: ['--config', path.join(tmp.dir, 'config.yaml'), '--data-dir', path.join(tmp.dir, 'data')] });
    });
    after(async () => {
      await server?.close();
      await cleanup?.();
    });

    behavesAsTheReferenceServer(() => server);

    it('stderr of the upstream goes to the server log with its name', () => {
      assert.match(server.stderr(), /"upstream":"everything","stderr":"Starting default \(STDIO\) server\.\.\."/);
    });
  });
}

describe('server-everything behind the host: a client without sampling', () => {
  for (const era of ERAS) {
    it(`${era}: the call fails cleanly instead of hanging`, async () => {
      const tmp = await tempDir();
      await writeFile(path.join(tmp.dir, 'config.yaml'), CONFIG);
      const server = await startStdioServer({ era, args: ['--config', path.join(tmp.dir, 'config.yaml'), '--data-dir', path.join(tmp.dir, 'data')] });
      try {
        const outcome = await server.client.callTool({ name: 'everything_trigger-sampling-request', arguments: { prompt: 'x' } }).then(
          (result) => ({ error: result.isError ? textOf(result) : undefined }),
          (error: unknown) => ({ error: String(error) }),
        );
        assert.match(outcome.error ?? 'no error', /sampling/i);
        assert.equal(textOf(await server.client.callTool({ name: 'everything_echo', arguments: { message: 'still here' } })), 'Echo: still here');
      } finally {
        await server.close();
        await tmp.cleanup();
      }
    });
  }
});

for (const [transport, kinds] of [
  ['http-stream', ['legacy', 'modern']],
  ['sse', ['sse']],
] as const) {
  describe(`server-everything behind the host over ${transport}`, () => {
    let server: HttpServer;
    before(async () => {
      server = await startHttpServer({ transport, config: CONFIG });
    });
    after(async () => {
      await server?.stop();
    });
    for (const kind of kinds) {
      describe(`${kind} client`, () => {
        let client: Client;
        before(async () => {
          client = await connectClient(server, kind as HttpClientKind, { capabilities: ANSWERING });
          answerEverything(client);
        });
        after(async () => {
          await client?.close();
        });
        behavesAsTheReferenceServer(() => ({ client }));
      });
    }

    it('/ready and /info show the upstream, its state and tool count', async () => {
      const ready = (await (await fetch(`${server.origin}/ready`)).json()) as { status: string; upstreams: Array<{ name: string; state: string; tools: number }> };
      assert.equal(ready.status, 'ready');
      assert.equal(ready.upstreams[0]?.name, 'everything');
      assert.equal(ready.upstreams[0]?.state, 'ready');
      assert.ok(ready.upstreams[0]!.tools >= 10);
      const info = (await (await fetch(`${server.origin}/info`)).json()) as { upstreams: Array<{ name: string; state: string; pid: number; transport: string }> };
      assert.equal(info.upstreams[0]?.transport, 'stdio');
      assert.ok(info.upstreams[0]!.pid > 0);
    });

    it('/metrics counts calls per upstream, with latency', async () => {
      await sleep(50);
      const text = await (await fetch(`${server.origin}/metrics`)).text();
      assert.match(text, /mcp_upstream_calls_total\{upstream="everything",method="tools\/call"\} [1-9]/);
      assert.match(text, /mcp_upstream_call_duration_seconds_count\{upstream="everything",method="tools\/call"\} [1-9]/);
      assert.match(text, /mcp_upstream_ready\{upstream="everything"\} 1/);
    });
  });
}
