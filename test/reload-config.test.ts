import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { countChanges, reloadLines, sleep, waitFor, type ChangeCounts } from './helpers/reload.js';
import { textOf } from './helpers/stdio-server.js';
import { answeringTool } from './helpers/module-sources.js';

const KEY_ONE = 'key-one-0123456789';
const KEY_TWO = 'key-two-0123456789';
const KEY_THREE = 'key-three-0123456789';
const ADMIN = 'admin-key-0123456789';
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

const configYaml = (options: { disabled?: string[]; level?: string; format?: string; keys?: string[]; endpoint?: string; sweep?: number } = {}) => `transport:
  apiKeys: ${JSON.stringify(options.keys ?? [KEY_ONE, KEY_TWO])}
  adminKeys: ["${ADMIN}"]
  endpoint: ${options.endpoint ?? '/mcp'}
storage:
  sweepIntervalSeconds: ${options.sweep ?? 60}
tools:
  disabled: ${JSON.stringify(options.disabled ?? [])}
logging:
  level: ${options.level ?? 'info'}
  format: ${options.format ?? 'json'}
`;
const tool = (name: string, answer: string, prelude = '') => `${prelude}${answeringTool(name, answer)}`;

interface Report {
  result: string;
  generation: number;
  tools: { added: string[]; removed: string[]; updated: string[] };
  settingsChanged: string[];
  restartRequired: string[];
  problems: string[];
  warnings: string[];
}

