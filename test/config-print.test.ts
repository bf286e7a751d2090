import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { formatEffectiveConfig, formatProblems } from '../src/config/print.js';
import type { ConfigProblem } from '../src/config/types.js';
import { expectOk, load, tempDir } from './helpers/config-fixtures.js';

const SECRET = 'do-not-print-me-0123456789';
const KEY = 'api-key-must-stay-hidden-42';

describe('formatEffectiveConfig', () => {
  const cwd = tempDir();
  const yaml = ['server:', `  requestStateSecret: ${SECRET}`, 'transport:', '  host: 0.0.0.0', 'modules:', '  weather:', '    units: metric', '    apiToken: token-value-xyz', ''].join('\n');
  const result = expectOk(load({ cwd, yaml, env: { MCP_PORT: '9003', MCP_API_KEY: KEY }, flags: { logLevel: 'warn' } }));
  const text = formatEffectiveConfig(result, { cwd });
  const line = (key: string) => text.split('\n').find((l) => l.trimStart().startsWith(`${key}:`));

  it('follows each value with its source', () => {
    assert.match(line('host')!, /^ {2}host: "0\.0\.0\.0" +# config\.yaml:4:9$/);
    assert.match(line('port')!, /^ {2}port: 9003 +# env MCP_PORT$/);
    assert.match(line('level')!, /^ {2}level: "warn" +# flag --log-level$/);
    assert.match(line('endpoint')!, /^ {2}endpoint: "\/mcp" +# default$/);
    assert.match(line('instructions')!, /^ {2}instructions: ~ +# default \(unset\)$/);
    assert.match(text, /^# Effective configuration \(config file: config\.yaml;/);
  });

  it('never prints secrets, and says they are set', () => {
    for (const value of [SECRET, KEY, 'token-value-xyz']) assert.ok(!text.includes(value), `${value} leaked`);
    assert.match(line('requestStateSecret')!, /"\[redacted\]" +# config\.yaml:2:23$/);
    assert.match(line('apiKeys')!, /"\[redacted\]" +# env MCP_API_KEY$/);
    assert.match(line('apiToken')!, /"\[redacted\]"/);
    assert.match(line('units')!, /"metric"/);
  });

  it('is valid YAML that reads back as the effective config (secrets redacted)', () => {
    const parsed = parse(text);
    assert.equal(parsed.transport.port, 9003);
    assert.equal(parsed.storage.dataDir, join(cwd, 'data'));
    assert.deepEqual(parsed.tools, result.config.tools);
    assert.equal(parsed.transport.apiKeys, '[redacted]');
  });

  it('shows an empty secret list as empty, and files outside cwd as absolute paths', () => {
    const other = expectOk(load({ yaml: 'server:\n  name: x\n' }));
    const printed = formatEffectiveConfig(other, { cwd });
    assert.match(printed, /apiKeys: \[\] +# default/);
    assert.ok(printed.includes(`# ${other.configFile}:2:9`));
  });
});

describe('formatProblems', () => {
  it('prints one line per problem with its location', () => {
    const cwd = '/srv/app';
    const problems: ConfigProblem[] = [
      { path: 'transport.port', message: 'Too big', file: '/srv/app/config.yaml', line: 12, column: 9, origin: 'file' },
      { path: '', message: 'Nested mappings\nare not allowed', file: '/etc/mcp.yaml', line: 3, column: 1, origin: 'file' },
      { path: 'transport.port', message: 'expected an integer, got "x"', origin: 'env', name: 'MCP_PORT' },
      { path: 'logging.level', message: 'Invalid option', origin: 'flag', name: '--log-level' },
      { path: '', message: 'config file not found: /srv/app/x.yaml', file: '/srv/app/x.yaml', origin: 'flag', name: '--config' },
      { path: '', message: 'cannot read config file: permission denied', file: '/srv/app/y.yaml', origin: 'file' },
    ];
    assert.equal(
      formatProblems(problems, { cwd }),
      [
        'config.yaml:12:9: transport.port: Too big',
        '/etc/mcp.yaml:3:1: Nested mappings are not allowed',
        'env MCP_PORT: transport.port: expected an integer, got "x"',
        'flag --log-level: logging.level: Invalid option',
        'flag --config: config file not found: /srv/app/x.yaml',
        'y.yaml: cannot read config file: permission denied',
      ].join('\n'),
    );
  });
});
