import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOG_LEVEL_META_KEY, type Client, type LoggingLevel } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { repoRoot } from './helpers/stdio-server.js';
import { waitFor } from './helpers/wait.js';
import { textOf, upstreamYaml } from './helpers/upstreams.js';

/** A 2025 server that sends only warnings and worse until it is given a level (test/fixtures/upstreams/quiet-logger.mjs). */
const QUIET = { command: process.execPath, args: [path.join(repoRoot, 'test', 'fixtures', 'upstreams', 'quiet-logger.mjs')] };

/** Calls the upstream's tool that logs once at each level from debug to error, at `level`; resolves with the levels that reached the client. */
async function levelsHeard(client: Client, era: 'legacy' | 'modern', level: LoggingLevel): Promise<string[]> {
  const heard: string[] = [];
  client.setNotificationHandler('notifications/message', (notification) => void heard.push(notification.params.level));
  if (era === 'legacy') await client.setLoggingLevel(level);
  const result = await client.callTool({ name: 'quiet_log_levels', arguments: {}, ...(era === 'modern' ? { _meta: { [LOG_LEVEL_META_KEY]: level } } : {}) });
  // the host asked the upstream for everything: each client's own level filters here
  assert.equal(textOf(result), 'logged from debug');
  await waitFor(
    () => heard.includes('error'),
    () => `the last message (heard ${heard.join(', ')})`,
    { attempts: 20, intervalMs: 50 },
  );
  return heard;
}

describe("an upstream's log messages, at each client's level", () => {
  let server: HttpServer;
  before(async () => {
    server = await startHttpServer({ transport: 'http-stream', config: `upstreams:\n${upstreamYaml('quiet', QUIET)}` });
  });
  after(async () => {
    await server?.stop();
  });

  for (const era of ['legacy', 'modern'] as const) {
    it(`${era} client: debug gets the upstream's debug messages; warning gets only warnings and worse`, async () => {
      const verbose = await connectClient(server, era);
      const terse = await connectClient(server, era);
      try {
        assert.deepEqual(await levelsHeard(verbose, era, 'debug'), ['debug', 'info', 'notice', 'warning', 'error']);
        assert.deepEqual(await levelsHeard(terse, era, 'warning'), ['warning', 'error']);
      } finally {
        await verbose.close();
        await terse.close();
      }
    });
  }
});
