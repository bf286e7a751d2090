import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runBinary, startStdioServer, structured, tempDir } from './helpers/stdio-server.js';

describe('lowdb journal repair', () => {
  it('--repair-database keeps every complete entry of a journal with bad lines in the middle, and a copy of the original', async (t) => {
    const { dir, cleanup } = await tempDir('mcp-journal-repair-');
    t.after(cleanup);
    const dataDir = path.join(dir, 'data');
    const args = ['--storage', 'lowdb', '--data-dir', dataDir];
    const server = await startStdioServer({ era: 'legacy', args });
    try {
      for (const key of ['a', 'b', 'c', 'd']) structured(await server.client.callTool({ name: 'kv_set', arguments: { key, value: `value of ${key}` } }));
    } finally {
      await server.close();
    }
    const journal = path.join(dataDir, 'lowdb', 'kv.journal.jsonl');
    const [a, b, c, d] = (await readFile(journal, 'utf8')).split('\n');
    // what an append cut short by a full disk used to leave: half of b, then c glued to it; and a line of noise
    const damaged = `${a}\n${b!.slice(0, 25)}${c}\nnot a journal entry\n${d}\n`;
    await writeFile(journal, damaged);

    const refused = await runBinary(['--transport', 'stdio', ...args]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /kv\.journal\.jsonl line 2 is not a journal entry.*--repair-database/);

    const repair = await runBinary(['--repair-database', ...args]);
    assert.equal(repair.code, 0, repair.stdout + repair.stderr);
    assert.match(repair.stdout, /kv\.journal\.jsonl: kept 3 complete entries, dropped 2 damaged lines \(2, 3\); the original is kept at .*kv\.journal\.jsonl\.damaged-/);
    const copies = (await readdir(path.join(dataDir, 'lowdb'))).filter((file) => file.startsWith('kv.journal.jsonl.damaged-'));
    assert.equal(copies.length, 1);
    assert.equal(await readFile(path.join(dataDir, 'lowdb', copies[0]!), 'utf8'), damaged, 'the copy is the original, byte for byte');

    const again = await runBinary(['--repair-database', ...args]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /every collection file is readable/);

    const repaired = await startStdioServer({ era: 'legacy', args });
    try {
      const value = async (key: string) => structured<{ found: boolean; value?: unknown }>(await repaired.client.callTool({ name: 'kv_get', arguments: { key } }));
      assert.equal((await value('a')).value, 'value of a');
      assert.equal((await value('b')).found, false, 'the half-written entry is not invented');
      assert.equal((await value('c')).value, 'value of c', 'the complete entry glued to the broken one is kept');
      assert.equal((await value('d')).value, 'value of d');
    } finally {
      await repaired.close();
    }
  });
});
