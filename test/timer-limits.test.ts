import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { callInFlight, connectClient, startHttpServer, TEST_MODULES } from './helpers/http-server.js';
import { runBinary, startStdioServerWithModules, tempDir, textOf } from './helpers/stdio-server.js';
import { within } from './helpers/wait.js';

/** Node timers cannot wait longer than 2^31-1 ms (about 24.8 days); a longer delay fires after 1 ms. */
const THIRTY_DAYS = 30 * 86_400;
const LONGEST = 2_147_483;

describe('durations longer than a timer can hold', () => {
  it('are refused in the config with a clear message, for every duration key', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const config = path.join(dir, 'config.yaml');
      await writeFile(
        config,
        [
          'transport:',
          `  shutdownTimeoutSeconds: ${THIRTY_DAYS}`,
          '  sessions:',
          `    idleTimeoutSeconds: ${THIRTY_DAYS}`,
          'storage:',
          `  sweepIntervalSeconds: ${THIRTY_DAYS}`,
          'tools:',
          `  timeoutSeconds: ${THIRTY_DAYS}`,
          '',
        ].join('\n'),
      );
      const { code, stderr } = await runBinary(['--validate-config', '--config', config], { cwd: dir });
      assert.equal(code, 1, stderr);
      for (const key of ['transport.shutdownTimeoutSeconds', 'transport.sessions.idleTimeoutSeconds', 'storage.sweepIntervalSeconds', 'tools.timeoutSeconds']) {
        assert.match(stderr, new RegExp(`${key.replace(/\./g, '\\.')}: must be at most ${LONGEST} seconds \\(about 24\\.8 days`), stderr);
      }
      const env = await runBinary(['--validate-config'], { cwd: dir, env: { MCP_TOOL_TIMEOUT_SECONDS: String(THIRTY_DAYS) } });
      assert.equal(env.code, 1);
      assert.match(env.stderr, /env MCP_TOOL_TIMEOUT_SECONDS: tools\.timeoutSeconds: must be at most 2147483 seconds/);
    } finally {
      await cleanup();
    }
  });

  it('do not time a tool out at once when the tool itself asks for 30 days', async () => {
    const server = await startStdioServerWithModules({
      era: 'legacy',
      modules: {
        'patient.mjs': `export default { name: 'patient', description: 'Takes its time', timeoutSeconds: ${THIRTY_DAYS},
          run: () => new Promise((resolve) => setTimeout(() => resolve('done in time'), 50)) };\n`,
      },
    });
    try {
      assert.equal(textOf(await server.client.callTool({ name: 'patient', arguments: {} })), 'done in time');
      assert.doesNotMatch(server.stderr(), /TimeoutOverflowWarning/);
    } finally {
      await server.close();
    }
  });

  it('let in-flight calls finish on SIGTERM with the longest shutdown timeout', async () => {
    const server = await startHttpServer({ transport: 'http-stream', config: `transport:\n  shutdownTimeoutSeconds: ${LONGEST}\n`, modules: TEST_MODULES });
    try {
      const client = await connectClient(server, 'legacy');
      const call = await callInFlight(client, 3, 500);
      process.kill(server.pid, 'SIGTERM');
      assert.equal(textOf(await within(call.result, 10_000, 'the in-flight call')), 'finished 3 steps');
      assert.equal(await within(server.exited, 15_000, 'the server to exit'), 0, server.stderr());
      assert.doesNotMatch(server.stderr(), /shutdown took too long/);
    } finally {
      await server.stop();
    }
  });
});
