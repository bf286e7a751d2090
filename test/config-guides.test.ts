import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { connectClient, freePort, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { newClient, runBinary, tempDir, textOf } from './helpers/stdio-server.js';
import { answeringTool } from './helpers/module-sources.js';

// Configs as widely copied MCP deployment guides write them (this project's own copies).

/** The shape of the guides' config.yaml. */
const GUIDE_CONFIG = `
server: { name: "my-mcp-server", version: "1.0.0", description: "Tools from the deployment guide" }
transport: { type: "http-stream", host: "0.0.0.0", port: 8000 }
storage:
  type: "lancedb"
  path: "./data/lancedb"
tools:
  enabled: true
  auto_discover: true
  directories: ["./tools", "./custom_tools"]
logging: { level: "INFO", format: "text" }
performance: { max_concurrent_requests: 100, request_timeout: 30, enable_cache: true }
`;

/** A Kubernetes ConfigMap in the guides' style: MCP_* entries become the environment (envFrom), config.yaml is mounted. */
const configMap = (host: string, port: number) => `
apiVersion: v1
kind: ConfigMap
metadata:
  name: mcp-server-config
  labels: { app: mcp-server }
data:
  MCP_SERVER_HOST: "${host}"
  MCP_SERVER_PORT: "${port}"
  MCP_TRANSPORT: "HTTP-STREAM"
  MCP_LOG_LEVEL: "INFO"
  config.yaml: |
    server:
      name: k8s-mcp
      version: "2.3.1"
    transport:
      endpoint: [/mcp, /stream]
    storage:
      type: TinyDB
      path: ./state/tinydb
    tools:
      enabled: true
      directories:
        - ./tools
    logging:
      level: WARNING
      format: json
    cache:
      type: redis
      url: redis://redis:6379/0
    database:
      url: postgresql://mcp:mcp@postgres:5432/mcp
`;

function fromConfigMap(text: string): { config: string; env: Record<string, string> } {
  const data = (parse(text) as { data: Record<string, string> }).data;
  const env = Object.fromEntries(Object.entries(data).filter(([key]) => key.startsWith('MCP_')));
  return { config: data['config.yaml']!, env };
}

const ECHO_MODULE = `export default ({ z }) => ({ name: 'guide_echo', description: 'Echoes', input: { text: z.string() }, run: ({ text }) => 'echo: ' + text });\n`;
const GREET_MODULE = answeringTool('guide_greet', 'hello');

const GUIDE_WARNINGS = [
  'tools.enabled: true is read as ["*"]',
  'tools.auto_discover: old key; true is what happens anyway',
  'tools.directories: old name, read as tools.dirs',
  'logging.format: "text" is read as "pretty"',
  'performance.max_concurrent_requests: old name, read as transport.maxConcurrentRequests',
  'performance.request_timeout: old name, read as tools.timeoutSeconds',
  'performance.enable_cache: not used by mcp-server; ignored',
];

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** The messages of a server's JSON log lines, one a line. */
const logMessages = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg: string }).msg)
    .join('\n');

function assertEachOnce(stderr: string, parts: readonly string[]): void {
  for (const part of parts) assert.equal(occurrences(stderr, part), 1, `"${part}" should be printed once:\n${stderr}`);
}

