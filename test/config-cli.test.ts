import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir, writeFile } from './helpers/config-fixtures.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'mcp-server');

const SECRET = 'request-state-secret-never-shown';
const API_KEY = 'api-key-from-env-never-shown';

/** Runs the real binary in `cwd` with only the given MCP_* variables set. */
function run(args: string[], cwd: string, mcpEnv: Record<string, string> = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MCP_')));
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, env: { ...env, ...mcpEnv }, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function goodConfig(): { dir: string; file: string } {
  const dir = tempDir();
  mkdirSync(join(dir, 'my-tools'));
  const file = writeFile(
    dir,
    'config.yaml',
    ['server:', '  name: cli-test', `  requestStateSecret: ${SECRET}`, 'transport:', '  port: 9000', 'tools:', '  builtins: false', '  dirs: [./my-tools]', ''].join('\n'),
  );
  return { dir, file };
}

describe('mcp-server --validate-config', () => {
  it('exits 0 for a good file', () => {
    const { dir, file } = goodConfig();
    const { code, stderr } = run(['--validate-config', '--config', file], dir);
    assert.equal(code, 0, stderr);
  });

  it('exits 1 and prints every problem with line:column on stderr', () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'bad.yaml',
      ['transport:', '  port: 70000', '  prot: 1', 'tools:', '  dirs:', '    - ./missing', 'logging:', '  level: loud', 'server:', '  name: [1, 2]', ''].join('\n'),
    );
    const { code, stdout, stderr } = run(['--validate-config', '--config', file], dir);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    for (const expected of [
      /^bad\.yaml:2:9: transport\.port: .*65535/m,
      /^bad\.yaml:3:3: transport\.prot: unknown key "prot"; did you mean "port"\?$/m,
      /^bad\.yaml:6:7: tools\.dirs\[0\]: directory not found: /m,
      /^bad\.yaml:8:10: logging\.level: /m,
      /^bad\.yaml:10:9: server\.name: .*string/m,
    ]) {
      assert.match(stderr, expected);
    }
  });

  it('exits 1 for YAML syntax errors and for a missing --config file', () => {
    const dir = tempDir();
    const broken = writeFile(dir, 'broken.yaml', 'transport:\n  host: a: b\n');
    const syntax = run(['--validate-config', '--config', broken], dir);
    assert.equal(syntax.code, 1);
    assert.match(syntax.stderr, /^broken\.yaml:2:9: Nested mappings/m);
    const missing = run(['--validate-config', '--config', 'absent.yaml'], dir);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^flag --config: config file not found: .*absent\.yaml$/m);
  });

  it('names a bad environment variable', () => {
    const { dir, file } = goodConfig();
    const { code, stderr } = run(['--validate-config', '--config', file], dir, { MCP_PORT: 'eighty' });
    assert.equal(code, 1);
    assert.match(stderr, /^env MCP_PORT: transport\.port: expected an integer, got "eighty"$/m);
  });
});

describe('mcp-server --print-config', () => {
  it('prints the effective config with sources on stdout, secrets redacted', () => {
    const { dir, file } = goodConfig();
    const { code, stdout, stderr } = run(['--print-config', '--config', file, '--log-level', 'warn'], dir, { MCP_HOST: '0.0.0.0', MCP_API_KEY: API_KEY });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^ {2}name: "cli-test" +# config\.yaml:2:9$/m);
    assert.match(stdout, /^ {2}port: 9000 +# config\.yaml:5:9$/m);
    assert.match(stdout, /^ {2}host: "0\.0\.0\.0" +# env MCP_HOST$/m);
    assert.match(stdout, /^ {2}level: "warn" +# flag --log-level$/m);
    assert.match(stdout, /^ {2}endpoint: "\/mcp" +# default$/m);
    assert.match(stdout, /^ {2}dirs: \[".*my-tools"\] +# config\.yaml:8:9$/m);
    assert.match(stdout, /^ {2}requestStateSecret: "\[redacted\]"/m);
    assert.match(stdout, /^ {2}apiKeys: "\[redacted\]" +# env MCP_API_KEY$/m);
    assert.ok(!stdout.includes(SECRET) && !stderr.includes(SECRET), 'requestStateSecret leaked');
    assert.ok(!stdout.includes(API_KEY) && !stderr.includes(API_KEY), 'API key leaked');
  });
});
