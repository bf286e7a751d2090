import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema, isTrustedProxyEntry } from '../src/config/schema.js';
import { createClientAddressOf } from '../src/transports/http/client-address.js';
import { sessionIdMinter } from '../src/transports/http/session-id.js';

describe('transport.trustProxy: the client address behind proxies', () => {
  it('0 ignores X-Forwarded-For entirely (anyone can write it)', () => {
    const clientOf = createClientAddressOf(0);
    assert.equal(clientOf('203.0.113.5', '198.51.100.1'), '203.0.113.5');
    assert.equal(clientOf('::ffff:127.0.0.1', undefined), '127.0.0.1');
  });

  it('a hop count takes the entry that many proxies back, so entries a client forged are never reached', () => {
    const one = createClientAddressOf(1);
    assert.equal(one('127.0.0.1', '203.0.113.5'), '203.0.113.5');
    assert.equal(one('127.0.0.1', '6.6.6.6, 203.0.113.5'), '203.0.113.5', 'nginx appended the real address after the forged one');
    assert.equal(one('127.0.0.1', undefined), '127.0.0.1', 'no header: the socket');
    const two = createClientAddressOf(2);
    assert.equal(two('10.0.0.2', '6.6.6.6, 203.0.113.5, 10.0.0.1'), '203.0.113.5');
    assert.equal(two('10.0.0.2', '203.0.113.5'), '203.0.113.5', 'a shorter chain stops at its first entry');
  });

  it('an address list skips trusted proxies from the socket back and stops at the first other address', () => {
    const clientOf = createClientAddressOf(['127.0.0.1', '10.0.0.0/8', '::1']);
    assert.equal(clientOf('127.0.0.1', '6.6.6.6, 203.0.113.5, 10.1.2.3'), '203.0.113.5');
    assert.equal(clientOf('::1', '[2001:db8::7]'), '2001:db8::7');
    assert.equal(clientOf('203.0.113.9', '198.51.100.1'), '203.0.113.9', 'an untrusted peer is the client, whatever it claims');
    assert.equal(clientOf('127.0.0.1', '10.0.0.5'), '10.0.0.5', 'every hop trusted: the first entry');
    assert.equal(clientOf('127.0.0.1', 'garbage, 10.0.0.5'), 'garbage', 'an unparsable entry is not trusted, so it is where the walk stops');
  });

  it('accepts addresses and CIDR ranges in the config, and nothing else', () => {
    for (const good of ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', '0.0.0.0/0']) assert.ok(isTrustedProxyEntry(good), good);
    for (const bad of ['localhost', '10.0.0.0/33', '::1/129', '1.2.3.4/8/1', '10.0.0.0/x', '']) assert.ok(!isTrustedProxyEntry(bad), bad);
    assert.equal(configSchema.safeParse({ transport: { trustProxy: ['10.0.0.0/8'] } }).success, true);
    assert.equal(configSchema.safeParse({ transport: { trustProxy: 2 } }).success, true);
    assert.equal(configSchema.safeParse({ transport: { trustProxy: ['nginx'] } }).success, false);
    assert.equal(configSchema.safeParse({ transport: { trustProxy: -1 } }).success, false);
  });
});

describe('session ids', () => {
  it('carry transport.replicaId as a prefix when one is set, and are unique', () => {
    const plain = sessionIdMinter(undefined);
    const replica = sessionIdMinter('eu-1');
    assert.match(plain(), /^[0-9a-f-]{36}$/);
    const ids = new Set(Array.from({ length: 100 }, () => replica()));
    assert.equal(ids.size, 100);
    for (const id of ids) assert.match(id, /^eu-1\.[0-9a-f-]{36}$/);
  });

  it('replicaId is restricted to characters that are safe in a header, a query and an nginx map', () => {
    assert.equal(configSchema.safeParse({ transport: { replicaId: 'a_b-1' } }).success, true);
    for (const bad of ['a.b', 'a b', '', 'x'.repeat(33), 'ä']) assert.equal(configSchema.safeParse({ transport: { replicaId: bad } }).success, false, bad);
  });
});
