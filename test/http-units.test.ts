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
  it('replays what a stream wrote after an event id, keeping the newest events per stream', async () => {
    const store = new BoundedEventStore({ maxEventsPerStream: 3, maxStreams: 10 });
    const ids = [1, 2, 3, 4, 5].map((n) => store.store('s1', message(n)));
    assert.equal(ids[0], 's1::1');
    assert.equal(store.streamOf(ids[1]!), 's1');
    const replayed: string[] = [];
    assert.equal(await store.replayAfter(ids[1]!, async (id) => void replayed.push(id)), 's1');
    assert.deepEqual(replayed, ['s1::3', 's1::4', 's1::5']);
    await assert.rejects(store.replayAfter('nope::1', async () => undefined), /Unknown or expired/);
    await assert.rejects(store.replayAfter('garbage', async () => undefined), /Unknown or expired/);
  });

  it('keeps at most maxStreams streams, dropping the least recently written', () => {
    const store = new BoundedEventStore({ maxEventsPerStream: 10, maxStreams: 2 });
    store.store('a', message(1));
    store.store('b', message(1));
    store.store('a', message(2));
    store.store('c', message(1));
    assert.equal(store.streamCount, 2);
    assert.equal(store.streamOf('b::1'), undefined);
    assert.equal(store.streamOf('a::2'), 'a');
  });

  it('a session view replays only its own streams and forgets them on dispose', async () => {
    const store = new BoundedEventStore({ maxEventsPerStream: 10, maxStreams: 10 });
    const mine = store.view();
    const theirs = store.view();
    const id = await mine.storeEvent('s-mine', message(1));
    await mine.storeEvent('s-mine', message(2));
    assert.equal(await theirs.getStreamIdForEventId?.(id), undefined);
    assert.equal(await mine.getStreamIdForEventId?.(id), 's-mine');
    await assert.rejects(theirs.replayEventsAfter(id, { send: async () => undefined }), /Unknown or expired/);
    const sent: string[] = [];
    assert.equal(await mine.replayEventsAfter(id, { send: async (eventId) => void sent.push(eventId) }), 's-mine');
    assert.deepEqual(sent, ['s-mine::2']);
    mine.dispose();
    assert.equal(store.streamCount, 0);
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
  const registry = (max: number, idleTimeoutMs: number, counts: number[] = []) =>
    new SessionRegistry<RecordingSession>({ max, idleTimeoutMs, onCountChange: (count) => counts.push(count) });

  it('reaps sessions idle past the timeout, never one a request is running in', async () => {
    const sessions = registry(10, 1000);
    const idle = new RecordingSession('idle');
    const busy = new RecordingSession('busy');
    sessions.add('idle', idle);
    sessions.add('busy', busy);
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
    assert.equal(await sessions.hasRoom(), true);
    sessions.add('a', new RecordingSession('a'));
    const end = sessions.begin('a');
    assert.equal(await sessions.hasRoom(), false, 'the only session is busy');
    end();
    assert.equal(await sessions.hasRoom(), true, 'an idle session made room');
    assert.deepEqual(counts, [1, 0]);
    await sessions.closeAll();
  });

  it('closes the sessions that match (a revoked key) and, at the end, all', async () => {
    const sessions = registry(10, 60_000);
    const a = new RecordingSession('key-1');
    const b = new RecordingSession('key-2');
    sessions.add('a', a);
    sessions.add('b', b);
    assert.equal(await sessions.closeWhere((session) => session.label === 'key-1'), 1);
    assert.deepEqual([a.closed, b.closed], [1, 0]);
    sessions.remove('b');
    assert.equal(b.closed, 0, 'remove forgets without closing');
    sessions.add('b', b);
    await sessions.closeAll();
    assert.deepEqual([a.closed, b.closed, sessions.size], [1, 1, 0]);
  });
});
