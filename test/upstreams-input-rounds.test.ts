import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHttpServer, type HttpServer } from './helpers/http-server.js';
import { EVERYTHING, upstreamYaml } from './helpers/upstreams.js';

const KEY_A = 'key-a-0123456789abcdef';
const KEY_B = 'key-b-0123456789abcdef';

/** One raw 2026-07-28 tools/call (so a test can hold the requestState itself); resolves with its JSON-RPC response. */
async function modernCall(server: HttpServer, key: string, name: string, extra: Record<string, unknown> = {}): Promise<{ result?: Record<string, any>; error?: { message: string } }> {
  const response = await fetch(`${server.origin}/mcp`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${key}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'Mcp-Protocol-Version': '2026-07-28',
      'Mcp-Method': 'tools/call',
      'Mcp-Name': name,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name,
        arguments: { prompt: 'a limerick' },
        ...extra,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': { sampling: {} },
          'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
        },
      },
    }),
  });
  const text = await response.text();
  const json = text.trimStart().startsWith('{')
    ? text
    : text
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5))
        .at(-1)!;
  return JSON.parse(json) as { result?: Record<string, any>; error?: { message: string } };
}

describe('a 2026-07-28 client answering a 2025 upstream over several requests', () => {
  let server: HttpServer;
  before(async () => {
    server = await startHttpServer({ transport: 'http-stream', config: `upstreams:\n${upstreamYaml('everything', EVERYTHING)}`, env: { MCP_API_KEY: `${KEY_A},${KEY_B}` } });
  });
  after(async () => {
    await server?.stop();
  });

  it('keeps the upstream call pending across rounds, resumed only by the caller it was handed to', async () => {
    const first = await modernCall(server, KEY_A, 'everything_trigger-sampling-request');
    assert.equal(first.result?.resultType, 'input_required', JSON.stringify(first));
    const requests = Object.entries(first.result!.inputRequests as Record<string, { method: string; params: { messages: Array<{ content: { text: string } }> } }>);
    assert.equal(requests.length, 1);
    const [key, request] = requests[0]!;
    assert.equal(request!.method, 'sampling/createMessage');
    assert.match(request!.params.messages[0]!.content.text, /a limerick/);
    const answer = { inputResponses: { [key!]: { model: 'm', role: 'assistant', content: { type: 'text', text: 'There once was a proxy' } } }, requestState: first.result!.requestState };

    const stolen = await modernCall(server, KEY_B, 'everything_trigger-sampling-request', answer);
    assert.match(JSON.stringify(stolen), /Invalid or expired requestState/);

    const done = await modernCall(server, KEY_A, 'everything_trigger-sampling-request', answer);
    assert.equal(done.result?.isError, undefined, JSON.stringify(done));
    assert.match(JSON.stringify(done.result?.content), /There once was a proxy/);

    const again = await modernCall(server, KEY_A, 'everything_trigger-sampling-request', answer);
    assert.match(JSON.stringify(again), /has ended/, 'a round cannot be answered twice');
  });
});
