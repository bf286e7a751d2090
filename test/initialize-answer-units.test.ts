import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { isInitializeRequest, LATEST_PROTOCOL_VERSION, parseJSONRPCMessage, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import { initializeResult, isAnswerableInitialize, LEGACY_PROTOCOL_VERSIONS } from '../src/server/initialize-answer.js';
import { JsonLinesTransport } from '../src/transports/json-lines-transport.js';

const initialize = (params: unknown, extra: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id: 1, method: 'initialize', params, ...extra });
/** Whether the SDK takes `message` as an initialize request: a JSON-RPC message, and initialize's schema. */
function sdkAccepts(message: unknown): boolean {
  try {
    return isInitializeRequest(parseJSONRPCMessage(message));
  } catch {
    return false;
  }
}
const params = (capabilities: unknown = {}, clientInfo: unknown = { name: 'c', version: '1' }, protocolVersion: unknown = '2025-11-25') => ({ protocolVersion, capabilities, clientInfo });

/** The early answer to `initialize` (src/server/initialize-answer.ts), in-process. */
describe('initialize answered without the SDK', () => {
  it("negotiates among the SDK's 2025-era versions, latest first", () => {
    assert.deepEqual(
      LEGACY_PROTOCOL_VERSIONS,
      SUPPORTED_PROTOCOL_VERSIONS.filter((version) => version < '2026-07-28'),
    );
    assert.equal(LEGACY_PROTOCOL_VERSIONS[0], LATEST_PROTOCOL_VERSION);
    const server = { name: 's', instructions: 'Be brief.' } as Parameters<typeof initializeResult>[0];
    assert.equal(initializeResult(server, '1.0.0', '2024-11-05').protocolVersion, '2024-11-05');
    assert.equal(initializeResult(server, '1.0.0', '2026-07-28').protocolVersion, LATEST_PROTOCOL_VERSION);
    assert.deepEqual(initializeResult(server, '1.0.0', 'x').serverInfo, { name: 's', version: '1.0.0' });
    assert.equal(initializeResult(server, '1.0.0', 'x').instructions, 'Be brief.');
  });

  it("takes only requests the SDK's schema accepts, and the shapes clients send", () => {
    const answerable = [
      initialize(params()),
      initialize(params({ roots: { listChanged: true }, sampling: {}, elicitation: {} })),
      initialize(params({ sampling: { context: {}, tools: {} }, elicitation: { form: { applyDefaults: false }, url: {} } })),
      initialize(params({ experimental: { a: {} }, extensions: { 'io.x/y': { on: 1 } } })),
      initialize(params({}, { name: 'c', version: '1', title: 'C', websiteUrl: 'https://c', description: 'd', extra: 1 })),
      initialize(params({}, undefined, '1999-01-01')),
      initialize(params(), { id: 'an-id' }),
    ];
    for (const message of answerable) {
      assert.ok(isAnswerableInitialize(message), JSON.stringify(message));
      assert.ok(sdkAccepts(message), `the SDK accepts ${JSON.stringify(message)}`);
    }
    const left = [
      initialize(params({ roots: { listChanged: 'yes' } })),
      initialize(params({ sampling: [] })),
      initialize(params({ experimental: { a: 1 } })),
      initialize(params({ elicitation: { form: { applyDefaults: 'no' } } })),
      initialize(params([])),
      initialize(params({}, { name: 'c' })),
      initialize(params({}, { name: 'c', version: 1 })),
      initialize(params({}, { name: 'c', version: '1', title: 2 })),
      initialize(params({}, undefined, 2025)),
      initialize(params(), { id: 1.5 }),
      initialize(params(), { id: null }),
      initialize(params(), { jsonrpc: '1.0' }),
      initialize(undefined),
      // valid, but left to the SDK: an envelope (2026-07-28), icons, the deprecated tasks capability
      initialize({ ...params(), _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } }),
      initialize(params({}, { name: 'c', version: '1', icons: [{ src: 'x' }] })),
      initialize(params({ tasks: {} })),
      { jsonrpc: '2.0', id: 1, method: 'ping' },
    ];
    for (const message of left) assert.equal(isAnswerableInitialize(message), false, JSON.stringify(message));
    for (const message of left.slice(0, 13)) assert.equal(sdkAccepts(message), false, `the SDK refuses ${JSON.stringify(message)}`);
  });
});

describe('JSON lines: an answer sent ahead, the request replayed', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it("keeps the server's answer to a replayed request from the client, and stays open for it after the input ends", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const wire = new JsonLinesTransport(input, output, () => 60_000);
    wire.check = parseJSONRPCMessage;
    const held: unknown[] = [];
    wire.intercept = (message) => held.push(message) > 0;
    wire.listen(); // reading before a server is connected
    input.write(`${JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'initialize', params: params() })}\n`);
    input.end();
    await tick();
    assert.equal(held.length, 1);
    await wire.answerAhead({ jsonrpc: '2.0', id: 5, result: { early: true } });
    let closed = false;
    const delivered: { id?: unknown }[] = [];
    wire.onclose = () => (closed = true);
    wire.onmessage = (message) => void delivered.push(message as { id?: unknown });
    await wire.start();
    await tick();
    assert.equal(closed, false, 'the replayed request still owes its answer');
    const answers: unknown[] = [];
    wire.replay(held[0] as { id: number; method: string }, (answer) => answers.push(answer));
    assert.equal(delivered.length, 1);
    assert.notEqual(delivered[0]!.id, 5, 'the replay has an id of its own');
    await wire.send({ jsonrpc: '2.0', id: delivered[0]!.id as string, result: { late: true } });
    assert.deepEqual(answers, [{ jsonrpc: '2.0', id: delivered[0]!.id, result: { late: true } }]);
    await tick();
    assert.equal(closed, true, 'answered: the ended input closes the transport');
    assert.deepEqual(
      output
        .read()
        .toString()
        .trim()
        .split('\n')
        .map((line: string) => JSON.parse(line)),
      [{ jsonrpc: '2.0', id: 5, result: { early: true } }],
    );
  });

  it('tells a server connected after it closed that it is closed', async () => {
    const input = new PassThrough();
    const wire = new JsonLinesTransport(input, new PassThrough());
    wire.listen();
    await wire.close();
    let closed = false;
    wire.onclose = () => (closed = true);
    await wire.start();
    await tick();
    assert.equal(closed, true);
  });
});
