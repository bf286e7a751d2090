import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config/load.js';
import { configSchema } from '../src/config/schema.js';
import { brief, expectOk, expectProblems, load, tempDir, writeFile } from './helpers/config-fixtures.js';

describe('loadConfig: the config file', () => {
  it('uses defaults when there is no ./config.yaml', () => {
    const cwd = tempDir();
    const result = expectOk(loadConfig({ env: {}, flags: {}, cwd }));
    assert.equal(result.configFile, undefined);
    assert.equal(result.config.transport.port, 8000);
    assert.equal(result.config.storage.dataDir, join(cwd, 'data'));
    assert.deepEqual(result.sources['transport.port'], { kind: 'default' });
  });

  it('reads ./config.yaml from cwd by default', () => {
    const cwd = tempDir();
    const result = expectOk(load({ cwd, yaml: 'transport:\n  port: 9100\n' }));
    assert.equal(result.configFile, join(cwd, 'config.yaml'));
    assert.equal(result.config.transport.port, 9100);
  });

  it('treats an empty file, or one with only comments, as all defaults', () => {
    const defaults = configSchema.parse({});
    for (const yaml of ['', '# nothing here\n', '\n\n']) {
      const { config } = expectOk(load({ yaml }));
      assert.equal(config.transport.port, defaults.transport.port);
      assert.deepEqual(config.tools, defaults.tools);
    }
  });

  it('treats a key without a value as unset', () => {
    const { config, sources } = expectOk(load({ yaml: 'transport:\n  port:\n  tls:\nstorage:\n' }));
    assert.equal(config.transport.port, 8000);
    assert.deepEqual(sources['transport.port'], { kind: 'default' });
  });

  it('reports a --config file that does not exist, naming the flag', () => {
    const cwd = tempDir();
    const result = expectProblems(loadConfig({ configPath: 'nope.yaml', env: {}, flags: {}, cwd }));
    assert.equal(result.configFile, join(cwd, 'nope.yaml'));
    assert.deepEqual(result.problems, [{ path: '', message: `config file not found: ${join(cwd, 'nope.yaml')}`, file: join(cwd, 'nope.yaml'), origin: 'flag', name: '--config' }]);
  });

  it('reports an MCP_CONFIG_PATH file that does not exist, naming the variable', () => {
    const cwd = tempDir();
    const result = expectProblems(loadConfig({ env: { MCP_CONFIG_PATH: 'missing.yaml' }, flags: {}, cwd }));
    assert.equal(result.problems.length, 1);
    assert.equal(brief(result.problems[0]!), 'env MCP_CONFIG_PATH ');
  });

  it('prefers --config over MCP_CONFIG_PATH over ./config.yaml', () => {
    const cwd = tempDir();
    writeFile(cwd, 'config.yaml', 'server:\n  name: default-file\n');
    writeFile(cwd, 'env.yaml', 'server:\n  name: env-file\n');
    writeFile(cwd, 'flag.yaml', 'server:\n  name: flag-file\n');
    const name = (configPath?: string, env: Record<string, string> = {}) => expectOk(loadConfig({ ...(configPath ? { configPath } : {}), env, flags: {}, cwd })).config.server.name;
    assert.equal(name(), 'default-file');
    assert.equal(name(undefined, { MCP_CONFIG_PATH: 'env.yaml' }), 'env-file');
    assert.equal(name('flag.yaml', { MCP_CONFIG_PATH: 'env.yaml' }), 'flag-file');
  });

  it('reports a config path that is a directory', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'conf.d'));
    const result = expectProblems(loadConfig({ configPath: 'conf.d', env: {}, flags: {}, cwd }));
    assert.match(result.problems[0]!.message, /cannot read config file: it is a directory/);
    assert.equal(result.problems[0]!.file, join(cwd, 'conf.d'));
  });
});

