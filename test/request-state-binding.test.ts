import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHttpServer, type HttpServer } from './helpers/http-server.js';
import { modernRpc, type ModernRpc } from './helpers/modern-rpc.js';

/** Tools and a prompt that ask for confirmation and carry state to the next round. */
const MODULE = `
const confirm = (name) => ({
  name,
  description: 'Asks to confirm, then reports what it carried',
  input: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  run(args, ctx) {
    if (ctx.input('ok').kind === 'missing') {
      return ctx.elicit('ok', { message: 'Sure?', requestedSchema: { type: 'object', properties: { sure: { type: 'boolean' } } } }, { minted: args.id });
    }
    return name + ' confirmed ' + args.id + ', state ' + JSON.stringify(ctx.state() ?? null);
  },
});
export default [
  confirm('delete_thing'),
  confirm('archive_thing'),
  {
    kind: 'prompt',
    name: 'confirmed_prompt',
    arguments: [{ name: 'topic', required: true }],
    get({ topic }, ctx) {
      if (ctx.input('ok').kind === 'missing') {
        return ctx.elicit('ok', { message: 'Sure?', requestedSchema: { type: 'object', properties: {} } }, { minted: topic });
      }
      return 'About ' + topic + ', state ' + JSON.stringify(ctx.state() ?? null);
    },
  },
];
`;

const KEY_A = 'first-api-key-0123456789';
const KEY_B = 'second-api-key-0123456789';
const ELICITATION = { elicitation: {} };
const ACCEPT = { ok: { action: 'accept', content: { sure: true } } };

describe('multi-round-trip requestState is bound to its caller, definition and arguments (HTTP, 2026-07-28)', () => {
  let server: HttpServer;
  let asA: ModernRpc;
  let asB: ModernRpc;

  before(async () => {
    server = await startHttpServer({
      transport: 'http-stream',
      // a 16-character secret (the schema's minimum) signs the state
      config: `server:\n  requestStateSecret: sixteen-chars-ok\ntools:\n  builtins: false\ntransport:\n  apiKeys: [${KEY_A}, ${KEY_B}]\n`,
      modules: { 'confirm.mjs': MODULE },
    });
    asA = modernRpc(server.origin, { Authorization: `Bearer ${KEY_A}` });
    asB = modernRpc(server.origin, { Authorization: `Bearer ${KEY_B}` });
  });
  after(async () => {
    await server?.stop();
  });

  /** The state key A's first round of delete_thing { id: '1' } hands out. */
  async function mintedState(method = 'tools/call', params: Record<string, unknown> = { name: 'delete_thing', arguments: { id: '1' } }): Promise<string> {
    const first = await asA(method, params, ELICITATION);
    assert.equal(first.error, undefined, JSON.stringify(first.error));
    assert.equal(first.result?.resultType, 'input_required', JSON.stringify(first.result));
    assert.equal(typeof first.result?.requestState, 'string');
    return first.result!.requestState as string;
  }

  const refused = (response: { error?: { code: number; data?: { reason?: string } }; result?: unknown }) => {
    assert.equal(response.error?.code, -32602, `expected the state to be refused, got ${JSON.stringify(response)}`);
    assert.equal(response.error?.data?.reason, 'invalid_request_state');
  };

  it('accepts the state back from the same key, for the same tool and arguments', async () => {
    const requestState = await mintedState();
    const second = await asA('tools/call', { name: 'delete_thing', arguments: { id: '1' }, inputResponses: ACCEPT, requestState }, ELICITATION);
    assert.equal(second.error, undefined, JSON.stringify(second.error));
    assert.deepEqual(second.result?.content, [{ type: 'text', text: 'delete_thing confirmed 1, state {"minted":"1"}' }]);
  });

  it('refuses it from another API key', async () => {
    const requestState = await mintedState();
    refused(await asB('tools/call', { name: 'delete_thing', arguments: { id: '1' }, inputResponses: ACCEPT, requestState }, ELICITATION));
  });

  it('refuses it for another tool', async () => {
    const requestState = await mintedState();
    refused(await asA('tools/call', { name: 'archive_thing', arguments: { id: '1' }, inputResponses: ACCEPT, requestState }, ELICITATION));
  });

  it('refuses it with changed arguments', async () => {
    const requestState = await mintedState();
    refused(await asA('tools/call', { name: 'delete_thing', arguments: { id: '2' }, inputResponses: ACCEPT, requestState }, ELICITATION));
  });

  it('refuses a tool call state for a prompt, and a prompt state with other arguments', async () => {
    const toolState = await mintedState();
    refused(await asA('prompts/get', { name: 'confirmed_prompt', arguments: { topic: '1' }, inputResponses: ACCEPT, requestState: toolState }, ELICITATION));

    const params = { name: 'confirmed_prompt', arguments: { topic: 'tea' } };
    const promptState = await mintedState('prompts/get', params);
    refused(await asA('prompts/get', { name: 'confirmed_prompt', arguments: { topic: 'coffee' }, inputResponses: ACCEPT, requestState: promptState }, ELICITATION));
    refused(await asB('prompts/get', { ...params, inputResponses: ACCEPT, requestState: promptState }, ELICITATION));
    const accepted = await asA('prompts/get', { ...params, inputResponses: ACCEPT, requestState: promptState }, ELICITATION);
    assert.equal(accepted.error, undefined, JSON.stringify(accepted.error));
    assert.match(JSON.stringify(accepted.result?.messages), /About tea, state \{\\"minted\\":\\"tea\\"\}/);
  });
});
