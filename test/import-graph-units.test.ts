import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { importCycles, importGraph } from './helpers/import-graph.js';
import { repoRoot } from './helpers/stdio-server.js';

const graph = importGraph(path.join(repoRoot, 'src'));
const area = (file: string) => file.split(path.sep)[0]!;

describe('the import graph of src/', () => {
  it('has no import cycles between files (type-only imports included)', () => {
    assert.ok(graph.size > 100, 'the graph was read');
    assert.deepEqual(importCycles(graph), []);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    const cyclic = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    assert.deepEqual(importCycles(cyclic), [['a.ts', 'b.ts', 'c.ts']]);
  });

  // one direction of flow (DESIGN.md): storage commands return data and the CLI formats it, and so on
  const lowerLayers: Array<[string, string[]]> = [
    ['storage', ['cli', 'server', 'transports']],
    ['config', ['cli', 'server', 'transports', 'storage']],
    ['modules', ['cli', 'server', 'transports']],
    ['observability', ['cli', 'server', 'transports']],
  ];
  for (const [lower, higher] of lowerLayers) {
    it(`src/${lower} imports nothing from ${higher.map((name) => `src/${name}`).join(', ')}`, () => {
      const wrong = [...graph].flatMap(([file, targets]) => (area(file) === lower ? targets.filter((target) => higher.includes(area(target))).map((target) => `${file} -> ${target}`) : []));
      assert.deepEqual(wrong, []);
    });
  }
});
