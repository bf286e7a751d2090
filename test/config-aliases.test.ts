import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatCleanConfig } from '../src/config/print.js';
import { formatWarnings } from '../src/config/problems.js';
import { brief, expectOk, expectProblems, load, tempDir, writeFile } from './helpers/config-fixtures.js';

const messages = (problems: readonly { message: string }[]) => problems.map((p) => p.message);

describe('loadConfig: old key names', () => {
  it('reads each as today’s key, with a warning at the old key naming the new one', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'tools'));
    const yaml = ['tools:', '  directories: [./tools]', 'performance:', '  request_timeout: 12', '  max_concurrent_requests: 7', ''].join('\n');
    const result = expectOk(load({ cwd, yaml }));
    assert.deepEqual(result.config.tools.dirs, [join(cwd, 'tools')]);
    assert.equal(result.config.tools.timeoutSeconds, 12);
    assert.equal(result.config.transport.maxConcurrentRequests, 7);
    assert.deepEqual(result.warnings.map(brief), ['2:3 tools.directories', '4:3 performance.request_timeout', '5:3 performance.max_concurrent_requests']);
    assert.deepEqual(messages(result.warnings), [
      'old name, read as tools.dirs; rename it to tools.dirs',
      'old name, read as tools.timeoutSeconds; rename it to tools.timeoutSeconds',
      'old name, read as transport.maxConcurrentRequests; rename it to transport.maxConcurrentRequests',
    ]);
    assert.deepEqual(result.sources['tools.dirs'], { kind: 'file', file: join(cwd, 'config.yaml'), line: 2, column: 16 });
    assert.deepEqual(result.sources['transport.maxConcurrentRequests'], { kind: 'file', file: join(cwd, 'config.yaml'), line: 5, column: 28 });
  });

  it('refuses an old key set together with its new one', () => {
    const result = expectProblems(load({ yaml: 'tools:\n  dirs: []\n  directories: [./x]\n' }));
    assert.deepEqual(result.problems.map(brief), ['3:3 tools.directories']);
    assert.equal(result.problems[0]!.message, 'old name of tools.dirs, which is set too; keep only tools.dirs');
  });

  it('reads tools.auto_discover: false as built-in modules only, true as the default', () => {
    const off = expectOk(load({ yaml: 'tools:\n  auto_discover: false\n' }));
    assert.deepEqual(off.config.tools.dirs, []);
    assert.equal(off.sources['tools.dirs']?.kind, 'file');
    assert.match(off.warnings[0]!.message, /false is read as tools\.dirs: \[\] \(built-in modules only\)/);
    const on = expectOk(load({ yaml: 'tools:\n  auto_discover: true\n' }));
    assert.match(on.warnings[0]!.message, /true is what happens anyway/);
    const bad = expectProblems(load({ yaml: 'tools:\n  auto_discover: sometimes\n' }));
    assert.deepEqual(bad.problems.map(brief), ['2:18 tools.auto_discover']);
    assert.equal(bad.problems[0]!.message, 'expected true or false, got "sometimes"');
  });

  it('ignores the guides’ cache, database and performance.enable_cache sections with a warning', () => {
    const yaml = ['cache:', '  type: redis', 'database:', '  url: postgres://x', 'performance:', '  enable_cache: true', ''].join('\n');
    const result = expectOk(load({ yaml }));
    assert.deepEqual(result.warnings.map(brief), ['1:1 cache', '3:1 database', '6:3 performance.enable_cache']);
    assert.ok(messages(result.warnings).every((m) => m === 'not used by mcp-server; ignored (delete it)'));
  });

  it('still refuses unknown keys, suggesting today’s key for a near miss of an old one', () => {
    const yaml = ['performance:', '  max_concurent_requests: 5', '  turbo: true', 'tools:', '  directorys: [./x]', '  timeoutSecond: 3', ''].join('\n');
    const result = expectProblems(load({ yaml }));
    assert.deepEqual(result.problems.map(brief), ['2:3 performance.max_concurent_requests', '3:3 performance.turbo', '5:3 tools.directorys', '6:3 tools.timeoutSecond']);
    assert.deepEqual(messages(result.problems), [
      'unknown key "max_concurent_requests"; did you mean "max_concurrent_requests"?',
      'unknown key "turbo"; known keys: request_timeout, max_concurrent_requests, enable_cache',
      'unknown key "directorys"; did you mean "dirs"?',
      'unknown key "timeoutSecond"; did you mean "timeoutSeconds"?',
    ]);
    const notMapping = expectProblems(load({ yaml: 'performance: fast\n' }));
    assert.deepEqual(notMapping.problems.map(brief), ['1:14 performance']);
  });
});

