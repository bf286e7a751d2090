import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { binary, childEnv, killIfAlive, repoRoot, runBinary, startStdioServer, tempDir } from './helpers/stdio-server.js';
import { waitFor } from './helpers/wait.js';

const READY = '"msg":"mcp-server ready"';

/** A pid that surely does not run: a child that has already exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

interface Started {
  child: ChildProcess;
  stderr: string;
}

/** Starts the binary over stdio with stdin held open, so a server that got its locks keeps running. */
function startRaw(args: string[]): Started {
  const child = spawn(process.execPath, [binary, '--transport', 'stdio', '--log-level', 'info', ...args], { cwd: repoRoot, env: childEnv(), stdio: ['pipe', 'ignore', 'pipe'] });
  const started: Started = { child, stderr: '' };
  child.stderr!.on('data', (chunk: Buffer) => (started.stderr += chunk.toString('utf8')));
  return started;
}

describe('storage locks', () => {
  it('refuses a second server on the same engine directory, even with another data directory', async (t) => {
    const { dir, cleanup } = await tempDir('mcp-engine-lock-');
    t.after(cleanup);
    const shared = path.join(dir, 'shared-engine');
    const config = path.join(dir, 'config.yaml');
    await writeFile(config, 'storage:\n  lockWaitSeconds: 0\n');
    const first = await startStdioServer({ era: 'legacy', args: ['--data-dir', path.join(dir, 'a')], env: { MCP_STORAGE_PATH: shared } });
    try {
      const second = await runBinary(['--transport', 'stdio', '--config', config, '--data-dir', path.join(dir, 'b')], { env: { MCP_STORAGE_PATH: shared } });
      assert.notEqual(second.code, 0, `the second server ran on the same engine files:\n${second.stderr}`);
      assert.match(second.stderr, new RegExp(`engine directory ${shared} is in use by process ${first.pid}`));
      assert.match(second.stderr, new RegExp(`data directory ${path.join(dir, 'a')}`), 'names the owner’s data directory');
      // a backup through the other data directory still reaches the server that owns the engine files
      const backup = await runBinary(['--backup', '--output', path.join(dir, 'b.tar.gz'), '--data-dir', path.join(dir, 'b')], { env: { MCP_STORAGE_PATH: shared }, timeoutMs: 60_000 });
      assert.equal(backup.code, 0, backup.stderr);
      assert.match(backup.stdout, new RegExp(`running server \\(process ${first.pid}\\)`));
    } finally {
      await first.close();
    }
  });

  it('lets exactly one waiting server take over a stale lock, however many race for it', async (t) => {
    const { dir, cleanup } = await tempDir('mcp-stale-race-');
    const servers: Started[] = [];
    t.after(async () => {
      for (const server of servers) {
        killIfAlive(server.child.pid);
        if (server.child.exitCode === null && server.child.signalCode === null) await new Promise((resolve) => server.child.once('exit', resolve));
      }
      await cleanup();
    });
    const dataDir = path.join(dir, 'data');
    const config = path.join(dir, 'config.yaml');
    await mkdir(dataDir);
    await mkdir(path.join(dir, 'no-tools'));
    await writeFile(config, 'storage:\n  lockWaitSeconds: 120\n');
    const stale = JSON.stringify({ pid: deadPid(), hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' });
    await writeFile(path.join(dataDir, '.lock'), stale);
    await writeFile(path.join(dataDir, 'lowdb.lock'), stale);
    // Every server waits for the lock. Each time the holder dies (SIGKILL), its lock is stale and all the
    // waiting servers race to take it over: exactly one may win each race. A server that runs while the
    // lock names another process lost its lock to a racer that removed it after it was taken.
    const SERVERS = 10;
    for (let i = 0; i < SERVERS; i++) servers.push(startRaw(['--config', config, '--data-dir', dataDir, '--tools-dir', path.join(dir, 'no-tools')]));
    const alive = (s: Started) => s.child.exitCode === null && s.child.signalCode === null;
    const killed = new Set<Started>();
    // each look: at most one server runs, it holds the lock, and it is killed for the next race
    const nextRace = async () => {
      const running = servers.filter((s) => alive(s) && s.stderr.includes(READY));
      assert.ok(running.length <= 1, `${running.length} servers run on one data directory at once`);
      const exited = servers.find((s) => !alive(s) && !killed.has(s));
      assert.equal(exited, undefined, `a server gave up: ${exited?.stderr}`);
      const winner = running[0];
      if (winner) {
        const holder = JSON.parse(await readFile(path.join(dataDir, '.lock'), 'utf8')) as { pid: number };
        assert.equal(holder.pid, winner.child.pid, `server ${winner.child.pid} runs, but the lock names process ${holder.pid}: two servers took the stale lock`);
        killed.add(winner);
        killIfAlive(winner.child.pid);
        await new Promise((resolve) => winner.child.once('exit', resolve));
      }
      return killed.size >= SERVERS - 1;
    };
    await waitFor(nextRace, () => `every race to have a winner (${killed.size} of ${SERVERS - 1} in time)`, { attempts: 6000, intervalMs: 20 });
  });
});
