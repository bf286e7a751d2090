import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { bearerToken } from '../src/transports/http/api-keys.js';
import { BoundedEventStore } from '../src/transports/http/event-store.js';
import { createHostPolicy, hostnameOf, isLoopbackAddress } from '../src/transports/http/host-policy.js';
import { FixedWindowRateLimiter } from '../src/transports/http/rate-limiter.js';
import { SessionRegistry } from '../src/transports/http/session-registry.js';

/** The HTTP transports' pure parts, in-process (the end-to-end tests drive them through the binary). */
const policy = (config: Partial<Parameters<typeof createHostPolicy>[0]>) => createHostPolicy({ host: '127.0.0.1', allowedHosts: [], allowedOrigins: [], corsOrigins: [], ...config });

describe('host and origin policy', () => {
  it('names: loopback addresses, host names without ports', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) assert.ok(isLoopbackAddress(host), host);
    for (const host of ['0.0.0.0', '10.0.0.1', 'example.com', '128.0.0.1']) assert.ok(!isLoopbackAddress(host), host);
    assert.equal(hostnameOf('Example.COM:8080'), 'example.com');
    assert.equal(hostnameOf('[::1]:80'), '[::1]');
  });

  it('bound to loopback with no lists: only loopback names, any port, in Host and Origin', () => {
    const p = policy({});
    for (const host of ['localhost:8000', '127.0.0.1', '[::1]:9']) assert.ok(p.hostAllowed(host), host);
    for (const host of ['evil.example:8000', undefined]) assert.ok(!p.hostAllowed(host), String(host));
    assert.ok(p.originAllowed(undefined), 'a request without Origin is not a browser request');
    assert.ok(p.originAllowed('http://localhost:3000'));
    assert.ok(p.originAllowed('https://127.0.0.1'));
    assert.ok(!p.originAllowed('http://evil.example'));
    assert.ok(!p.originAllowed('file://localhost'), 'only http(s) origins');
    assert.ok(!p.originAllowed('null'));
  });

  it('configured lists decide; an empty allowedHosts off loopback accepts any Host', () => {
    const listed = policy({ host: '0.0.0.0', allowedHosts: ['mcp.example.com'], allowedOrigins: ['https://app.example.com/'] });
    assert.ok(listed.hostAllowed('MCP.example.com:443'));
    assert.ok(!listed.hostAllowed('localhost'));
    assert.ok(listed.originAllowed('https://APP.example.com'), 'case and a trailing slash do not matter');
    assert.ok(!listed.originAllowed('http://localhost:3000'), 'listing origins ends the loopback allowance');
    const open = policy({ host: '0.0.0.0' });
    assert.ok(open.hostAllowed('anything.example'));
    assert.ok(!open.originAllowed('https://app.example.com'), 'off loopback, origins must be listed');
    assert.ok(policy({ host: '0.0.0.0', corsOrigins: ['*'] }).originAllowed('https://any.example'));
  });
});

describe('rate limiter', () => {
  it('counts per client in fixed windows and says when to retry', () => {
    const limiter = new FixedWindowRateLimiter({ windowSeconds: 10, max: 2 });
    assert.deepEqual(limiter.hit('a', 0), { allowed: true });
    assert.deepEqual(limiter.hit('a', 1000), { allowed: true });
    assert.deepEqual(limiter.hit('a', 2500), { allowed: false, retryAfterSeconds: 8 });
    assert.deepEqual(limiter.hit('b', 2500), { allowed: true }, 'another client has its own window');
    assert.deepEqual(limiter.hit('a', 9999), { allowed: false, retryAfterSeconds: 1 });
    assert.deepEqual(limiter.hit('a', 10_000), { allowed: true }, 'a new window starts');
  });

  it('tracks a bounded number of clients, forgetting the oldest', () => {
    const limiter = new FixedWindowRateLimiter({ windowSeconds: 60, max: 1, maxClients: 2 });
    limiter.hit('a', 0);
    limiter.hit('b', 1);
    limiter.hit('c', 2); // room is made by forgetting a
    assert.deepEqual(limiter.hit('a', 3), { allowed: true }, 'a was forgotten, so it starts afresh');
    assert.equal(limiter.hit('c', 4).allowed, false, 'c is still tracked');
  });
});

describe('bearer tokens', () => {
  it('reads "Bearer <token>" in any case, nothing else', () => {
    assert.equal(bearerToken('Bearer abc.def'), 'abc.def');
    assert.equal(bearerToken('bearer \tabc '), 'abc');
    for (const header of [undefined, '', 'Basic abc', 'Bearer', 'Bearer a b']) assert.equal(bearerToken(header), undefined, String(header));
  });
});

const message = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: id } });