describe('loadConfig: old values', () => {
  it('reads tinydb, text, streamable-http and boolean tools.enabled from any layer, warning where each was set', () => {
    const yaml = ['storage:', '  type: TinyDB', 'logging:', '  format: text', 'tools:', '  enabled: false', ''].join('\n');
    const result = expectOk(load({ yaml, env: { MCP_TRANSPORT_TYPE: 'streamable-http' } }));
    assert.equal(result.config.storage.type, 'lowdb');
    assert.equal(result.config.logging.format, 'pretty');
    assert.equal(result.config.transport.type, 'http-stream');
    assert.deepEqual(result.config.tools.enabled, []);
    assert.deepEqual(result.warnings.map(brief), ['2:9 storage.type', '4:11 logging.format', '6:12 tools.enabled', 'env MCP_TRANSPORT_TYPE transport.type']);
    assert.equal(result.warnings[0]!.message, '"TinyDB" is read as "lowdb" (the embedded JSON-file engine); write lowdb');
    assert.deepEqual(expectOk(load({ yaml: 'tools:\n  enabled: true\n' })).config.tools.enabled, ['*']);
  });

  it('reads enumerations in any case, and WARNING / CRITICAL as warn / fatal, without warnings', () => {
    const yaml = 'logging:\n  level: WARNING\n  format: JSON\nstorage:\n  type: LanceDB\n';
    const file = expectOk(load({ yaml }));
    assert.deepEqual([file.config.logging.level, file.config.logging.format, file.config.storage.type], ['warn', 'json', 'lancedb']);
    assert.deepEqual(file.warnings, []);
    const env = expectOk(load({ env: { MCP_LOG_LEVEL: 'Debug', MCP_TRANSPORT_TYPE: 'HTTP-STREAM', MCP_STORAGE_TYPE: 'DUCKDB' } }));
    assert.deepEqual([env.config.logging.level, env.config.transport.type, env.config.storage.type], ['debug', 'http-stream', 'duckdb']);
    const flags = expectOk(load({ flags: { logLevel: 'CRITICAL', transport: 'SSE' } }));
    assert.deepEqual([flags.config.logging.level, flags.config.transport.type], ['fatal', 'sse']);
    const bad = expectProblems(load({ env: { MCP_LOG_LEVEL: 'LOUD' } }));
    assert.deepEqual(bad.problems.map(brief), ['env MCP_LOG_LEVEL logging.level']);
  });
});