describe('reloading the config: live settings, restart-required ones, refused reloads, the admin endpoints', () => {
  let server: HttpServer;
  const clients: Client[] = [];
  const write = (name: string, text: string) => writeFile(path.join(server.dir, name), text);
  const get = (route: string, key = KEY_ONE) => fetch(`${server.origin}${route}`, { headers: bearer(key) });
  const info = async () => (await (await get('/info')).json()) as { generation: number; sessions: number };
  const adminReload = async (key = ADMIN) => {
    const response = await fetch(`${server.origin}/admin/reload`, { method: 'POST', headers: bearer(key) });
    return { status: response.status, report: (await response.json()) as Report };
  };
  const connect = async (key: string, kind: 'legacy' | 'modern') => {
    const client = await connectClient(server, kind, { headers: bearer(key) });
    clients.push(client);
    return client;
  };

  before(async () => {
    server = await startHttpServer({
      transport: 'http-stream',
      config: configYaml(),
      logLevel: null,
      modules: { 'one.mjs': tool('one_tool', 'one v1'), 'two.mjs': tool('two_tool', 'two v1') },
    });
  });
  after(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await server?.stop();
  });

  it('the admin endpoints take an admin key only; GET /admin/config redacts secrets', async () => {
    assert.equal((await fetch(`${server.origin}/admin/reload`, { method: 'POST' })).status, 401);
    assert.equal((await adminReload(KEY_ONE)).status, 401, 'an API key is not an admin key');
    assert.equal((await get('/info', ADMIN)).status, 401, 'an admin key is not an API key');
    const response = await get('/admin/config', ADMIN);
    assert.equal(response.status, 200);
    const view = (await response.json()) as { generation: number; config: { transport: Record<string, unknown> }; sources: Record<string, string> };
    assert.equal(view.generation, 1);
    assert.equal(view.config.transport.apiKeys, '[redacted]');
    assert.equal(view.config.transport.adminKeys, '[redacted]');
    assert.match(view.sources['transport.endpoint']!, /config\.yaml:4:13$/);
    assert.ok(!JSON.stringify(view).includes(KEY_ONE));
  });

  it('a config edit and SIGHUP change tools.disabled, the log level and format and the API keys live; restart-required settings are reported', async () => {
    const one = await connect(KEY_ONE, 'legacy');
    const two = await connect(KEY_TWO, 'legacy');
    const counts: ChangeCounts = countChanges(one);
    const listening = await connect(KEY_TWO, 'modern');
    const subscription = await listening.listen({ toolsListChanged: true });
    assert.equal((await info()).sessions, 2);
    assert.equal(textOf(await two.callTool({ name: 'two_tool', arguments: {} })), 'two v1');
    assert.doesNotMatch(server.stderr(), /"msg":"tool call"/, 'no debug lines at level info');

    await write('config.yaml', configYaml({ disabled: ['two_tool'], level: 'debug', format: 'pretty', keys: [KEY_ONE, KEY_THREE], endpoint: '/other', sweep: 30 }));
    process.kill(server.pid, 'SIGHUP');
    await waitFor(async () => (await info()).generation === 2, 'generation 2');

    assert.equal((await get('/info', KEY_TWO)).status, 401, 'a removed key stops working at once');
    assert.equal((await get('/info', KEY_THREE)).status, 200, 'a new key works at once');
    assert.equal((await info()).sessions, 1, "the removed key's session is closed");
    assert.equal(await subscription.closed, 'remote', "the removed key's listen stream is closed");

    assert.deepEqual(
      (await one.listTools()).tools.map((t) => t.name).filter((name) => name.endsWith('_tool')),
      ['one_tool'],
    );
    await assert.rejects(
      one.callTool({ name: 'two_tool', arguments: {} }).then((r) => (r.isError ? Promise.reject(new Error(textOf(r))) : r)),
      /two_tool/,
    );
    await waitFor(() => counts.tools === 1, 'tools/list_changed');
    assert.equal(textOf(await one.callTool({ name: 'one_tool', arguments: {} })), 'one v1', 'the session of a kept key goes on, at /mcp still');
    await waitFor(() => /^\d\d:\d\d:\d\d\.\d{3} DEBUG tool call /m.test(server.stderr()), 'debug lines, in the pretty format, after the reload');

    for (const setting of ['storage.sweepIntervalSeconds', 'transport.endpoint']) assert.match(server.stderr(), new RegExp(`restart required: ${setting.replace('.', '\\.')}`));
    const view = (await (await get('/admin/config', ADMIN)).json()) as { config: { transport: { endpoint: string }; tools: { disabled: string[] } } };
    assert.equal(view.config.transport.endpoint, '/mcp', 'the running value stays');
    assert.deepEqual(view.config.tools.disabled, ['two_tool']);

    const { status, report } = await adminReload();
    assert.equal(status, 200);
    assert.deepEqual([report.result, report.generation], ['applied', 3]);
    assert.deepEqual(report.settingsChanged, []);
    assert.deepEqual(report.restartRequired, ['storage.sweepIntervalSeconds', 'transport.endpoint'], 'still waiting for a restart');
    await sleep(300);
    assert.equal(counts.tools, 1, 'a reload that changes no list tells nobody');
  });

  it('broken YAML, an invalid value and a broken module are refused whole (422) and the running version stays; a later good reload works', async () => {
    const client = await connect(KEY_ONE, 'modern');
    // back to JSON lines, which the rest of this file reads
    const good = configYaml({ disabled: ['two_tool'], level: 'debug', keys: [KEY_ONE, KEY_THREE], endpoint: '/other', sweep: 30 });

    await write('config.yaml', `${good}tools:\n  disabled: [oops\n`);
    let { status, report } = await adminReload();
    assert.equal(status, 422);
    assert.equal(report.result, 'refused');
    assert.equal(report.generation, 3);
    assert.match(report.problems.join('\n'), /config\.yaml:\d+:\d+/);
    assert.match(server.stderr(), /reload refused: [^"]*config\.yaml:\d+:\d+/);

    await write('config.yaml', good.replace('level: debug', 'level: loud'));
    ({ status, report } = await adminReload());
    assert.equal(status, 422);
    assert.match(report.problems.join('\n'), /config\.yaml:\d+:\d+: logging\.level: /);

    await write('config.yaml', good);
    await write('tools/one.mjs', 'export default { name: "one_tool", description: "broken", run: () => { ;\n');
    ({ status, report } = await adminReload());
    assert.equal(status, 422);
    assert.match(report.problems.join('\n'), /one\.mjs: failed to load/);
    assert.equal(textOf(await client.callTool({ name: 'one_tool', arguments: {} })), 'one v1', 'the running version stays whole');
    assert.equal((await info()).generation, 3);

    await write('tools/one.mjs', tool('one_tool', 'one v2'));
    await write('config.yaml', `${good}cache: { ttl: 60 }\n`); // read, with a warning: this server has no use for it
    ({ status, report } = await adminReload());
    assert.equal(status, 200);
    assert.equal(report.generation, 4);
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0]!, /config\.yaml:\d+:\d+: cache: /);
    assert.match(server.stderr(), /"msg":"config warning: [^"]*config\.yaml:\d+:\d+: cache: /);
    assert.equal(textOf(await client.callTool({ name: 'one_tool', arguments: {} })), 'one v2');
  });

  it('overlapping reloads share one run, and a slow earlier reload never replaces a later one', async () => {
    const client = await connect(KEY_ONE, 'modern');
    const started = path.join(server.dir, 'import-started');
    const go = path.join(server.dir, 'import-go');
    // importing this version waits for the test: the reload that loads it is as slow as the test wants
    const wait = `import { existsSync, writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(started)}, '');
for (let i = 0; i < 400 && !existsSync(${JSON.stringify(go)}); i++) await new Promise((resolve) => setTimeout(resolve, 50));
`;
    await write('tools/one.mjs', tool('one_tool', 'one v3', wait));
    const slow = adminReload();
    await waitFor(() => existsSync(started), 'the slow import to start');
    await write('tools/one.mjs', tool('one_tool', 'one v4'));
    const later = [adminReload(), adminReload()];
    await sleep(500);
    await write('import-go', '');
    const [first, second, third] = await Promise.all([slow, ...later]);
    assert.deepEqual([first!.report.generation, second!.report.generation, third!.report.generation], [5, 6, 6]);
    assert.equal(textOf(await client.callTool({ name: 'one_tool', arguments: {} })), 'one v4', 'the later reload wins');
    assert.equal(reloadLines(server.stderr()).find((line) => line.generation === 6)?.requests, 2);
  });

  it('metrics count reloads by trigger and result and show the generation; /info shows it too', async () => {
    const text = await (await get('/metrics')).text();
    for (const line of [
      'mcp_reloads_total{trigger="signal",result="applied"} 1',
      'mcp_reloads_total{trigger="admin",result="refused"} 3',
      'mcp_reloads_total{trigger="admin",result="applied"} 4',
      'mcp_config_generation 6',
    ]) {
      assert.ok(
        text.includes(line),
        `${line} in\n${text
          .split('\n')
          .filter((l) => l.startsWith('mcp_r') || l.startsWith('mcp_c'))
          .join('\n')}`,
      );
    }
    assert.equal((await info()).generation, 6);
  });
});