describe('loadConfig: problems carry line:column', () => {
  it('reports YAML syntax errors at their position', () => {
    const result = expectProblems(load({ yaml: 'transport:\n  port: 1\n  host: a: b\n' }));
    assert.equal(result.problems.length, 1);
    const [problem] = result.problems;
    assert.deepEqual([problem!.line, problem!.column, problem!.origin, problem!.path], [3, 9, 'file', '']);
    assert.match(problem!.message, /^Nested mappings are not allowed/);
    assert.doesNotMatch(problem!.message, /\n/);
  });

  it('reports duplicate keys', () => {
    const result = expectProblems(load({ yaml: 'server:\n  name: a\n  name: b\n' }));
    assert.equal(brief(result.problems[0]!), '3:3 ');
    assert.match(result.problems[0]!.message, /unique/);
  });

  it('reports a file that is not a mapping', () => {
    const result = expectProblems(load({ yaml: '- just\n- a list\n' }));
    assert.equal(brief(result.problems[0]!), '1:1 ');
    assert.match(result.problems[0]!.message, /must be a mapping/);
  });

  it('reports an unknown key at the key, suggesting the likely one', () => {
    const result = expectProblems(load({ yaml: 'transport:\n  type: stdio\n  prot: 9000\n' }));
    assert.deepEqual(result.problems.map(brief), ['3:3 transport.prot']);
    assert.equal(result.problems[0]!.message, 'unknown key "prot"; did you mean "port"?');
  });

  it('reports an unknown top-level section, listing the known ones', () => {
    const result = expectProblems(load({ yaml: 'logging:\n  level: info\nextras:\n  x: 1\n' }));
    assert.deepEqual(result.problems.map(brief), ['3:1 extras']);
    assert.match(result.problems[0]!.message, /^unknown key "extras"; known keys: strict, server, transport, storage, tools, logging, metrics, modules, upstreams$/);
  });

  it('reports an unknown key even when it has no value', () => {
    const result = expectProblems(load({ yaml: 'storage:\n  dataDri:\n' }));
    assert.deepEqual(result.problems.map(brief), ['2:3 storage.dataDri']);
    assert.match(result.problems[0]!.message, /did you mean "dataDir"/);
  });

  it('reports a wrong type at the value', () => {
    const result = expectProblems(load({ yaml: 'transport:\n  port: "8000"\ntools:\n  builtins: yes please\n' }));
    assert.deepEqual(result.problems.map(brief), ['2:9 transport.port', '4:13 tools.builtins']);
    assert.match(result.problems[0]!.message, /expected number, received string/);
    assert.match(result.problems[1]!.message, /expected boolean/);
  });

  it('reports a section of the wrong shape at its value', () => {
    const result = expectProblems(load({ yaml: 'transport: 5\n' }));
    assert.deepEqual(result.problems.map(brief), ['1:12 transport']);
  });

  it('reports out-of-range values', () => {
    const yaml = ['transport:', '  port: 70000', '  sessions:', '    max: 0', 'storage:', '  embedder:', '    dimensions: 8', ''].join('\n');
    const result = expectProblems(load({ yaml }));
    assert.deepEqual(result.problems.map(brief), ['2:9 transport.port', '4:10 transport.sessions.max', '7:17 storage.embedder.dimensions']);
    assert.match(result.problems[0]!.message, /65535/);
  });

  it('reports a bad enum value and a bad list item at the item', () => {
    const result = expectProblems(load({ yaml: 'logging:\n  level: loud\ntransport:\n  apiKeys:\n    - long-enough-key-000\n    - short\n' }));
    assert.deepEqual(result.problems.map(brief), ['2:10 logging.level', '6:7 transport.apiKeys[1]']);
    assert.match(result.problems[0]!.message, /"trace"\|"debug"/);
  });

  it('reports every missing tools directory at its entry', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'tools'));
    writeFile(cwd, 'afile', 'x');
    const result = expectProblems(load({ cwd, yaml: 'tools:\n  dirs:\n    - ./tools\n    - ./gone\n    - afile\n' }));
    assert.deepEqual(result.problems.map(brief), ['4:7 tools.dirs[1]', '5:7 tools.dirs[2]']);
    assert.equal(result.problems[0]!.message, `directory not found: ${join(cwd, 'gone')}`);
    assert.equal(result.problems[1]!.message, `not a directory: ${join(cwd, 'afile')}`);
    assert.equal(result.problems[0]!.file, join(cwd, 'config.yaml'));
  });

  it('reports a TLS key without a certificate, and missing TLS files', () => {
    const result = expectProblems(load({ yaml: 'transport:\n  tls:\n    keyFile: ./key.pem\n' }));
    assert.deepEqual(result.problems.map(brief), ['3:14 transport.tls.keyFile', '3:14 transport.tls.keyFile']);
    assert.deepEqual(
      result.problems.map((p) => p.message.split(':')[0]),
      ['file not found', 'certFile is required when keyFile is set (both are needed to serve HTTPS)'],
    );
  });

  it('collects all problems from file, env and flags, file ones in file order', () => {
    const yaml = 'server:\n  name: ""\ntransport:\n  port: -1\n  bogus: true\n';
    const result = expectProblems(load({ yaml, env: { MCP_LOG_LEVEL: 'chatty' }, flags: { port: 'eighty' } }));
    assert.deepEqual(result.problems.map(brief), ['2:9 server.name', '4:9 transport.port', '5:3 transport.bogus', 'env MCP_LOG_LEVEL logging.level', 'flag --port transport.port']);
  });
});