describe('event store (Last-Event-ID replay)', () => {
  const limits = { maxEventsPerStream: 10, maxStreams: 10, maxBytesPerSession: 1000, maxBytesTotal: 1200 };
  const note = (text: string): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: text } });
  const replayed = async (view: ReturnType<BoundedEventStore['view']>, id: string) => {
    const ids: string[] = [];
    await view.replayEventsAfter(id, { send: async (eventId) => void ids.push(eventId) });
    return ids;
  };

  it('replays what a stream wrote after an event id, keeping the newest events per stream, and refuses a replay over dropped ones', async () => {
    const view = new BoundedEventStore({ ...limits, maxEventsPerStream: 3 }).view();
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) ids.push(await view.storeEvent('s1', message(n)));
    assert.equal(ids[0], 's1::1');
    assert.equal(await view.getStreamIdForEventId!(ids[1]!), 's1');
    assert.deepEqual(await replayed(view, ids[1]!), ['s1::3', 's1::4', 's1::5']);
    await assert.rejects(replayed(view, ids[0]!), /Unknown or expired/, 'event 2 was dropped: no replay with a gap');
    await assert.rejects(replayed(view, 'nope::1'), /Unknown or expired/);
    await assert.rejects(replayed(view, 'garbage'), /Unknown or expired/);
  });

  it('keeps at most maxStreams streams, dropping the least recently written', async () => {
    const store = new BoundedEventStore({ ...limits, maxStreams: 2 });
    const view = store.view();
    await view.storeEvent('a', message(1));
    await view.storeEvent('b', message(1));
    await view.storeEvent('a', message(2));
    await view.storeEvent('c', message(1));
    assert.equal(store.streamCount, 2);
    assert.equal(await view.getStreamIdForEventId!('b::1'), undefined);
    assert.equal(await view.getStreamIdForEventId!('a::2'), 'a');
  });

  it('a session view replays only its own streams, even under the same stream id, and forgets them on dispose', async () => {
    const store = new BoundedEventStore(limits);
    const mine = store.view();
    const theirs = store.view();
    const id = await mine.storeEvent('_GET_stream', message(1));
    await mine.storeEvent('_GET_stream', message(2));
    await theirs.storeEvent('_GET_stream', message(3));
    assert.equal(await mine.getStreamIdForEventId!(id), '_GET_stream');
    assert.deepEqual(await replayed(mine, id), ['_GET_stream::2']);
    assert.deepEqual(await replayed(theirs, '_GET_stream::0'), ['_GET_stream::1'], 'their own event only');
    theirs.dispose();
    assert.deepEqual(await replayed(mine, id), ['_GET_stream::2'], 'disposing one session leaves the other');
    mine.dispose();
    assert.equal(store.streamCount, 0);
  });

  it('drops the oldest events past the per-session and total byte caps', async () => {
    const store = new BoundedEventStore(limits);
    const a = store.view();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await a.storeEvent('s', note(`${i}`.repeat(300))));
    assert.ok(store.size <= 1000, `session cap: ${store.size}`);
    await assert.rejects(replayed(a, ids[0]!), /expired/);
    assert.equal((await replayed(a, ids[2]!)).length, 2);
    const b = store.view();
    for (let i = 0; i < 2; i++) await b.storeEvent('s', note('b'.repeat(300)));
    assert.ok(store.size <= 1200, `total cap: ${store.size}`);
    await assert.rejects(replayed(a, ids[2]!), /expired/, "the oldest event of all went for the other session's");
    a.dispose();
    b.dispose();
    assert.equal(store.size, 0);
  });
});

class RecordingSession {
  closed = 0;
  constructor(readonly label: string) {}
  async close() {
    this.closed += 1;
  }
}

describe('session registry', () => {
  const registry = (max: number, idleTimeoutMs: number, counts: number[] = [], maxPerCaller = max) =>
    new SessionRegistry<RecordingSession>({ max, maxPerCaller, idleTimeoutMs, onCountChange: (count) => counts.push(count) });

  it('reaps sessions idle past the timeout, never one a request is running in', async () => {
    const sessions = registry(10, 1000);
    const idle = new RecordingSession('idle');
    const busy = new RecordingSession('busy');
    sessions.add('idle', idle, 'caller');
    sessions.add('busy', busy, 'caller');
    const end = sessions.begin('busy');
    await sessions.reapIdle(Date.now() + 5000);
    assert.equal(idle.closed, 1);
    assert.equal(busy.closed, 0);
    assert.deepEqual(sessions.values(), [busy]);
    end();
    end(); // ending twice counts once
    await sessions.reapIdle(Date.now() + 5000);
    assert.equal(busy.closed, 1);
    assert.equal(sessions.size, 0);
    await sessions.closeAll();
  });

  it('has room up to max, reaping idle sessions first when full', async () => {
    const counts: number[] = [];
    const sessions = registry(1, 0, counts);
    assert.equal((await sessions.room('caller')) === 'ok', true);
    sessions.add('a', new RecordingSession('a'), 'caller');
    const end = sessions.begin('a');
    assert.equal((await sessions.room('caller')) === 'ok', false, 'the only session is busy');
    end();
    assert.equal((await sessions.room('caller')) === 'ok', true, 'an idle session made room');
    assert.deepEqual(counts, [1, 0]);
    await sessions.closeAll();
  });

  it('has room per caller up to maxPerCaller, whatever the others hold', async () => {
    const sessions = registry(3, 60_000, [], 2);
    sessions.add('a1', new RecordingSession('a'), 'a');
    sessions.add('a2', new RecordingSession('a'), 'a');
    sessions.begin('a1');
    sessions.begin('a2');
    assert.equal(await sessions.room('a'), 'caller-full');
    assert.equal(await sessions.room('b'), 'ok');
    sessions.add('b1', new RecordingSession('b'), 'b');
    assert.equal(await sessions.room('b'), 'full', 'the global cap still holds');
    sessions.remove('a2');
    assert.equal(sessions.heldBy('a'), 1);
    assert.equal(await sessions.room('a'), 'ok');
    await sessions.closeAll();
  });

  it('closes the sessions that match (a revoked key) and, at the end, all', async () => {
    const sessions = registry(10, 60_000);
    const a = new RecordingSession('key-1');
    const b = new RecordingSession('key-2');
    sessions.add('a', a, 'caller');
    sessions.add('b', b, 'caller');
    assert.equal(await sessions.closeWhere((session) => session.label === 'key-1'), 1);
    assert.deepEqual([a.closed, b.closed], [1, 0]);
    sessions.remove('b');
    assert.equal(b.closed, 0, 'remove forgets without closing');
    sessions.add('b', b, 'caller');
    await sessions.closeAll();
    assert.deepEqual([a.closed, b.closed, sessions.size], [1, 1, 0]);
  });
});
