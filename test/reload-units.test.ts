import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ModuleFileCache } from '../src/modules/file-cache.js';
import { buildRegistry } from '../src/modules/registry.js';
import { changedLists, diffSnapshots } from '../src/modules/snapshot-diff.js';
import { CoalescingRunner } from '../src/server/coalescing-runner.js';
import { compareSettings } from '../src/server/settings-change.js';
import { isRelevantChange } from '../src/server/watch.js';
import { expectOk, load, tempDir, writeFile } from './helpers/config-fixtures.js';
import { answeringTool } from './helpers/module-sources.js';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CoalescingRunner (the reload queue)', () => {
  it('runs one job at a time; requests during a run share exactly one later run', async () => {
    const runs: Array<{ requests: readonly string[]; start: number; end: number }> = [];
    let clock = 0;
    let release: () => void = () => undefined;
    const runner = new CoalescingRunner<string, number>(async (requests) => {
      const run = { requests, start: ++clock, end: 0 };
      runs.push(run);
      if (runs.length === 1) await new Promise<void>((resolve) => (release = resolve)); // the first run is slow
      run.end = ++clock;
      return runs.length;
    });
    const first = runner.request('a');
    await tick();
    const second = runner.request('b');
    const third = runner.request('c');
    await tick();
    assert.equal(runs.length, 1, 'nothing else starts while a run is going');
    release();
    assert.deepEqual(await Promise.all([first, second, third]), [1, 2, 2]);
    assert.deepEqual(
      runs.map((run) => run.requests),
      [['a'], ['b', 'c']],
    );
    assert.ok(runs[1]!.start > runs[0]!.end, 'the later run starts only after the earlier one ended');
    assert.equal(await runner.request('d'), 3, 'an idle runner starts at once');
  });

  it('a failed run does not stop the next one', async () => {
    let calls = 0;
    const runner = new CoalescingRunner<string, string>(async () => {
      calls += 1;
      await tick();
      if (calls === 1) throw new Error('boom');
      return 'ok';
    });
    const failed = runner.request('a');
    const next = runner.request('b');
    await assert.rejects(failed, /boom/);
    assert.equal(await next, 'ok');
    await runner.idle();
  });
});

describe('compareSettings', () => {
  const loaded = (yaml: string) => expectOk(load({ yaml, cwd: dir }));
  const dir = tempDir();
  mkdirSync(path.join(dir, 'more'));

  it('names live changes and restart-required ones, and keeps the running values of the latter', () => {
    const running = loaded('transport: { port: 8000, apiKeys: ["aaaaaaaaaaaaaaaa"] }\nlogging: { level: info }\n');
    const tls = `tls: { keyFile: ${JSON.stringify(writeFile(dir, 'k.pem'))}, certFile: ${JSON.stringify(writeFile(dir, 'c.pem'))} }`;
    const next = loaded(
      `transport: { port: 9000, apiKeys: ["bbbbbbbbbbbbbbbb"], ${tls} }\nlogging: { level: debug }\ntools: { dirs: [more] }\nmodules: { weather: { units: metric } }\nstorage: { type: duckdb }\n`,
    );
    const change = compareSettings(running, next);
    assert.deepEqual(change.changed, ['logging.level', 'modules.weather.units', 'tools.dirs', 'transport.apiKeys']);
    assert.deepEqual(change.restartRequired, ['storage.type', 'transport.port', 'transport.tls.certFile', 'transport.tls.keyFile']);
    assert.equal(change.applied.config.transport.port, 8000);
    assert.equal(change.applied.config.storage.type, 'lowdb');
    assert.deepEqual(change.applied.config.transport.tls, {});
    assert.deepEqual(change.applied.config.transport.apiKeys, ['bbbbbbbbbbbbbbbb']);
    assert.equal(change.applied.config.logging.level, 'debug');
    assert.deepEqual(change.applied.sources['transport.port'], running.sources['transport.port']);
  });

  it('finds nothing when nothing changed', () => {
    const yaml = 'tools: { disabled: [x] }\n';
    const change = compareSettings(loaded(yaml), loaded(yaml));
    assert.deepEqual([change.changed, change.restartRequired], [[], []]);
  });
});

describe('module file cache and snapshot diff', () => {
  const tool = (name: string, description: string, answer = name) => answeringTool(name, answer, description);

  it('re-imports only changed files; unchanged ones keep their definition objects', async () => {
    const dir = tempDir();
    const cache = new ModuleFileCache();
    writeFileSync(path.join(dir, 'a.mjs'), tool('alpha', 'A'));
    writeFileSync(path.join(dir, 'b.mjs'), tool('beta', 'B'));
    const build = (generation: number) => buildRegistry({ dirs: [dir], enabled: ['*'], disabled: [], generation, cache });
    const first = await build(1);
    assert.deepEqual(
      first.imported.map((file) => path.basename(file)),
      ['a.mjs', 'b.mjs'],
    );

    writeFileSync(path.join(dir, 'b.mjs'), tool('beta', 'B', 'beta v2')); // implementation only
    writeFileSync(path.join(dir, 'c.mjs'), tool('gamma', 'C'));
    const second = await build(2);
    assert.deepEqual(
      second.imported.map((file) => path.basename(file)),
      ['b.mjs', 'c.mjs'],
    );
    assert.equal(second.tools.get('alpha'), first.tools.get('alpha'), 'an unchanged file is not imported again');
    assert.notEqual(second.tools.get('beta'), first.tools.get('beta'));

    const diff = diffSnapshots(first, second);
    assert.deepEqual(diff.tools, { added: ['gamma'], removed: [], updated: [] }, 'a new implementation lists the same');
    assert.deepEqual(changedLists(diff), ['tools']);

    writeFileSync(path.join(dir, 'b.mjs'), tool('beta', 'B described anew'));
    const third = await build(3);
    assert.deepEqual(diffSnapshots(second, third).tools, { added: [], removed: [], updated: ['beta'] });
    assert.deepEqual(changedLists(diffSnapshots(third, third)), []);

    const fourth = await buildRegistry({ dirs: [dir], enabled: ['*'], disabled: ['gamma'], generation: 4, cache });
    assert.deepEqual(fourth.imported, [], 'a filter change imports nothing');
    assert.deepEqual(diffSnapshots(third, fourth).tools, { added: [], removed: ['gamma'], updated: [] });
  });
});

describe('what --watch reacts to', () => {
  const root = path.join(path.sep, 'srv', 'tools');
  const at = (...parts: string[]) => path.join(root, ...parts);
  it('module files and directories under a watched root', () => {
    assert.equal(isRelevantChange(at('a.ts'), [root], false), true);
    assert.equal(isRelevantChange(at('sub', 'b.mjs'), [root], false), true);
    assert.equal(isRelevantChange(at('sub'), [root], true), true);
  });
  it('not editor temp files, dot-files, node_modules, tests or other files', () => {
    for (const name of ['a.ts~', '.a.ts.swp', 'a.ts.swp', '#a.ts#', '.#a.ts', '4913', 'a.ts.tmp', 'a.test.ts', 'a.d.ts', 'notes.md', '.hidden.ts']) {
      assert.equal(isRelevantChange(at(name), [root], false), false, name);
    }
    assert.equal(isRelevantChange(at('node_modules', 'x', 'index.js'), [root], false), false);
    assert.equal(isRelevantChange(at('node_modules'), [root], true), false);
    assert.equal(isRelevantChange(at('.git', 'x.ts'), [root], false), false);
    assert.equal(isRelevantChange(path.join(path.sep, 'elsewhere', 'a.ts'), [root], false), false);
  });
});
