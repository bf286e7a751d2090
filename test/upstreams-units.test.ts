import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Caller } from '../src/modules/forwarded.js';
import { backoffDelayMs } from '../src/upstreams/backoff.js';
import { missingCapability } from '../src/upstreams/client-capabilities.js';
import { listenedUris } from '../src/transports/listened-resources.js';
import { expandEnv, missingVariables } from '../src/upstreams/expand-env.js';
import { FollowedUris } from '../src/upstreams/followed-uris.js';
import { PendingCalls } from '../src/upstreams/pending-calls.js';
import { CallTimeout, InFlight, UpstreamCall } from '../src/upstreams/upstream-call.js';

const policy = { maxRetries: 10, initialDelaySeconds: 1, maxDelaySeconds: 60 };

describe('backoffDelayMs', () => {
  it('doubles from the initial delay up to the maximum, jittered between half and all of it', () => {
    assert.deepEqual(
      [1, 2, 3, 7, 8, 50].map((n) => backoffDelayMs(n, policy, () => 1)),
      [1000, 2000, 4000, 60000, 60000, 60000],
    );
    assert.deepEqual(
      [1, 2, 3].map((n) => backoffDelayMs(n, policy, () => 0)),
      [500, 1000, 2000],
    );
  });
});

describe('expandEnv', () => {
  it('replaces ${NAME}; an unset variable is an error naming it (an empty one is set)', () => {
    assert.equal(expandEnv('Bearer ${TOKEN}/${EMPTY}x', { TOKEN: 't', EMPTY: '' }, 'headers.A'), 'Bearer t/x');
    assert.throws(() => expandEnv('${A}${B}', { A: '1' }, 'args[0]'), /args\[0\] uses \$\{B\}, which is not set/);
    assert.deepEqual(missingVariables('$HOME ${X} ${1BAD}', {}), ['X']);
  });
});

describe('missingCapability', () => {
  it('names what a request to the client needs that the client did not declare', () => {
    assert.equal(missingCapability('sampling/createMessage', {}, {}), 'sampling');
    assert.equal(missingCapability('sampling/createMessage', { tools: [] }, { sampling: {} }), 'sampling.tools');
    assert.equal(missingCapability('elicitation/create', {}, { elicitation: {} }), undefined);
    assert.equal(missingCapability('elicitation/create', { mode: 'url' }, { elicitation: { form: {} } }), 'elicitation.url');
    assert.equal(missingCapability('elicitation/create', {}, { elicitation: { url: {} } }), 'elicitation.form');
    assert.equal(missingCapability('roots/list', undefined, undefined), 'roots');
    assert.equal(missingCapability('roots/list', undefined, { roots: {} }), undefined);
  });
});

function caller(connection: unknown): Caller {
  return {
    identity: 'anonymous',
    connection,
    era: 'modern',
    capabilities: {},
    signal: new AbortController().signal,
    wantsProgress: false,
    progress: () => undefined,
    log: () => undefined,
    request: async () => ({}),
    inputResponses: undefined,
    state: undefined,
    mintState: async () => 'state',
  };
}

/** A call whose upstream answers when `answer` is called. */
function pendingCall(connection: unknown, timeoutMs = 5000) {
  let answer: (value: Record<string, unknown>) => void = () => undefined;
  const call = new UpstreamCall(() => new Promise((resolve) => (answer = resolve)), caller(connection), timeoutMs, 'upstream "u": tools/call');
  return { call, answer: (value: Record<string, unknown>) => answer(value) };
}

