import type { Client } from '@modelcontextprotocol/client';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectClient, freePort, startHttpServer, TEST_MODULES, type HttpClientKind, type HttpServer } from './helpers/http-server.js';
import { fetchMetrics, sampleValue } from './helpers/metrics.js';
import { findNginx, selfSignedCert, startNginx, type Nginx, type TlsFiles } from './helpers/nginx.js';
import { repoRoot, tempDir, textOf } from './helpers/stdio-server.js';
import { trustingFetch } from './helpers/trusting-fetch.js';
import { within } from './helpers/wait.js';
import { moduleFixture } from './helpers/module-sources.js';

const nginxBinary = findNginx();
const RATE_LIMIT = 150;
/** Every test and hook is bounded: a proxy that buffers a stream makes clients wait forever. */
const BOUNDED = { timeout: 45_000 };
const HOOK = { timeout: 90_000 };

const REPLICA_MODULES: Record<string, string> = {
  ...TEST_MODULES,
  'replica.mjs': `export default { name: 'which_replica', description: 'The serving process id', run: () => String(process.pid) };\n`,
  'gate.mjs': moduleFixture('gate.mjs'),
};

const replicaConfig = (id: string, trustProxy: string) =>
  [
    'server:',
    '  requestStateSecret: "one-secret-shared-by-every-replica"',
    'transport:',
    `  replicaId: ${id}`,
    '  legacySse: true',
    `  trustProxy: ${trustProxy}`,
    '  rateLimit:',
    `    max: ${RATE_LIMIT}`,
    '',
  ].join('\n');

/**
 * The shipped nginx/mcp-server.conf, with only what differs on a test machine replaced: the replica
 * ports, the listen addresses, the certificate and the log path. Each replacement must match.
 */
async function siteConfig(replicas: { a: number; b: number }, ports: { https: number; http: number }, tls: TlsFiles, logDir: string): Promise<string> {
  let text = await readFile(path.join(repoRoot, 'nginx', 'mcp-server.conf'), 'utf8');
  const replace = (from: string, to: string) => {
    assert.ok(text.includes(from), `nginx/mcp-server.conf no longer contains ${JSON.stringify(from)}`);
    text = text.split(from).join(to);
  };
  replace('127.0.0.1:8001', `127.0.0.1:${replicas.a}`);
  replace('127.0.0.1:8002', `127.0.0.1:${replicas.b}`);
  replace('listen 443 ssl;', `listen 127.0.0.1:${ports.https} ssl;`);
  replace('listen [::]:443 ssl;', '');
  replace('listen 80;', `listen 127.0.0.1:${ports.http};`);
  replace('listen [::]:80;', '');
  replace('/etc/ssl/mcp-server/fullchain.pem', tls.certFile);
  replace('/etc/ssl/mcp-server/privkey.pem', tls.keyFile);
  replace('/var/log/nginx/mcp-server.access.log', path.join(logDir, 'mcp-access.log'));
  return text;
}