describe('loadConfig: environment variables', () => {
  it('reads MCP_SERVER_HOST, MCP_SERVER_PORT and MCP_TRANSPORT as MCP_HOST, MCP_PORT and MCP_TRANSPORT_TYPE', () => {
    const result = expectOk(load({ env: { MCP_SERVER_HOST: '0.0.0.0', MCP_SERVER_PORT: '8000', MCP_TRANSPORT: 'http-stream' } }));
    assert.deepEqual([result.config.transport.host, result.config.transport.port, result.config.transport.type], ['0.0.0.0', 8000, 'http-stream']);
    assert.deepEqual(result.sources['transport.port'], { kind: 'env', name: 'MCP_SERVER_PORT' });
    assert.deepEqual(result.warnings.map(brief), ['env MCP_SERVER_HOST transport.host', 'env MCP_SERVER_PORT transport.port', 'env MCP_TRANSPORT transport.type']);
    assert.equal(result.warnings[1]!.message, 'old name, read as MCP_PORT; rename it to MCP_PORT');
    const bad = expectProblems(load({ env: { MCP_SERVER_PORT: 'eighty' } }));
    assert.deepEqual(bad.problems.map(brief), ['env MCP_SERVER_PORT transport.port']);
    const both = expectProblems(load({ env: { MCP_SERVER_PORT: '8000', MCP_PORT: '9000' } }));
    assert.equal(both.problems[0]!.message, 'old name of MCP_PORT, which is set too; keep only MCP_PORT');
  });

  it('warns once for each MCP_* variable that is not a setting, naming the closest one', () => {
    const result = expectOk(load({ env: { MCP_SERVR_PORT: '1', MCP_LOGLEVEL: 'info', MCP_WHATEVER_ELSE: 'x', MCP_EMPTY_ONE: '', PATH_LIKE: 'y' } }));
    assert.deepEqual(messages(result.warnings), [
      'MCP_LOGLEVEL is not a setting; did you mean MCP_LOG_LEVEL?',
      'MCP_SERVR_PORT is not a setting; did you mean MCP_PORT?',
      'MCP_WHATEVER_ELSE is not a setting; see "Environment variables" in the README',
    ]);
    assert.equal(formatWarnings(result.warnings.slice(1, 2)), 'warning: env MCP_SERVR_PORT: MCP_SERVR_PORT is not a setting; did you mean MCP_PORT?');
  });
});

describe('loadConfig: strict: true', () => {
  it('turns every warning, from the file and the environment, into an error', () => {
    const result = expectProblems(load({ yaml: 'strict: true\ncache: {}\n', env: { MCP_SERVER_HOST: '::1', MCP_NOPE: '1' } }));
    assert.deepEqual(result.problems.map(brief), ['2:1 cache', 'env MCP_SERVER_HOST transport.host', 'env MCP_NOPE ']);
    assert.ok(messages(result.problems).every((m) => m.endsWith('(an error under strict: true)')));
    assert.deepEqual(result.warnings, []);
    assert.equal(expectOk(load({ yaml: 'strict: true\n' })).config.strict, true);
  });
});

describe('transport.endpoint', () => {
  it('takes one path or a list of paths', () => {
    assert.deepEqual(expectOk(load({ yaml: 'transport:\n  endpoint: [/mcp, /stream]\n' })).config.transport.endpoint, ['/mcp', '/stream']);
    const bad = expectProblems(load({ yaml: 'transport:\n  endpoint: [/mcp, stream]\n' }));
    assert.deepEqual(bad.problems.map(brief), ['2:20 transport.endpoint[1]']);
  });
});

describe('formatCleanConfig', () => {
  it('prints what was set, in today’s keys, as a file that loads to the same config without warnings', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'tools'));
    const yaml = [
      'server: { name: guide, version: "1.0", requestStateSecret: do-not-print-this-secret }',
      'storage: { type: tinydb, path: ./engine }',
      'tools: { enabled: true, directories: [./tools] }',
      'logging: { level: WARNING, format: text }',
      'performance: { request_timeout: 9, enable_cache: true }',
      'modules: { weather: { units: metric, apiToken: hidden-token } }',
      '',
    ].join('\n');
    const old = expectOk(load({ cwd, yaml, env: { MCP_SERVER_PORT: '9001' } }));
    const clean = formatCleanConfig(old, { cwd });
    assert.ok(!clean.includes('do-not-print-this-secret') && !clean.includes('hidden-token'), clean);
    assert.match(clean, /^# Not printed \(secrets\): server\.requestStateSecret, modules\.weather\.apiToken\./m);
    assert.match(clean, /^ {4}- \.\/tools$/m);
    assert.match(clean, /^ {2}version: "1\.0"$/m);
    writeFile(cwd, 'config.yaml', clean);
    const migrated = expectOk(load({ cwd }));
    assert.deepEqual(migrated.warnings, []);
    const secretless = structuredClone(old.config);
    delete secretless.server.requestStateSecret;
    delete secretless.modules.weather!.apiToken;
    assert.deepEqual(migrated.config, secretless);
  });

  it('prints an empty mapping when nothing was set', () => {
    assert.match(formatCleanConfig(expectOk(load({}))), /\n\{\}\n$/);
  });
});
