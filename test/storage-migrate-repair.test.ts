import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '../src/observability/logger.js';
import { formatStorageResult, succeeded } from '../src/cli/storage-report.js';
import { runMigrate, runRepair } from '../src/storage/commands.js';
import { CURRENT_SCHEMA_VERSION } from '../src/storage/schema-version.js';
import { ENGINES, fullConfig, open, tempDir } from './helpers/storage-temp.js';

/** A pid that surely does not run: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('storage migrate', () => {
  it('migrates a v0 lowdb directory, then does nothing on a second run', async () => {
    const { dir, cleanup } = await tempDir('migrate-');
    try {
      await mkdir(join(dir, 'lowdb'), { recursive: true });
      const doc = { id: 'a', data: { x: 1 }, createdAt: 1, updatedAt: 2 };
      await writeFile(join(dir, 'lowdb', 'notes.json'), JSON.stringify({ documents: [doc] }));
      await assert.rejects(open('lowdb', dir), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'NEEDS_MIGRATION');
        assert.match(error.message, new RegExp(`run: mcp-server --migrate --data-dir ${dir}`));
        return true;
      });
      const first = await runMigrate(fullConfig('lowdb', dir), silentLogger);
      assert.deepEqual([first.outcome, first.version], ['migrated', CURRENT_SCHEMA_VERSION]);
      assert.ok(
        first.steps.some((step) => step.notes.some((note) => note.includes('converted'))),
        JSON.stringify(first.steps),
      );
      const schema = JSON.parse(await readFile(join(dir, 'schema.json'), 'utf8'));
      assert.equal(schema.schemaVersion, CURRENT_SCHEMA_VERSION);
      assert.equal(schema.engine, 'lowdb');
      assert.match(schema.createdBy, /^mcp-server \d+\.\d+\.\d+/);
      const second = await runMigrate(fullConfig('lowdb', dir), silentLogger);
      assert.deepEqual([second.outcome, second.version, second.steps], ['current', CURRENT_SCHEMA_VERSION, []]);
      assert.match(formatStorageResult(second).join('\n'), /already at schema version/);
      const storage = await open('lowdb', dir);
      assert.deepEqual(await storage.collection('notes').get('a'), doc);
      await storage.close();
    } finally {
      await cleanup();
    }
  });

  it('refuses a schema written by a newer mcp-server', async () => {
    const { dir, cleanup } = await tempDir('newer-');
    try {
      await writeFile(join(dir, 'schema.json'), JSON.stringify({ schemaVersion: CURRENT_SCHEMA_VERSION + 1, engine: 'lowdb', createdBy: 'mcp-server 99.0.0' }));
      await assert.rejects(open('lowdb', dir), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'SCHEMA_TOO_NEW');
        assert.match(error.message, /newer mcp-server/);
        return true;
      });
      await assert.rejects(runMigrate(fullConfig('lowdb', dir), silentLogger), { code: 'SCHEMA_TOO_NEW' });
    } finally {
      await cleanup();
    }
  });

  it('initializes a new directory at the current version', async () => {
    const { dir, cleanup } = await tempDir('fresh-');
    try {
      const storage = await open('duckdb', dir);
      await storage.close();
      assert.equal(JSON.parse(await readFile(join(dir, 'schema.json'), 'utf8')).schemaVersion, CURRENT_SCHEMA_VERSION);
    } finally {
      await cleanup();
    }
  });
});

describe('storage repair', () => {
  for (const engine of ENGINES) {
    it(`${engine}: removes a stale lock and leftover temp files, keeps data`, async () => {
      const { dir, cleanup } = await tempDir(`repair-${engine}-`);
      try {
        const storage = await open(engine, dir);
        await storage.collection('c').put('a', { v: 1 });
        await storage.close();
        const pid = deadPid();
        await writeFile(join(dir, '.lock'), JSON.stringify({ pid, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' }));
        await writeFile(join(dir, engine, `leftover.json.tmp-${pid}-1`), 'partial');
        const report = await runRepair(fullConfig(engine, dir), silentLogger);
        const text = formatStorageResult(report).join('\n');
        assert.match(text, new RegExp(`^lock: found a stale lock of process ${pid}`, 'm'));
        assert.ok(
          report.findings.some((f) => f.area === 'temp' && /removed leftover .*leftover\.json\.tmp-/.test(f.message)),
          text,
        );
        assert.ok(succeeded(report), text);
        assert.ok(!(await readdir(join(dir, engine))).some((f) => f.includes('.tmp-')));
        assert.ok(!(await readdir(dir)).includes('.lock'));
        const reopened = await open(engine, dir);
        assert.deepEqual((await reopened.collection('c').get('a'))?.data, { v: 1 });
        await reopened.close();
      } finally {
        await cleanup();
      }
    });
  }

  it('refuses to repair a directory in use, and reports corrupt lowdb files without deleting them', async () => {
    const { dir, cleanup } = await tempDir('repair-busy-');
    try {
      const storage = await open('lowdb', dir);
      await assert.rejects(runRepair(fullConfig('lowdb', dir), silentLogger), { code: 'LOCKED' });
      await storage.close();
      await writeFile(join(dir, 'lowdb', 'broken.json'), '{not json');
      const report = await runRepair(fullConfig('lowdb', dir), silentLogger);
      assert.equal(succeeded(report), false);
      assert.deepEqual(
        report.findings.filter((f) => f.problem).map((f) => f.area),
        ['lowdb'],
      );
      assert.match(formatStorageResult(report).join('\n'), /^lowdb: .*broken\.json is not valid JSON/m);
      assert.equal(await readFile(join(dir, 'lowdb', 'broken.json'), 'utf8'), '{not json');
    } finally {
      await cleanup();
    }
  });
});
