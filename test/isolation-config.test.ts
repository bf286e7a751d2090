import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatCleanConfig } from '../src/config/print.js';
import { isolationOf } from '../src/server/isolation/worker-isolation.js';
import { brief, expectOk, expectProblems, load, tempDir } from './helpers/config-fixtures.js';

describe('isolation settings', () => {
  const project = () => {
    const cwd = tempDir();
    for (const dir of ['trusted', 'vendor', 'vendor/inner']) mkdirSync(join(cwd, dir), { recursive: true });
    return cwd;
  };

  it('reads tools.dirs entries as paths or { path, isolation }, resolving paths against the config file', () => {
    const cwd = project();
    const { config } = expectOk(load({ cwd, yaml: 'tools:\n  dirs:\n    - ./trusted\n    - path: ./vendor\n      isolation: Worker\n' }));
    assert.deepEqual(config.tools.dirs, [join(cwd, 'trusted'), { path: join(cwd, 'vendor'), isolation: 'worker' }]);
    assert.equal(config.tools.isolation, 'none');
    assert.deepEqual(config.tools.workers, { size: 0, resourceLimits: { maxOldGenerationSizeMb: 512, stackSizeMb: 4 } });
  });

  it('chooses per module, then per directory (the innermost), then tools.isolation', () => {
    const cwd = project();
    const yaml =
      'tools:\n  isolation: worker\n  dirs:\n    - ./trusted\n    - path: ./vendor\n      isolation: none\n    - path: ./vendor/inner\n      isolation: worker\nmodules:\n  pinned:\n    isolation: none\n  boxed:\n    isolation: worker\n';
    const isolation = isolationOf(expectOk(load({ cwd, yaml })).config);
    assert.equal(isolation(join(cwd, 'trusted', 'a.ts')), 'worker', 'tools.isolation');
    assert.equal(isolation(join(cwd, 'vendor', 'b.ts')), 'none', 'its directory');
    assert.equal(isolation(join(cwd, 'vendor', 'inner', 'c.mjs')), 'worker', 'the innermost directory');
    assert.equal(isolation(join(cwd, 'trusted', 'pinned.ts')), 'none', 'its module setting');
    assert.equal(isolation(join(cwd, 'vendor', 'boxed.js')), 'worker', 'its module setting');
    assert.equal(isolation(join(cwd, 'vendorish', 'd.js')), 'worker', 'a sibling directory with a longer name is not inside vendor');
  });

  it('refuses an unknown isolation, a directory entry without a path and a missing directory, each at its place', () => {
    const cwd = project();
    const result = expectProblems(
      load({ cwd, yaml: 'tools:\n  isolation: thread\n  dirs:\n    - isolation: worker\n    - path: ./missing\n      isolation: worker\nmodules:\n  x:\n    isolation: sandbox\n' }),
    );
    const problems = result.problems.map((problem) => `${brief(problem)}: ${problem.message}`);
    assert.ok(
      problems.some((line) => line.startsWith('2:14 tools.isolation')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((line) => line.startsWith('4:7 tools.dirs[0]') && /expected a directory, or \{ path, isolation \}/.test(line)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((line) => line.startsWith('9:16 modules.x.isolation')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((line) => line.startsWith('5:13 tools.dirs[1].path: directory not found')),
      problems.join('\n'),
    );
  });

  it('prints a clean config with directory entries relative to the file again', () => {
    const cwd = project();
    const loaded = expectOk(load({ cwd, yaml: 'tools:\n  dirs:\n    - ./trusted\n    - path: ./vendor\n      isolation: worker\n' }));
    assert.match(formatCleanConfig(loaded, { cwd }), /dirs:\n\s+- \.\/trusted\n\s+- path: \.\/vendor\n\s+isolation: worker/);
  });
});
