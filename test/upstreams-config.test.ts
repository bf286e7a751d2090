import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatCleanConfig, formatEffectiveConfig } from '../src/config/print.js';
import { expectOk, expectProblems, load, tempDir, writeFile } from './helpers/config-fixtures.js';
import { runBinary } from './helpers/stdio-server.js';

const TOKEN = 'ghp_do-not-print-this-token';
const HEADER = 'Bearer remote-secret-never-printed';

describe('upstreams: config section', () => {
  it('reads a stdio and a remote upstream with their defaults; cwd resolves against the config file', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'gh'));
    const config = expectOk(
      load({
        cwd,
        yaml: ['upstreams:', '  github:', '    command: npx', '    args: [-y, server]', '    cwd: ./gh', '  search:', '    url: https://search.example.com/mcp', '    prefix: ""', ''].join('\n'),
      }),
    ).config;
    assert.equal(config.upstreams.github!.cwd, join(cwd, 'gh'));
    assert.deepEqual(config.upstreams.github!.enabled, ['*']);
    assert.equal(config.upstreams.github!.timeoutSeconds, 60);
    assert.equal(config.upstreams.github!.required, false);
    assert.deepEqual(config.upstreams.github!.restart, { maxRetries: 10, initialDelaySeconds: 1, maxDelaySeconds: 60 });
    assert.equal(config.upstreams.search!.prefix, '');
  });

  it('refuses an upstream with both or neither of command and url, a bad name, or url-only keys on a command', () => {
    const cwd = tempDir();
    const problems = expectProblems(
      load({
        cwd,
        yaml: [
          'upstreams:',
          '  both: { command: a, url: "http://x/mcp" }',
          '  neither: { prefix: n_ }',
          '  "bad name": { command: a }',
          '  mixed: { command: a, headers: { A: b } }',
          '  ftp: { url: "ftp://x/mcp" }',
          '',
        ].join('\n'),
      }),
    ).problems.map((problem) => `${problem.path}: ${problem.message}`);
    assert.ok(
      problems.some((line) => /^upstreams\.both\.url: set either command .* or url/.test(line)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((line) => /^upstreams\.neither: set command .* or url/.test(line)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((line) => /^upstreams\["bad name"\]: an upstream name is letters/.test(line)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((line) => /^upstreams\.mixed\.headers: headers go with url/.test(line)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((line) => /^upstreams\.ftp\.url: must be an http/.test(line)),
      problems.join('\n'),
    );
  });

  it('a missing cwd is a problem at load, like a missing tools directory', () => {
    const problems = expectProblems(load({ yaml: 'upstreams:\n  a: { command: x, cwd: ./nowhere }\n' })).problems;
    assert.match(problems[0]!.message, /directory not found/);
    assert.equal(problems[0]!.path, 'upstreams.a.cwd');
  });

  it('--print-config never shows header values or credential-like env values', () => {
    const cwd = tempDir();
    const yaml = [
      'upstreams:',
      '  github:',
      '    command: npx',
      '    env:',
      `      GITHUB_TOKEN: ${TOKEN}`,
      '      LOG_LEVEL: debug',
      '  remote:',
      '    url: https://r.example.com/mcp',
      '    headers:',
      `      Authorization: ${HEADER}`,
      '',
    ].join('\n');
    const loaded = expectOk(load({ cwd, yaml }));
    for (const text of [formatEffectiveConfig(loaded, { cwd }), formatCleanConfig(loaded, { cwd })]) {
      assert.ok(!text.includes(TOKEN) && !text.includes(HEADER), text);
      assert.match(text, /LOG_LEVEL: "?debug"?/);
    }
    assert.match(formatEffectiveConfig(loaded, { cwd }), /headers: "\[redacted\]"/);
  });
});

describe('upstreams: --validate-config', () => {
  it('checks that each command exists and each ${VAR} is set, without starting anything', async () => {
    const dir = tempDir();
    const config = writeFile(
      dir,
      'config.yaml',
      [
        'upstreams:',
        `  ok: { command: ${JSON.stringify(process.execPath)}, args: ["-e", "0"] }`,
        '  onpath: { command: node }',
        '  missing: { command: no-such-mcp-server-binary }',
        '  unset: { url: "https://x.example.com/mcp", headers: { Authorization: "Bearer ${NO_SUCH_TOKEN_VAR}" } }',
        '',
      ].join('\n'),
    );
    const { code, stderr } = await runBinary(['--validate-config', '--config', config, '--data-dir', join(dir, 'data')]);
    assert.equal(code, 1);
    assert.match(stderr, /upstreams\.missing\.command: "no-such-mcp-server-binary" was not found on PATH/);
    assert.match(stderr, /upstreams\.unset\.headers\.Authorization: uses \$\{NO_SUCH_TOKEN_VAR\}, which is not set/);
    assert.doesNotMatch(stderr, /upstreams\.(ok|onpath)/);
    assert.match(stderr, /2 upstream problem\(s\)/);

    const good = writeFile(dir, 'good.yaml', `upstreams:\n  ok: { command: ${JSON.stringify(process.execPath)} }\n`);
    const valid = await runBinary(['--validate-config', '--config', good, '--data-dir', join(dir, 'data')]);
    assert.equal(valid.code, 0, valid.stderr);
    assert.match(valid.stdout, /1 upstream \(not started\)/);
  });
});
