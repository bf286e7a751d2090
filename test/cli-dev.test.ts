import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { spawnBinary, type BinaryProcess } from './helpers/binary-process.js';
import { freePort } from './helpers/http-server.js';
import { newClient, runBinary, structured, type Era } from './helpers/stdio-server.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait.js';

/** The banner's last snippet: VS Code's, over stdio. */
const BANNER_END = '"type":"stdio"';

/** Starts `mcp-server dev` and waits for its banner; fails at once if it exits instead. */
async function startDev(args: string[]): Promise<BinaryProcess> {
  const dev = spawnBinary(['dev', ...args]);
  let exit: number | null | undefined;
  void dev.exited.then((code) => (exit = code));
  await waitFor(
    () => {
      if (exit !== undefined) throw new Error(`mcp-server dev exited (${exit}):\n${dev.stderr()}`);
      return dev.stdout().includes(BANNER_END);
    },
    'the dev banner',
    { attempts: 200 },
  );
  return dev;
}

/** The JSON on the line after `heading` in the banner. */
function snippet(banner: string, heading: string): any {
  const lines = banner.split('\n');
  const at = lines.findIndex((line) => line.trim() === heading);
  assert.ok(at >= 0, `no "${heading}" in:\n${banner}`);
  return JSON.parse(lines[at + 1]!);
}

async function connect(url: string, era: Era) {
  const client = newClient(era);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

describe('mcp-server dev', () => {
  it("serves init's starter over Streamable HTTP with --watch and pretty logs, and prints the URL and client configs", async (t) => {
    const { dir, cleanup } = await tempDir();
    t.after(cleanup);
    const starter = path.join(dir, 'my-tools');
    const init = await runBinary(['init', starter]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /npm run dev .*mcp-server dev/);
    const port = await freePort();
    const dev = await startDev([starter, '--port', String(port)]);
    t.after(() => dev.stop('SIGKILL'));
    const url = `http://127.0.0.1:${port}/mcp`;
    const banner = dev.stdout();
    assert.ok(banner.includes(`at ${url} (Streamable HTTP)`), banner);
    assert.deepEqual(snippet(banner, 'Cursor (.cursor/mcp.json):'), { mcpServers: { 'my-tools': { url } } });
    const configFile = path.join(starter, 'config.yaml');
    const stdio = snippet(banner, 'Claude Desktop (claude_desktop_config.json) and Cursor (.cursor/mcp.json):').mcpServers['my-tools'];
    assert.equal(stdio.command, 'node');
    assert.deepEqual(stdio.args.slice(1), ['--config', configFile, '--watch']);
    assert.ok(existsSync(stdio.args[0]), 'the stdio snippet names the real binary');
    assert.match(banner, /Claude Desktop: Settings > Connectors/);
    // VS Code's URL snippet comes first, its stdio one last
    assert.deepEqual(snippet(banner, 'VS Code (.vscode/mcp.json):'), { servers: { 'my-tools': { type: 'http', url } } });

    for (const era of ['modern', 'legacy'] as const) {
      const client = await connect(url, era);
      try {
        assert.deepEqual(
          (await client.listTools()).tools.map((tool) => tool.name),
          ['greet'],
        );
        assert.deepEqual(structured(await client.callTool({ name: 'greet', arguments: { name: era } })).greeting, `Hello, ${era}.`);
      } finally {
        await client.close();
      }
    }

    // --watch: a new module is served without a restart
    await writeFile(path.join(starter, 'shout.mjs'), "export default { name: 'shout', description: 'Shouts', run: () => 'HEY' };\n");
    const client = await connect(url, 'modern');
    try {
      await waitFor(async () => (await client.listTools()).tools.some((tool) => tool.name === 'shout'), 'the new module to be served');
    } finally {
      await client.close();
    }

    const logLines = dev.stderr().split('\n').filter(Boolean);
    assert.ok(logLines.length > 0 && logLines.every((line) => !line.startsWith('{')), `pretty logs, not JSON:\n${dev.stderr()}`);
    assert.match(dev.stderr(), /^\d\d:\d\d:\d\d\.\d{3} INFO +mcp-server ready transport=http-stream /m);
    assert.match(dev.stderr(), /^\d\d:\d\d:\d\d\.\d{3} INFO +reloaded trigger=watch /m);
    assert.equal(await dev.stop('SIGTERM'), 0);
  });

  it('serves a directory without a config file as the tools directory, with its data in <dir>/.data', async (t) => {
    const { dir, cleanup } = await tempDir();
    t.after(cleanup);
    await writeFile(path.join(dir, 'echo.mjs'), "export default ({ z }) => ({ name: 'echo', description: 'Echoes', input: { text: z.string() }, run: ({ text }) => text });\n");
    const port = await freePort();
    const dev = await startDev([dir, '--port', String(port)]);
    t.after(() => dev.stop('SIGKILL'));
    const client = await connect(`http://127.0.0.1:${port}/mcp`, 'modern');
    try {
      const result = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
      assert.deepEqual(result.content, [{ type: 'text', text: 'hi' }]);
    } finally {
      await client.close();
    }
    assert.ok(existsSync(path.join(dir, '.data')), 'data lives in <dir>/.data');
    const stdio = snippet(dev.stdout(), 'Claude Desktop (claude_desktop_config.json) and Cursor (.cursor/mcp.json):');
    assert.deepEqual(Object.values(stdio.mcpServers as Record<string, { args: string[] }>)[0]!.args.slice(1), ['--tools-dir', dir, '--data-dir', path.join(dir, '.data'), '--watch']);
    assert.equal(await dev.stop('SIGTERM'), 0);
  });

  it('refuses a directory that does not exist (exit 1, one line naming it)', async (t) => {
    const { dir, cleanup } = await tempDir();
    t.after(cleanup);
    const missing = path.join(dir, 'nope');
    const result = await runBinary(['dev', missing]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `mcp-server: dev: ${missing} is not a directory (create one with mcp-server init ${missing})\n`);
  });
});
