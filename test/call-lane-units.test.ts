import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { InMemoryTransport, parseJSONRPCMessage, type JSONRPCMessage } from '@modelcontextprotocol/server';
import { gapAnswers } from '../src/server/answer-gap.js';
import { CallCancellation } from '../src/server/cancellation.js';
import { cancelledRequest, isPlainTextResult, plainToolCall } from '../src/server/plain-tool-call.js';
import { JsonLinesTransport } from '../src/transports/json-lines-transport.js';
import { waitFor } from './helpers/wait.js';

/** The pieces of the fast path for tools/call (src/server/call-lane.ts) and of the stdio JSON-lines transport, in-process. */
describe('which tools/call requests are plain', () => {
  const call = (params: unknown, extra: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id: 7, method: 'tools/call', params, ...extra });

  it('takes a name, arguments and a progress token', () => {
    assert.deepEqual(plainToolCall(call({ name: 'echo', arguments: { text: 'hi' } })), { id: 7, name: 'echo', arguments: { text: 'hi' }, meta: undefined });
    assert.deepEqual(plainToolCall(call({ name: 'echo' })), { id: 7, name: 'echo', arguments: undefined, meta: undefined });
    assert.deepEqual(plainToolCall(call({ name: 'echo', _meta: { progressToken: 'p' } }))?.meta, { progressToken: 'p' });
  });

  it("takes only what the SDK's JSON-RPC schema takes (the HTTP session then skips that parse)", () => {
    const accepted = [
      call({ name: 'echo', arguments: { text: 'hi', nested: { list: [1, null] } } }),
      call({ name: 'echo', _meta: { progressToken: 0 } }),
      call({ name: 'echo' }, { id: 'an-id' }),
      call({ name: '' }, { id: Number.MAX_SAFE_INTEGER }),
    ];
    for (const message of accepted) {
      assert.ok(plainToolCall(message), JSON.stringify(message));
      assert.doesNotThrow(() => parseJSONRPCMessage(message), JSON.stringify(message));
    }
    for (const message of [call({ name: 'echo' }, { id: 1.5 }), call({ name: 'echo', _meta: { progressToken: 0.5 } }), call({ name: 'echo' }, { id: 2 ** 60 })]) {
      assert.throws(() => parseJSONRPCMessage(message), JSON.stringify(message));
      assert.equal(plainToolCall(message), undefined, JSON.stringify(message));
    }
  });

  it('leaves everything else to the SDK', () => {
    for (const message of [
      call({ name: 'echo', task: { ttl: 1 } }),
      call({ name: 'echo', requestState: 'x' }),
      call({ name: 'echo', inputResponses: {} }),
      call({ name: 'echo', _meta: { progressToken: 'p', 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } }),
      call({ name: 'echo', _meta: {} }),
      call({ name: 'echo', _meta: { progressToken: null } }),
      call({ name: 'echo', arguments: [1] }),
      call({ name: 'echo', arguments: null }),
      call({ name: 1 }),
      call(undefined),
      call({ name: 'echo' }, { id: null }),
      call({ name: 'echo' }, { jsonrpc: '1.0' }),
      call({ name: 'echo' }, { extra: true }),
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      'tools/call',
      null,
    ]) {
      assert.equal(plainToolCall(message), undefined, JSON.stringify(message));
    }
  });

  it('reads the request a cancellation names', () => {
    assert.deepEqual(cancelledRequest({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3, reason: 'x' } }), { id: 3, reason: 'x' });
    assert.equal(cancelledRequest({ jsonrpc: '2.0', method: 'notifications/cancelled', params: {} }), undefined);
    assert.equal(cancelledRequest({ jsonrpc: '2.0', method: 'notifications/progress', params: { requestId: 3 } }), undefined);
  });
});

describe('plain text results', () => {
  it('are text blocks and an error flag only', () => {
    assert.equal(isPlainTextResult({ content: [{ type: 'text', text: 'a' }] }), true);
    assert.equal(isPlainTextResult({ content: [] }), true);
    assert.equal(isPlainTextResult({ content: [{ type: 'text', text: 'a' }], isError: true }), true);
    assert.equal(isPlainTextResult({ content: [{ type: 'text', text: 'a', annotations: { priority: 1 } }] }), false);
    assert.equal(isPlainTextResult({ content: [{ type: 'image', data: 'AA==', mimeType: 'image/png' }] }), false);
    assert.equal(isPlainTextResult({ content: [{ type: 'text', text: 'a' }], structuredContent: { a: 1 } }), false);
    assert.equal(isPlainTextResult({ content: [{ type: 'text', text: 'a' }], isError: false }), false);
    assert.equal(isPlainTextResult({ content: [{ type: 'text', text: 1 }] } as never), false);
  });
});

