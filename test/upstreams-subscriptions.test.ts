import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpClientKind } from './helpers/http-server.js';
import { countChanges, sleep, waitFor } from './helpers/reload.js';
import { ERAS, startStdioServer, tempDir } from './helpers/stdio-server.js';
import { EVERYTHING, upstreamInfo, upstreamYaml } from './helpers/upstreams.js';

/** A resource of server-everything (from its template): it accepts subscriptions and, once toggled on, sends updates for the subscribed ones. */
const URI = 'demo://resource/dynamic/text/1';
const TOGGLE_UPDATES = { name: 'everything_toggle-subscriber-updates', arguments: {} };
const UPSTREAM = upstreamYaml('everything', { ...EVERYTHING, timeoutSeconds: 30, restart: { initialDelaySeconds: 0.2 } });

/**
 * How often server-everything acknowledged a subscribe or unsubscribe of `uri`: it logs each as a
 * message to its client (the host), which the host logs at debug level.
 */
function upstreamSaw(stderr: string, what: 'subscribe' | 'unsubscribe', uri = URI): number {
  const said = what === 'subscribe' ? `Received Subscribe Resource request for URI: ${uri} ` : `Received Unsubscribe Resource request: ${uri} `;
  return stderr.split('\n').filter((line) => line.includes(`"data":${JSON.stringify(said)}`)).length;
}

describe('resource subscriptions pass through to an upstream (server-everything)', () => {
  it('http-stream: the first follower subscribes upstream, updates reach exactly the followers, the last one leaving unsubscribes, a restart subscribes again', async () => {
    const server = await startHttpServer({ transport: 'http-stream', config: `transport:\n  legacySse: true\nupstreams:\n${UPSTREAM}`, logLevel: 'debug' });
    const clients: Client[] = [];
    const connect = async (kind: HttpClientKind) => {
      const client = await connectClient(server, kind);
      clients.push(client);
      return { client, changes: countChanges(client) };
    };
    const saw = (what: 'subscribe' | 'unsubscribe') => upstreamSaw(server.stderr(), what);
    try {
      const session = await connect('legacy');
      const sse = await connect('sse');
      const modern = await connect('modern');
      const bystander = await connect('legacy');
      await session.client.subscribeResource({ uri: URI });
      await waitFor(() => saw('subscribe') === 1, 'the subscription at the upstream');
      await sse.client.subscribeResource({ uri: URI });
      const listen = await modern.client.listen({ resourceSubscriptions: [URI] });
      // a URI no upstream serves is not subscribed anywhere
      await bystander.client.subscribeResource({ uri: 'demo://not-served/1' });

      await session.client.callTool(TOGGLE_UPDATES);
      const followers = [session, sse, modern];
      await waitFor(
        () => followers.every((follower) => follower.changes.updated.includes(URI)),
        () => `every follower's update (${JSON.stringify(followers.map((f) => f.changes.updated))})`,
      );
      await sleep(300);
      assert.deepEqual(bystander.changes.updated, [], 'a client that did not subscribe to it hears nothing');
      assert.equal(saw('subscribe'), 1, 'one subscription at the upstream for all followers');
      assert.equal(upstreamSaw(server.stderr(), 'subscribe', 'demo://not-served/1'), 0);

      await session.client.unsubscribeResource({ uri: URI });
      await sse.client.close(); // its connection closes: its subscription ends with it
      await sleep(300);
      assert.equal(saw('unsubscribe'), 0, 'the 2026 listen stream still follows it');
      await listen.close();
      await waitFor(() => saw('unsubscribe') === 1, 'the unsubscription at the upstream once the last follower left');

      await session.client.subscribeResource({ uri: URI });
      await modern.client.listen({ resourceSubscriptions: [URI] });
      await waitFor(() => saw('subscribe') === 2, 'a new subscription at the upstream');
      const [before] = await upstreamInfo(server.origin);
      const listChanges = session.changes.tools;
      process.kill(before!.pid!, 'SIGKILL');
      await waitFor(async () => (await upstreamInfo(server.origin))[0]?.pid !== before!.pid && saw('subscribe') === 3, 'the subscription again at the restarted upstream', { attempts: 150 });
      // the 2025 client also hears "updated" when the upstream goes and when it is back (with its tools): only later ones come from the upstream
      await waitFor(() => session.changes.tools >= listChanges + 2, 'the tools leaving and coming back');
      const heard = [session, modern].map((follower) => follower.changes.updated.length);
      await session.client.callTool(TOGGLE_UPDATES);
      await waitFor(() => [session, modern].every((follower, i) => follower.changes.updated.length > heard[i]!), 'updates from the restarted upstream, for both followers');
    } finally {
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
      await server.stop();
    }
  });

  for (const era of ERAS) {
    it(`stdio, ${era} client: ${era === 'legacy' ? 'resources/subscribe' : 'subscriptions/listen'} subscribes upstream, its updates arrive, leaving unsubscribes`, async () => {
      const tmp = await tempDir();
      await writeFile(path.join(tmp.dir, 'config.yaml'), `upstreams:\n${UPSTREAM}`);
      const server = await startStdioServer({ era, logLevel: 'debug', args: ['--config', path.join(tmp.dir, 'config.yaml'), '--data-dir', path.join(tmp.dir, 'data')] });
      const saw = (what: 'subscribe' | 'unsubscribe') => upstreamSaw(server.stderr(), what);
      try {
        const { client } = server;
        const changes = countChanges(client);
        let leave: () => Promise<unknown>;
        if (era === 'legacy') {
          await client.subscribeResource({ uri: URI });
          leave = () => client.unsubscribeResource({ uri: URI });
        } else {
          const listen = await client.listen({ resourceSubscriptions: [URI] });
          leave = () => listen.close();
        }
        await waitFor(() => saw('subscribe') === 1, 'the subscription at the upstream');
        await client.callTool(TOGGLE_UPDATES);
        await waitFor(() => changes.updated.includes(URI), 'the upstream update');
        await leave();
        await waitFor(() => saw('unsubscribe') === 1, 'the unsubscription at the upstream');
      } finally {
        await server.close();
        await tmp.cleanup();
      }
    });
  }
});