describe('nginx in front of two replicas (nginx/mcp-server.conf)', { skip: nginxBinary ? false : 'nginx is not installed (apt-get install -y nginx; .ci/run installs it)' }, () => {
  let a: HttpServer;
  let b: HttpServer;
  let nginx: Nginx | undefined;
  let tls: TlsFiles;
  let origin: string;
  let gates: { dir: string; cleanup: () => Promise<void> };
  const fetches: Array<ReturnType<typeof trustingFetch>> = [];
  const clients: Client[] = [];
  const fetchFrom = (localAddress = '127.0.0.1') => {
    const f = trustingFetch(tls.cert, { localAddress });
    fetches.push(f);
    return f;
  };
  const replicaOfPid = (pid: string) => (Number(pid) === a.pid ? 'a' : Number(pid) === b.pid ? 'b' : `unknown pid ${pid}`);
  const connect = async (kind: HttpClientKind) => {
    const client = await connectClient({ origin }, kind, { fetch: fetchFrom() });
    clients.push(client);
    return client;
  };
  const whichReplica = async (client: Client) => replicaOfPid(textOf(await client.callTool({ name: 'which_replica', arguments: {} })));

  before(async () => {
    tls = await selfSignedCert();
    gates = await tempDir('mcp-gates-');
    [a, b] = await Promise.all([
      startHttpServer({ transport: 'http-stream', modules: REPLICA_MODULES, config: replicaConfig('a', '1') }),
      startHttpServer({ transport: 'http-stream', modules: REPLICA_MODULES, config: replicaConfig('b', '["127.0.0.1"]') }),
    ]);
    const ports = { https: await freePort(), http: await freePort() };
    nginx = await startNginx(nginxBinary!, await siteConfig({ a: a.port, b: b.port }, ports, tls, tls.dir), [ports.https, ports.http]);
    origin = `https://127.0.0.1:${ports.https}`;
  }, HOOK);

  after(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    for (const f of fetches) f.close();
    await nginx?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    await gates?.cleanup();
    await tls?.cleanup();
  }, HOOK);

  it('keeps each 2025 session on the replica that minted it, and spreads new sessions over both', BOUNDED, async () => {
    const minted: string[] = [];
    for (let i = 0; i < 4; i++) {
      const client = await connect('legacy');
      const sessionId = (client.transport as { sessionId?: string }).sessionId ?? '';
      const replica = sessionId.split('.')[0]!;
      assert.match(sessionId, /^[ab]\.[0-9a-f-]{36}$/);
      minted.push(replica);
      for (let call = 0; call < 3; call++) assert.equal(await whichReplica(client), replica, `session ${sessionId}, call ${call}`);
    }
    assert.deepEqual([...new Set(minted)].sort(), ['a', 'b'], `sessions were opened on ${minted.join(', ')}`);
  });

  it('spreads stateless 2026-07-28 requests over both replicas', BOUNDED, async () => {
    const client = await connect('modern');
    const seen = new Set<string>();
    for (let call = 0; call < 6; call++) seen.add(await whichReplica(client));
    assert.deepEqual([...seen].sort(), ['a', 'b']);
  });

  it('keeps each legacy SSE connection on its replica (POST /messages?sessionId= follows the stream)', BOUNDED, async () => {
    const served: string[] = [];
    for (let i = 0; i < 2; i++) {
      const client = await connect('sse');
      const replica = await whichReplica(client);
      for (let call = 0; call < 4; call++) assert.equal(await whichReplica(client), replica);
      served.push(replica);
    }
    assert.deepEqual([...new Set(served)].sort(), ['a', 'b'], `SSE streams opened on ${served.join(', ')}`);
    const log = await readFile(path.join(tls.dir, 'mcp-access.log'), 'utf8');
    const posts = [...log.matchAll(/"POST \/messages\?sessionId=([ab])\.[^ ]+ [^"]+" \d+ .* upstream=127\.0\.0\.1:(\d+)/g)];
    assert.ok(posts.length >= 10, `POST /messages lines in the access log: ${posts.length}`);
    for (const [, replica, port] of posts) assert.equal(Number(port), replica === 'a' ? a.port : b.port);
  });

  for (const kind of ['legacy', 'modern', 'sse'] as const) {
    it(`delivers a ${kind} client's progress notification while the tool call is still running`, BOUNDED, async () => {
      const client = await connect(kind);
      const gate = path.join(gates.dir, `${kind}.open`);
      let settled = false;
      let progressed: () => void = () => undefined;
      const firstProgress = new Promise<void>((resolve) => (progressed = resolve));
      const call = client.callTool({ name: 'gated', arguments: { gate } }, { onprogress: () => progressed() }).finally(() => (settled = true));
      const first = await within(Promise.race([firstProgress.then(() => 'progress'), call.then(() => 'result')]), 20_000, 'the first progress notification');
      assert.equal(first, 'progress');
      assert.equal(settled, false, 'the call cannot end before the gate opens');
      await writeFile(gate, '');
      assert.equal(textOf(await call), 'released');
    });
  }

  it('rate limits each client by the address nginx forwards (transport.trustProxy), not by the proxy', BOUNDED, async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const post = (f: typeof fetch, replica: string, headers: Record<string, string> = {}) =>
      f(`${origin}/mcp`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': `${replica}.no-such-session`, ...headers },
        body,
      }).then(async (response) => {
        await response.text();
        return response.status;
      });
    const busy = fetchFrom('127.0.0.3');
    const quiet = fetchFrom('127.0.0.4');
    for (const replica of ['a', 'b']) {
      const statuses: number[] = [];
      for (let i = 0; i < RATE_LIMIT + 1; i++) statuses.push(await post(busy, replica));
      assert.deepEqual([...new Set(statuses.slice(0, -1))], [404], `replica ${replica}: the session is unknown, within the limit`);
      assert.equal(statuses.at(-1), 429, `replica ${replica}: one request over the limit`);
      assert.equal(await post(busy, replica, { 'X-Forwarded-For': '198.51.100.9' }), 429, 'a forged X-Forwarded-For does not escape the limit');
      assert.equal(await post(quiet, replica), 404, 'another client behind the same proxy has its own window');
    }
    const metrics = await fetchMetrics(`${a.origin}/metrics`);
    assert.ok((sampleValue(metrics, 'mcp_rejected_requests_total', { reason: 'rate_limit' }) ?? 0) >= 2);
  });

  it('restricts /metrics and /admin/ to this host, answers probes, and refuses bodies over the limit', BOUNDED, async () => {
    const drained = async (response: Response) => {
      await response.text();
      return response;
    };
    const local = fetchFrom('127.0.0.1');
    const remote = fetchFrom('127.0.0.7');
    assert.equal((await local(`${origin}/health`)).status, 200);
    const metrics = await local(`${origin}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^mcp_requests_total\{/m);
    assert.equal((await remote(`${origin}/metrics`).then(drained)).status, 403);
    assert.equal((await remote(`${origin}/admin/reload`, { method: 'POST' }).then(drained)).status, 403);
    const tooLarge = await local(`${origin}/mcp`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: 'x'.repeat(4 * 1024 * 1024 + 1) });
    await tooLarge.text();
    assert.equal(tooLarge.status, 413);
  });
});
