import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config/load.js';
import { brief, expectOk, expectProblems, load, tempDir, writeFile } from './helpers/config-fixtures.js';

const FILE = 'transport:\n  type: sse\n  port: 9001\nlogging:\n  level: debug\n';

describe('loadConfig: precedence flag > env > file > default', () => {
  it('takes each value from the highest layer that sets it, and records the source', () => {
    const cwd = tempDir();
    const result = expectOk(load({ cwd, yaml: FILE, env: { MCP_PORT: '9002', MCP_LOG_LEVEL: 'warn' }, flags: { logLevel: 'error' } }));
    const { config, sources } = result;
    assert.equal(config.transport.type, 'sse');
    assert.equal(config.transport.port, 9002);
    assert.equal(config.logging.level, 'error');
    assert.equal(config.transport.host, '127.0.0.1');
    assert.deepEqual(sources['transport.type'], { kind: 'file', file: join(cwd, 'config.yaml'), line: 2, column: 9 });
    assert.deepEqual(sources['transport.port'], { kind: 'env', name: 'MCP_PORT' });
    assert.deepEqual(sources['logging.level'], { kind: 'flag', name: '--log-level' });
    assert.deepEqual(sources['transport.host'], { kind: 'default' });
  });

  it('maps every MCP_* variable to its key', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'a'));
    mkdirSync(join(cwd, 'b'));
    const env = {
      MCP_TRANSPORT_TYPE: 'http-stream',
      MCP_HOST: '0.0.0.0',
      MCP_PORT: '8123',
      MCP_STORAGE_TYPE: 'duckdb',
      MCP_STORAGE_PATH: 'engine',
      MCP_DATA_PATH: 'var/data',
      MCP_LOG_LEVEL: 'trace',
      MCP_LOG_FORMAT: 'pretty',
      MCP_TOOLS_DIRS: `a,b${delimiter}a`,
      MCP_API_KEY: 'key-aaaaaaaaaaaaaaaa, key-bbbbbbbbbbbbbbbb',
      MCP_SERVER_NAME: 'from-env',
      MCP_TOOL_TIMEOUT_SECONDS: '2.5',
    };
    const { config, sources } = expectOk(loadConfig({ env, flags: {}, cwd }));
    assert.equal(config.transport.type, 'http-stream');
    assert.equal(config.transport.host, '0.0.0.0');
    assert.equal(config.transport.port, 8123);
    assert.equal(config.storage.type, 'duckdb');
    assert.equal(config.storage.path, join(cwd, 'engine'));
    assert.equal(config.storage.dataDir, join(cwd, 'var/data'));
    assert.equal(config.logging.level, 'trace');
    assert.equal(config.logging.format, 'pretty');
    assert.deepEqual(config.tools.dirs, [join(cwd, 'a'), join(cwd, 'b'), join(cwd, 'a')]);
    assert.deepEqual(config.transport.apiKeys, ['key-aaaaaaaaaaaaaaaa', 'key-bbbbbbbbbbbbbbbb']);
    assert.equal(config.server.name, 'from-env');
    assert.equal(config.tools.timeoutSeconds, 2.5);
    for (const [name, path] of Object.entries({ MCP_DATA_PATH: 'storage.dataDir', MCP_TOOLS_DIRS: 'tools.dirs', MCP_API_KEY: 'transport.apiKeys' })) {
      assert.deepEqual(sources[path], { kind: 'env', name });
    }
  });

  it('maps every flag to its key; --tools-dir replaces the file list', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'from-file'));
    mkdirSync(join(cwd, 'from-flag'));
    const yaml = 'tools:\n  dirs: [from-file]\n';
    const flags = { transport: 'sse', host: '::1', port: '0', toolsDirs: ['from-flag'], storage: 'lancedb', dataDir: 'd', logLevel: 'fatal' };
    const { config, sources } = expectOk(load({ cwd, yaml, env: { MCP_TOOLS_DIRS: 'from-file' }, flags }));
    assert.deepEqual(
      [config.transport.type, config.transport.host, config.transport.port, config.storage.type, config.storage.dataDir, config.logging.level],
      ['sse', '::1', 0, 'lancedb', join(cwd, 'd'), 'fatal'],
    );
    assert.deepEqual(config.tools.dirs, [join(cwd, 'from-flag')]);
    assert.deepEqual(sources['tools.dirs'], { kind: 'flag', name: '--tools-dir' });
    assert.deepEqual(sources['transport.port'], { kind: 'flag', name: '--port' });
  });

  it('ignores empty environment variables', () => {
    const { config, sources } = expectOk(load({ yaml: FILE, env: { MCP_PORT: '', MCP_HOST: '  ' } }));
    assert.equal(config.transport.port, 9001);
    assert.equal(sources['transport.port']?.kind, 'file');
  });

  it('reports bad env and flag values naming the variable or flag', () => {
    const result = expectProblems(load({ env: { MCP_PORT: '80x', MCP_TOOL_TIMEOUT_SECONDS: 'soon', MCP_TRANSPORT_TYPE: 'carrier-pigeon' }, flags: { port: '1.5', storage: 'floppy' } }));
    assert.deepEqual(result.problems.map(brief).sort(), [
      'env MCP_PORT transport.port',
      'env MCP_TOOL_TIMEOUT_SECONDS tools.timeoutSeconds',
      'env MCP_TRANSPORT_TYPE transport.type',
      'flag --port transport.port',
      'flag --storage storage.type',
    ]);
    const message = (name: string) => result.problems.find((p) => p.name === name)?.message;
    assert.equal(message('MCP_PORT'), 'expected an integer, got "80x"');
    assert.equal(message('MCP_TOOL_TIMEOUT_SECONDS'), 'expected a number, got "soon"');
    assert.equal(message('--port'), 'expected an integer, got "1.5"');
    assert.ok(result.problems.every((p) => p.file === undefined && p.line === undefined));
  });

  it('reports an out-of-range env value at the variable, not the file', () => {
    const result = expectProblems(load({ yaml: FILE, env: { MCP_PORT: '70000' } }));
    assert.deepEqual(result.problems.map(brief), ['env MCP_PORT transport.port']);
  });

  it('reports a missing directory from MCP_TOOLS_DIRS at the variable', () => {
    const cwd = tempDir();
    const result = expectProblems(loadConfig({ env: { MCP_TOOLS_DIRS: 'nowhere' }, flags: {}, cwd }));
    assert.deepEqual(result.problems.map(brief), ['env MCP_TOOLS_DIRS tools.dirs[0]']);
    assert.equal(result.problems[0]!.message, `directory not found: ${join(cwd, 'nowhere')}`);
  });
});

