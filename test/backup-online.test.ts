import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runBinary, startStdioServer, structured, tempDir, type RunResult } from './helpers/stdio-server.js';

for (const engine of ['lowdb', 'lancedb', 'duckdb'] as const) {
  describe(`backup while the server runs (${engine})`, () => {
    let root: { dir: string; cleanup: () => Promise<void> };
    before(async () => (root = await tempDir()));
    after(async () => root?.cleanup());

    it('asks the running server for a consistent archive, which restores elsewhere', async () => {
      const dataDir = path.join(root.dir, 'live');
      const archive = path.join(root.dir, 'online.tar.gz');
      const server = await startStdioServer({ era: 'legacy', args: ['--storage', engine, '--data-dir', dataDir] });
      let backup: RunResult | undefined;
      try {
        for (let i = 0; i < 20; i++) structured(await server.client.callTool({ name: 'kv_set', arguments: { key: `k${String(i).padStart(2, '0')}`, value: i } }));
        // writes keep arriving while the backup runs; they wait at the snapshot barrier, then go through
        const writing = Promise.all(Array.from({ length: 30 }, (_, i) => server.client.callTool({ name: 'kv_set', arguments: { key: `late${i}`, value: i } })));
        backup = await runBinary(['--backup', '--output', archive, '--storage', engine, '--data-dir', dataDir], { timeoutMs: 60_000 });
        for (const result of await writing) assert.equal(result.isError, undefined);
        assert.equal(structured<{ count: number }>(await server.client.callTool({ name: 'kv_list', arguments: { prefix: 'late' } })).count, 30);
      } finally {
        await server.close();
      }
      assert.equal(backup.code, 0, backup.stderr);
      assert.match(backup.stdout, new RegExp(`running server \\(process ${server.pid}\\)`));
      assert.match(backup.stdout, /kv: \d+/);

      const restoredDir = path.join(root.dir, 'restored');
      const restore = await runBinary(['--restore', '--input', archive, '--storage', 'lowdb', '--data-dir', restoredDir]);
      assert.equal(restore.code, 0, restore.stderr);
      const restored = await startStdioServer({ era: 'modern', args: ['--data-dir', restoredDir] });
      try {
        const listed = structured<{ entries: Array<{ key: string }> }>(await restored.client.callTool({ name: 'kv_list', arguments: { prefix: 'k', limit: 100 } }));
        assert.deepEqual(
          listed.entries.map((entry) => entry.key),
          Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`),
        );
      } finally {
        await restored.close();
      }
    });
  });
}
