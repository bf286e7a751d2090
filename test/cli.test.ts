import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot, runBinary } from './helpers/stdio-server.js';

describe('mcp-server command line', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const result = await runBinary(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), version);
  });

  it('--help lists every documented flag', async () => {
    const result = await runBinary(['--help']);
    assert.equal(result.code, 0);
    for (const flag of [
      '--config',
      '--transport',
      '--host',
      '--port',
      '--tools-dir',
      '--storage',
      '--data-dir',
      '--log-level',
      '--ssl-keyfile',
      '--ssl-certfile',
      '--validate-config',
      '--print-config',
      '--format',
      '--backup',
      '--restore',
      '--repair-database',
      '--migrate',
    ]) {
      assert.ok(result.stdout.includes(flag), `${flag} missing from --help`);
    }
  });

  const usageErrors: Array<[string[], RegExp]> = [
    [['--bogus'], /unknown option '--bogus'/],
    [['--transport', 'carrier-pigeon'], /carrier-pigeon/],
    [['--storage', 'mysql'], /mysql/],
    [['--port', 'eighty'], /--port/],
    [['--port', '70000'], /--port/],
    [['--log-level', 'loud'], /loud/],
    [['--backup'], /--backup needs --output/],
    [['--validate-config', '--print-config'], /choose one of/],
    [['--format', 'yaml'], /--format goes with --print-config/],
    [['--print-config', '--format', 'toml'], /toml/],
  ];
  for (const [args, message] of usageErrors) {
    it(`${args.join(' ')} is a usage error: one line, exit code 2`, async () => {
      const result = await runBinary(args);
      assert.equal(result.code, 2);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, `one line, got: ${result.stderr}`);
      assert.equal(result.stdout, '');
    });
  }
});