describe('a config from an MCP deployment guide', () => {
  let server: HttpServer;
  before(async () => {
    const port = await freePort();
    server = await startHttpServer({
      transport: 'http-stream',
      config: GUIDE_CONFIG,
      files: { 'tools/echo.mjs': ECHO_MODULE, 'custom_tools/greet.mjs': GREET_MODULE },
      // the guide's own address (0.0.0.0:8000) is replaced through the variables the guides use
      addressFlags: false,
      port,
      env: { MCP_SERVER_HOST: '127.0.0.1', MCP_SERVER_PORT: String(port) },
    });
  });
  after(async () => {
    await server?.stop();
  });

  it('starts and serves its modules, announcing its own name, version and description', async () => {
    const client = await connectClient(server, 'legacy');
    try {
      assert.deepEqual(client.getServerVersion(), { name: 'my-mcp-server', version: '1.0.0', description: 'Tools from the deployment guide' });
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      for (const name of ['guide_echo', 'guide_greet', 'kv_set']) assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
      assert.equal(textOf(await client.callTool({ name: 'guide_echo', arguments: { text: 'hi' } })), 'echo: hi');
    } finally {
      await client.close();
    }
    const modern = await connectClient(server, 'modern');
    try {
      assert.equal(modern.getServerVersion()?.version, '1.0.0');
      assert.equal(textOf(await modern.callTool({ name: 'guide_greet', arguments: {} })), 'hello');
    } finally {
      await modern.close();
    }
    const info = (await (await fetch(`${server.origin}/info`)).json()) as Record<string, unknown>;
    assert.equal(info.name, 'my-mcp-server');
    assert.equal(info.version, '1.0.0');
    assert.equal(info.description, 'Tools from the deployment guide');
    assert.equal(info.storage, 'lancedb');
  });

  it("logs each warning once at start, naming the key to write instead, in the guide's text (pretty) format", () => {
    const stderr = server.stderr();
    assertEachOnce(stderr, [...GUIDE_WARNINGS, 'env MCP_SERVER_HOST: transport.host: old name, read as MCP_HOST', 'env MCP_SERVER_PORT: transport.port: old name, read as MCP_PORT']);
    const warnings = stderr.split('\n').filter((line) => line.includes('config warning: '));
    assert.equal(warnings.length, GUIDE_WARNINGS.length + 2, stderr);
    assert.ok(
      warnings.every((line) => /^\d\d:\d\d:\d\d\.\d{3} WARN {2}config warning: .* configWarning=\S+$/.test(line)),
      stderr,
    );
  });
});

describe('a Kubernetes ConfigMap in the guides’ style', () => {
  it('maps the ConfigMap’s variables and file to today’s keys', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const { config, env } = fromConfigMap(configMap('0.0.0.0', 8000));
      await mkdir(path.join(dir, 'tools'));
      await writeFile(path.join(dir, 'config.yaml'), config);
      const printed = await runBinary(['--print-config', '--format', 'yaml', '--config', path.join(dir, 'config.yaml')], { env });
      assert.equal(printed.code, 0, printed.stderr);
      const clean = parse(printed.stdout) as Record<string, Record<string, unknown>>;
      assert.deepEqual(clean.transport, { type: 'http-stream', host: '0.0.0.0', port: 8000, endpoint: ['/mcp', '/stream'] });
      assert.deepEqual(clean.storage, { type: 'lowdb', path: './state/tinydb' });
      assert.deepEqual(clean.tools, { dirs: ['./tools'], enabled: ['*'] });
      assert.deepEqual(clean.logging, { level: 'info', format: 'json' });
      assert.deepEqual(clean.server, { name: 'k8s-mcp', version: '2.3.1' });
      assert.equal(clean.cache, undefined);
      assert.equal(clean.database, undefined);
      assertEachOnce(printed.stderr, [
        'storage.type: "TinyDB" is read as "lowdb"',
        'cache: not used by mcp-server; ignored',
        'database: not used by mcp-server; ignored',
        'env MCP_SERVER_HOST: transport.host: old name, read as MCP_HOST',
        'env MCP_TRANSPORT: transport.type: old name, read as MCP_TRANSPORT_TYPE',
      ]);
    } finally {
      await cleanup();
    }
  });

  it('starts and serves', async () => {
    const port = await freePort();
    const { config, env } = fromConfigMap(configMap('127.0.0.1', port));
    const server = await startHttpServer({ transport: 'http-stream', config, env, files: { 'tools/echo.mjs': ECHO_MODULE }, addressFlags: false, port });
    try {
      const client = await connectClient(server, 'legacy');
      try {
        assert.deepEqual(client.getServerVersion(), { name: 'k8s-mcp', version: '2.3.1' });
        assert.equal(textOf(await client.callTool({ name: 'guide_echo', arguments: { text: 'k8s' } })), 'echo: k8s');
        assert.equal(textOf(await client.callTool({ name: 'kv_set', arguments: { key: 'a', value: 1 } })).length > 0, true);
      } finally {
        await client.close();
      }
      const atStream = newClient('modern');
      await atStream.connect(new StreamableHTTPClientTransport(new URL(`${server.origin}/stream`)));
      try {
        assert.equal(textOf(await atStream.callTool({ name: 'guide_echo', arguments: { text: 'also at /stream' } })), 'echo: also at /stream');
      } finally {
        await atStream.close();
      }
      const info = (await (await fetch(`${server.origin}/info`)).json()) as Record<string, unknown>;
      assert.equal(info.storage, 'lowdb');
      assertEachOnce(logMessages(server.stderr()), ['storage.type: "TinyDB" is read as "lowdb"', 'cache: not used by mcp-server', 'database: not used by mcp-server']);
    } finally {
      await server.stop();
    }
  });
});

