import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ISOLATIONS, isolationEnv, startStdioServer, structured, tempDir, type StdioServer } from './helpers/stdio-server.js';

const NOTES = [
  { title: 'Pasta recipe', body: 'Boil spaghetti, add tomato sauce, basil and parmesan.', tags: ['cooking'] },
  { title: 'Board meeting', body: 'Quarterly revenue slides for the board; budget review.', tags: ['work'] },
  { title: 'Garden plan', body: 'Plant tomatoes and basil in spring; water the seedlings.', tags: ['home'] },
  { title: 'Bread', body: 'Knead dough, proof overnight, bake in a hot oven.', tags: ['cooking'] },
];

for (const [engine, isolation] of (['lowdb', 'lancedb', 'duckdb'] as const).flatMap((engine) => ISOLATIONS.map((isolation) => [engine, isolation] as const))) {
  describe(`notes search by meaning on ${engine} (isolation: ${isolation})`, () => {
    let server: StdioServer;
    let cleanup: () => Promise<void>;
    before(async () => {
      const tmp = await tempDir();
      cleanup = tmp.cleanup;
      server = await startStdioServer({ era: 'modern', args: ['--storage', engine, '--data-dir', path.join(tmp.dir, 'data')], env: isolationEnv(isolation) });
      for (const note of NOTES) structured(await server.client.callTool({ name: 'note_save', arguments: note }));
    });
    after(async () => {
      await server?.close();
      await cleanup?.();
    });

    it('ranks notes by similarity to the query, within a tag when asked', async () => {
      const search = async (args: Record<string, unknown>) =>
        structured<{ results: Array<{ title: string; score: number }> }>(await server.client.callTool({ name: 'note_search', arguments: args })).results;
      const all = await search({ query: 'spaghetti with tomato sauce', limit: 4 });
      assert.equal(all[0]?.title, 'Pasta recipe');
      assert.equal(all.length, 4);
      const scores = all.map((hit) => hit.score);
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => b - a),
      );
      assert.ok(all[0]!.score > all[3]!.score, 'the scores tell the notes apart');
      const board = await search({ query: 'revenue budget slides', limit: 1 });
      assert.deepEqual(
        board.map((hit) => hit.title),
        ['Board meeting'],
      );
      const cooking = await search({ query: 'tomatoes and basil', tag: 'cooking' });
      assert.deepEqual(
        cooking.map((hit) => hit.title),
        ['Pasta recipe', 'Bread'],
        'the garden note is filtered out by tag',
      );
    });
  });
}