describe('loadConfig: relative paths', () => {
  it('resolves paths from the file against its directory, others against cwd', () => {
    const cwd = tempDir();
    const etc = join(cwd, 'etc', 'mcp');
    mkdirSync(join(etc, 'tools'), { recursive: true });
    const file = writeFile(etc, 'server.yaml', 'storage:\n  dataDir: ../../var\n  path: engine\ntools:\n  dirs: [tools]\ntransport:\n  tls:\n    keyFile: k.pem\n    certFile: c.pem\n');
    writeFile(etc, 'k.pem', 'key');
    writeFile(etc, 'c.pem', 'cert');
    const fromFile = expectOk(loadConfig({ configPath: file, env: {}, flags: {}, cwd })).config;
    assert.equal(fromFile.storage.dataDir, join(cwd, 'var'));
    assert.equal(fromFile.storage.path, join(etc, 'engine'));
    assert.deepEqual(fromFile.tools.dirs, [join(etc, 'tools')]);
    assert.deepEqual(fromFile.transport.tls, { keyFile: join(etc, 'k.pem'), certFile: join(etc, 'c.pem') });

    mkdirSync(join(cwd, 'tools'));
    const overridden = expectOk(loadConfig({ configPath: file, env: { MCP_STORAGE_PATH: 'engine' }, flags: { dataDir: 'data', toolsDirs: ['tools'] }, cwd })).config;
    assert.equal(overridden.storage.dataDir, join(cwd, 'data'));
    assert.equal(overridden.storage.path, join(cwd, 'engine'));
    assert.deepEqual(overridden.tools.dirs, [join(cwd, 'tools')]);
  });

  it('keeps absolute paths and resolves the default dataDir against cwd', () => {
    const cwd = tempDir();
    const elsewhere = tempDir();
    const { config } = expectOk(load({ cwd, yaml: `tools:\n  dirs: [${JSON.stringify(elsewhere)}]\n` }));
    assert.deepEqual(config.tools.dirs, [elsewhere]);
    assert.equal(config.storage.dataDir, join(cwd, 'data'));
  });
});