describe('UpstreamCall and InFlight', () => {
  it("hands the upstream's requests out as a round, and resolves them with the client's answers", async () => {
    const { call, answer } = pendingCall('c1');
    const asked = call.ask('sampling/createMessage', { maxTokens: 1 }, new AbortController().signal);
    const step = await call.next();
    assert.equal(step.kind, 'asks');
    const [ask] = step.kind === 'asks' ? step.asks : [];
    assert.equal(ask?.method, 'sampling/createMessage');
    call.answer({ [ask!.key]: { role: 'assistant' } });
    assert.deepEqual(await asked, { role: 'assistant' });
    answer({ content: [] });
    assert.deepEqual(await call.next(), { kind: 'done', result: { content: [] } });
  });

  it('a request the client leaves unanswered fails; a timeout fails the call and its requests', async () => {
    // the call's timers never hold the process open; this test does, until the timeout has fired
    const keepAlive = setTimeout(() => undefined, 2000);
    const { call } = pendingCall('c1', 50);
    const unanswered = call.ask('roots/list', undefined, new AbortController().signal);
    await call.next();
    call.answer({});
    await assert.rejects(unanswered, /no answer for roots\/list/);
    const step = await call.next();
    assert.equal(step.kind, 'failed');
    assert.ok(step.kind === 'failed' && step.error instanceof CallTimeout);
    assert.match(String((step as { error: Error }).error.message), /timed out after 0.05 s/);
    clearTimeout(keepAlive);
  });

  it("routes the upstream's progress to the round driving the call; progress made between rounds reaches the next round", () => {
    const seen: Array<[string, number, number | undefined]> = [];
    const listening = (name: string): Caller => ({ ...caller('c1'), wantsProgress: true, progress: (progress, total) => void seen.push([name, progress, total]) });
    const { call } = pendingCall('c1');
    const inFlight = new InFlight();
    inFlight.add(call, 'token-1');
    call.resume(listening('round 1'));
    inFlight.progress({ progressToken: 'token-1', progress: 1, total: 3 });
    call.detach(); // parked: the client is being asked something (multi-round trip)
    inFlight.progress({ progressToken: 'token-1', progress: 2, total: 3 });
    inFlight.progress({ progressToken: 'token-1', progress: 2.5, total: 3 });
    inFlight.progress({ progressToken: 'other', progress: 9 });
    assert.deepEqual(seen, [['round 1', 1, 3]]);
    call.resume(listening('round 2'));
    inFlight.progress({ progressToken: 'token-1', progress: 3, total: 3 });
    assert.deepEqual(seen, [
      ['round 1', 1, 3],
      ['round 2', 2.5, 3],
      ['round 2', 3, 3],
    ]);
    call.resume(caller('c1')); // a round that asked for no progress gets none
    inFlight.progress({ progressToken: 'token-1', progress: 4 });
    assert.equal(seen.length, 3);
    call.cancel(new Error('done'));
  });

  it('attributes a request to the call in flight, refuses it across clients, and says when there is none', () => {
    const inFlight = new InFlight();
    assert.equal(inFlight.attribute(), 'none');
    const first = pendingCall('c1');
    inFlight.add(first.call);
    const second = pendingCall('c1');
    inFlight.add(second.call);
    assert.equal(inFlight.attribute(), first.call, 'the oldest call of one client');
    const other = pendingCall('c2');
    inFlight.add(other.call);
    assert.equal(inFlight.attribute(), 'ambiguous');
    for (const { call } of [first, second, other]) call.cancel(new Error('done'));
  });
});

describe('PendingCalls', () => {
  it('a parked call is taken once', () => {
    const pending = new PendingCalls();
    const { call } = pendingCall('c1');
    const id = pending.park(call);
    assert.equal(pending.take(id), call);
    assert.equal(pending.take(id), undefined);
    call.cancel(new Error('done'));
  });
});

describe('FollowedUris', () => {
  it('counts followers per URI: a change only when a URI gets its first follower or loses its last; unfollowing twice counts once', () => {
    let changes = 0;
    const followed = new FollowedUris(() => void (changes += 1));
    const a = followed.follow(['x://1', 'x://1', 'x://2']);
    assert.equal(changes, 1);
    const b = followed.follow(['x://1']);
    assert.equal(changes, 1, 'x://1 had a follower already');
    a();
    a();
    assert.equal(changes, 2, 'x://2 lost its only follower');
    assert.deepEqual([...followed.uris()], ['x://1']);
    b();
    assert.equal(changes, 3);
    assert.deepEqual([...followed.uris()], []);
  });
});

describe('listenedUris', () => {
  it('reads the resource URIs of a subscriptions/listen request, nothing from anything else', () => {
    const listen = (notifications: unknown) => ({ jsonrpc: '2.0', id: 1, method: 'subscriptions/listen', params: { notifications } });
    assert.deepEqual(listenedUris(listen({ toolsListChanged: true, resourceSubscriptions: ['a://1', 7, 'b://2'] })), ['a://1', 'b://2']);
    assert.deepEqual(listenedUris(listen({ toolsListChanged: true })), []);
    assert.deepEqual(listenedUris({ jsonrpc: '2.0', method: 'subscriptions/listen', params: { notifications: { resourceSubscriptions: ['a://1'] } } }), [], 'a notification is no listen');
    assert.deepEqual(listenedUris({ jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri: 'a://1' } }), []);
    assert.deepEqual(listenedUris(null), []);
  });
});
