import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from './helpers/http-server.js';
import { runBinary, tempDir } from './helpers/stdio-server.js';

/** Settings that would leak a secret or silently weaken the server. */
describe('mistaken or risky settings', () => {
  it('--print-config redacts module settings whose names say they hold secrets', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const secrets = {
        password: 'pw-value-1',
        dbPassword: 'pw-value-2',
        token: 'tok-value-3',
        secret: 'sec-value-4',
        key: 'key-value-5',
        signing_key: 'key-value-6',
        dsn: 'postgres://user:dsn-value-7@db/app',
        bearer: 'bearer-value-8',
        pwd: 'pwd-value-9',
        apikey: 'apikey-value-10',
      };
      const lines = Object.entries(secrets).map(([name, value]) => `    ${name}: ${JSON.stringify(value)}`);
      await writeFile(path.join(dir, 'config.yaml'), ['modules:', '  store:', '    units: metric', '    author: ada', ...lines, ''].join('\n'));
      const { code, stdout, stderr } = await runBinary(['--print-config'], { cwd: dir });
      assert.equal(code, 0, stderr);
      for (const [name, value] of Object.entries(secrets)) {
        assert.ok(!stdout.includes(value), `modules.store.${name} printed its value`);
        assert.match(stdout, new RegExp(`^ {4}${name}: "\\[redacted\\]" +# config\\.yaml:`, 'm'));
      }
      assert.match(stdout, /^ {4}units: "metric"/m);
      assert.match(stdout, /^ {4}author: "ada"/m);
    } finally {
      await cleanup();
    }
  });

  it('refuses MCP_API_KEY that holds no key (","), instead of switching authentication off', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      for (const value of [',', ' , ,']) {
        const { code, stderr } = await runBinary(['--transport', 'http-stream', '--port', String(await freePort()), '--data-dir', path.join(dir, 'data')], {
          cwd: dir,
          env: { MCP_API_KEY: value },
          timeoutMs: 20_000,
        });
        assert.equal(code, 1, stderr);
        assert.match(stderr, /^env MCP_API_KEY: transport\.apiKeys: expected comma-separated values, got ".*" with none in it/m);
        assert.doesNotMatch(stderr, /mcp-server ready/);
      }
    } finally {
      await cleanup();
    }
  });

  it('warns at start when bound to a non-loopback address with no allowed hosts', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      // 192.0.2.1 (TEST-NET-1) is on no interface: the server warns, then fails to bind, opening no port.
      const args = ['--transport', 'http-stream', '--host', '192.0.2.1', '--port', String(await freePort()), '--data-dir', path.join(dir, 'data')];
      const exposed = await runBinary(args, { cwd: dir, timeoutMs: 20_000 });
      assert.match(exposed.stderr, /"level":40,.*bound to 192\.0\.2\.1, which is not a loopback address, with transport\.allowedHosts empty: any Host header is accepted/);

      await writeFile(path.join(dir, 'config.yaml'), 'transport:\n  allowedHosts: [mcp.example.com]\n');
      const listed = await runBinary(args, { cwd: dir, timeoutMs: 20_000 });
      assert.doesNotMatch(listed.stderr, /not a loopback address/);
    } finally {
      await cleanup();
    }
  });
});