describe('a call cancellation', () => {
  it('runs its listeners once, on abort, and gives a signal that follows it', () => {
    const cancellation = new CallCancellation();
    const heard: string[] = [];
    const gone = () => heard.push('removed');
    cancellation.addEventListener('abort', () => heard.push('first'));
    cancellation.addEventListener('abort', gone);
    cancellation.removeEventListener('abort', gone);
    const signal = cancellation.toSignal();
    cancellation.abort('why');
    cancellation.abort('again');
    assert.deepEqual(heard, ['first']);
    assert.equal(cancellation.aborted, true);
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason, 'why');
    assert.equal(cancellation.toSignal().reason, 'why');
  });
});

describe('JSON lines over a pair of streams', () => {
  const open = async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const transport = new JsonLinesTransport(input, output);
    transport.check = parseJSONRPCMessage;
    const messages: unknown[] = [];
    const errors: string[] = [];
    const intercepted: unknown[] = [];
    transport.onmessage = (message) => void messages.push(message);
    transport.onerror = (error) => void errors.push(error.message);
    transport.intercept = (message) => (message as { id?: unknown }).id === 'mine' && intercepted.push(message) > 0;
    await transport.start();
    return { input, output, transport, messages, errors, intercepted };
  };
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('reads each line once, offers it to the intercept, skips what is not JSON and reports what is not JSON-RPC', async () => {
    const { input, messages, errors, intercepted } = await open();
    input.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\r\n{"jsonrpc":"2.0","id":"mine","method":"x"}\nnot json\n{"no":"rpc"}\n{"jsonrpc":"2.0",');
    const rest = Buffer.from('"method":"notifications/initialized","params":{"t":"\u00e9"}}\n');
    const inside = rest.indexOf(0xc3) + 1; // between the two bytes of the é
    input.write(rest.subarray(0, inside));
    input.write(rest.subarray(inside));
    await tick();
    assert.deepEqual(messages, [
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', method: 'notifications/initialized', params: { t: '\u00e9' } },
    ]);
    assert.deepEqual(intercepted, [{ jsonrpc: '2.0', id: 'mine', method: 'x' }]);
    assert.equal(errors.length, 1);
  });

  it('writes one line per message and closes once, when its input ends', async () => {
    const { input, output, transport } = await open();
    let closed = 0;
    transport.onclose = () => closed++;
    await transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    assert.equal(output.read().toString(), '{"jsonrpc":"2.0","id":1,"result":{}}\n');
    input.end();
    await tick();
    await transport.close();
    assert.equal(closed, 1);
    await assert.rejects(transport.send({ jsonrpc: '2.0', id: 2, result: {} }), /closed/);
  });
});

describe('JSON lines when the input ends before every answer', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('answers what was read first, then closes; a cancelled request owes nothing', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const transport = new JsonLinesTransport(input, output, () => 60_000);
    let closed = 0;
    transport.onclose = () => closed++;
    await transport.start();
    input.end('{"jsonrpc":"2.0","id":1,"method":"ping"}\n{"jsonrpc":"2.0","id":2,"method":"ping"}\n{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2}}\n');
    await tick();
    assert.equal(closed, 0, 'closed with an answer still owed');
    await transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    await tick();
    assert.equal(closed, 1);
    assert.equal(output.read().toString(), '{"jsonrpc":"2.0","id":1,"result":{}}\n');
  });

  it('owes nothing to a request whose id the SDK refuses, so it closes at once when its input ends', async () => {
    const input = new PassThrough();
    const transport = new JsonLinesTransport(input, new PassThrough(), () => 60_000);
    transport.check = parseJSONRPCMessage;
    const errors: string[] = [];
    let closed = 0;
    transport.onerror = (error) => void errors.push(error.message);
    transport.onmessage = () => assert.fail('no message is valid JSON-RPC');
    transport.onclose = () => closed++;
    await transport.start();
    input.end('{"jsonrpc":"2.0","id":1.5,"method":"ping"}\n{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}\n');
    await waitFor(() => closed === 1, 'the transport to close', { attempts: 100, intervalMs: 10 });
    assert.equal(errors.length, 2, 'both reported as not JSON-RPC');
  });

  it('closes after the grace period when an answer never comes', async () => {
    const input = new PassThrough();
    const transport = new JsonLinesTransport(input, new PassThrough(), () => 20);
    let closed = 0;
    transport.onclose = () => closed++;
    await transport.start();
    input.end('{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
    await waitFor(() => closed === 1, 'the transport to close after its grace period', { attempts: 100, intervalMs: 10 });
  });
});

describe('the gap between progress and an answer', () => {
  it('holds back the answer of a request that just sent progress, and only that one', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    gapAnswers(serverSide);
    const received: string[] = [];
    clientSide.onmessage = (message: JSONRPCMessage) => void received.push('method' in message ? `${message.method}` : `answer ${String((message as { id: unknown }).id)}`);
    await clientSide.start();
    await serverSide.start();
    const answer = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, result: {} });
    await Promise.all([
      serverSide.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 1 } }, { relatedRequestId: 1 }),
      serverSide.send(answer(1)),
      serverSide.send(answer(2)),
    ]);
    await serverSide.close();
    assert.deepEqual(received, ['notifications/progress', 'answer 2', 'answer 1']);
  });
});