describe('old spellings on the command line', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    for (const sub of ['tools', 'custom_tools']) await mkdir(path.join(dir, sub));
    await writeFile(path.join(dir, 'guide.yaml'), GUIDE_CONFIG);
    await writeFile(path.join(dir, 'strict.yaml'), `strict: true${GUIDE_CONFIG}`);
    await writeFile(
      path.join(dir, 'others.yaml'),
      [
        'transport:',
        '  type: Streamable-HTTP',
        'storage:',
        '  type: tinydb',
        'tools:',
        '  enabled: false',
        '  auto_discover: false',
        '  directories: [./tools]',
        'logging:',
        '  format: TEXT',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await cleanup?.();
  });
  const file = (name: string) => path.join(dir, name);
  /** Runs the binary in the temp dir, so that files print as they are named there. */
  const run = (args: string[], env?: Record<string, string>) => runBinary(args, { cwd: dir, ...(env ? { env } : {}) });

  it('--print-config --format yaml shows every alias as its effective value in today’s keys', async () => {
    const env = { MCP_SERVER_HOST: '10.1.2.3', MCP_SERVER_PORT: '9123', MCP_TRANSPORT: 'sse' };
    const guide = await run(['--print-config', '--format', 'yaml', '--config', 'guide.yaml'], env);
    assert.equal(guide.code, 0, guide.stderr);
    assert.deepEqual(parse(guide.stdout), {
      server: { name: 'my-mcp-server', version: '1.0.0', description: 'Tools from the deployment guide' },
      transport: { type: 'sse', host: '10.1.2.3', port: 9123, maxConcurrentRequests: 100 },
      storage: { type: 'lancedb', path: './data/lancedb' },
      tools: { dirs: ['./tools', './custom_tools'], enabled: ['*'], timeoutSeconds: 30 },
      logging: { level: 'info', format: 'pretty' },
    });
    const others = await run(['--print-config', '--format', 'yaml', '--config', 'others.yaml']);
    assert.equal(others.code, 0, others.stderr);
    assert.deepEqual(parse(others.stdout), {
      transport: { type: 'http-stream' },
      storage: { type: 'lowdb' },
      tools: { dirs: [], enabled: [] },
      logging: { format: 'pretty' },
    });
  });

  it('--print-config names the old key a value came from', async () => {
    const { code, stdout } = await run(['--print-config', '--config', 'guide.yaml']);
    assert.equal(code, 0);
    assert.match(stdout, /^ {2}dirs: \[.*custom_tools"\] +# guide\.yaml:10:16$/m);
    assert.match(stdout, /^ {2}maxConcurrentRequests: 100 +# guide\.yaml:12:41$/m);
  });

  it('--validate-config lists warnings apart from errors and exits 0 with only warnings', async () => {
    const ok = await run(['--validate-config', '--config', 'guide.yaml'], { MCP_SERVR_PORT: '8000' });
    assert.equal(ok.code, 0, ok.stderr);
    assertEachOnce(ok.stderr, GUIDE_WARNINGS);
    assert.match(ok.stderr, /^warning: env MCP_SERVR_PORT: MCP_SERVR_PORT is not a setting; did you mean MCP_PORT\?$/m);
    assert.ok(
      ok.stderr
        .trim()
        .split('\n')
        .every((line) => line.startsWith('warning: ')),
      ok.stderr,
    );
    assert.match(ok.stdout, /^configuration OK .*; 8 warnings/m);

    await writeFile(file('typo.yaml'), `${GUIDE_CONFIG}transport_extra: 1\n`);
    const bad = await run(['--validate-config', '--config', 'typo.yaml']);
    assert.equal(bad.code, 1);
    const lines = bad.stderr.trim().split('\n');
    assert.deepEqual(
      lines.map((line) => (line.startsWith('warning: ') ? 'warning' : line.startsWith('mcp-server: ') ? 'summary' : 'error')),
      [...GUIDE_WARNINGS.map(() => 'warning'), 'error', 'summary'],
      bad.stderr,
    );
    assert.match(bad.stderr, /^typo\.yaml:13:1: transport_extra: unknown key "transport_extra"/m);
    assert.match(bad.stderr, /configuration is invalid \(1 problem, 7 warnings\)$/m);
  });

  it('strict: true refuses to start, each warning an error', async () => {
    const validate = await run(['--validate-config', '--config', 'strict.yaml']);
    assert.equal(validate.code, 1);
    assert.ok(!validate.stderr.includes('warning: '), validate.stderr);
    assert.match(validate.stderr, /^strict\.yaml:10:3: tools\.directories: old name, read as tools\.dirs; rename it to tools\.dirs \(an error under strict: true\)$/m);
    assert.match(validate.stderr, /configuration is invalid \(7 problems\)$/m);
    const start = await run(['--config', 'strict.yaml', '--transport', 'stdio']);
    assert.equal(start.code, 1);
    assert.match(start.stderr, /configuration is invalid/);
  });

  it('accepts enumerations in any case from flags, environment and file', async () => {
    await writeFile(file('case.yaml'), 'storage:\n  type: LanceDB\nlogging:\n  format: JSON\ntransport:\n  sessions:\n    mode: Stateless\n');
    const flags = await run(['--print-config', '--format', 'yaml', '--config', file('case.yaml'), '--log-level', 'DEBUG', '--transport', 'HTTP-STREAM', '--storage', 'LanceDB']);
    assert.equal(flags.code, 0, flags.stderr);
    assert.deepEqual(parse(flags.stdout), {
      transport: { type: 'http-stream', sessions: { mode: 'stateless' } },
      storage: { type: 'lancedb' },
      logging: { level: 'debug', format: 'json' },
    });
    assert.equal(flags.stderr, '');
    const env = await run(['--print-config', '--format', 'yaml', '--config', 'case.yaml'], { MCP_LOG_LEVEL: 'WARNING', MCP_TRANSPORT_TYPE: 'Sse', MCP_STORAGE_TYPE: 'DuckDB' });
    assert.equal(env.code, 0, env.stderr);
    const clean = parse(env.stdout) as { logging: { level: string }; transport: { type: string }; storage: { type: string } };
    assert.deepEqual([clean.logging.level, clean.transport.type, clean.storage.type], ['warn', 'sse', 'duckdb']);
    const wrong = await run(['--log-level', 'LOUD']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /LOUD.*Allowed choices are trace, debug, info, warn, error, fatal, silent/);
  });
});
