import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startHttpServer } from './helpers/http-server.js';
import { repoRoot, tempDir } from './helpers/stdio-server.js';

const run = promisify(execFile);
const unitFile = path.join(repoRoot, 'systemd', 'mcp-server.service');
const tool = (name: string) => ['/usr/bin', '/bin', '/usr/local/bin'].map((dir) => path.join(dir, name)).find((file) => existsSync(file));
const isRoot = process.getuid?.() === 0;

describe('systemd/mcp-server.service', () => {
  it('passes systemd-analyze verify (installed where this checkout is)', { skip: tool('systemd-analyze') ? false : 'systemd-analyze is not installed' }, async () => {
    const dir = await tempDir('mcp-unit-');
    try {
      const unit = (await readFile(unitFile, 'utf8')).replaceAll('/opt/mcp-server', repoRoot);
      const target = path.join(dir.dir, 'mcp-server.service');
      await writeFile(target, unit);
      // Unknown keys and bad values are warnings with exit code 0: any line about the unit fails.
      const { stdout, stderr } = await run(tool('systemd-analyze')!, ['verify', target], { timeout: 30_000 }).catch((error: { stdout: string; stderr: string; code: number }) => {
        throw new Error(`systemd-analyze verify failed (${error.code}):\n${error.stdout}${error.stderr}`);
      });
      const complaints = `${stdout}${stderr}`.split('\n').filter((line) => line.includes('mcp-server'));
      assert.deepEqual(complaints, []);
    } finally {
      await dir.cleanup();
    }
  });

  it('runs the server as it says: hardened, notify-free, reloadable, restarted on failure', async () => {
    const unit = await readFile(unitFile, 'utf8');
    const settings = new Map<string, string[]>();
    for (const [, key, value] of unit.matchAll(/^(\w+)=(.*)$/gm)) settings.set(key!, [...(settings.get(key!) ?? []), value!]);
    const one = (key: string) => settings.get(key)?.at(-1);
    assert.equal(one('Type'), 'exec', 'no sd_notify readiness is sent, so not Type=notify');
    assert.equal(one('User'), 'mcp-server');
    assert.equal(one('StateDirectory'), 'mcp-server');
    assert.equal(one('ExecReload'), '/bin/kill -HUP $MAINPID');
    assert.equal(one('Restart'), 'on-failure');
    assert.match(one('ExecStart') ?? '', /--config \/etc\/mcp-server\/config\.yaml/);
    for (const key of ['NoNewPrivileges', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'LockPersonality']) assert.equal(one(key), 'yes', key);
    assert.equal(one('ProtectSystem'), 'strict');
    assert.equal(one('SystemCallFilter'), '@system-service');
    assert.ok(!settings.has('MemoryDenyWriteExecute'), "V8's JIT needs writable executable memory");
  });

  it('creates its user and directories from the sysusers and tmpfiles snippets', {
    skip: !isRoot ? 'needs root (files owned by the new user)' : !tool('systemd-sysusers') || !tool('systemd-tmpfiles') ? 'systemd-sysusers or systemd-tmpfiles is not installed' : false,
  }, async () => {
    const root = await tempDir('mcp-sysroot-');
    try {
      const sysusers = path.join(root.dir, 'sysusers.conf');
      const tmpfiles = path.join(root.dir, 'tmpfiles.conf');
      await mkdir(path.join(root.dir, 'etc'));
      await copyFile(path.join(repoRoot, 'systemd', 'mcp-server.sysusers'), sysusers);
      await copyFile(path.join(repoRoot, 'systemd', 'mcp-server.tmpfiles'), tmpfiles);
      await run(tool('systemd-sysusers')!, [`--root=${root.dir}`, sysusers], { timeout: 30_000 });
      await run(tool('systemd-tmpfiles')!, [`--root=${root.dir}`, '--create', tmpfiles], { timeout: 30_000 });
      const passwd = await readFile(path.join(root.dir, 'etc', 'passwd'), 'utf8');
      const [, uid, gid, , home, shell] = /^mcp-server:x:(\d+):(\d+):([^:\n]*):([^:\n]*):([^:\n]*)$/m.exec(passwd) ?? [];
      assert.ok(uid && Number(uid) > 0 && Number(uid) < 1000, `a system user: ${passwd}`);
      assert.equal(home, '/var/lib/mcp-server');
      assert.equal(shell, '/usr/sbin/nologin');
      for (const [dir, owner, mode] of [
        ['var/lib/mcp-server', Number(uid), 0o750],
        ['var/log/mcp-server', Number(uid), 0o750],
        ['etc/mcp-server', 0, 0o750],
      ] as const) {
        const info = await stat(path.join(root.dir, dir));
        assert.equal(info.uid, owner, dir);
        assert.equal(info.gid, Number(gid), dir);
        assert.equal(info.mode & 0o777, mode, dir);
      }
    } finally {
      await root.cleanup();
    }
  });
});

describe('process name', () => {
  it('is mcp-server, so pidof and ps find the server', async () => {
    const server = await startHttpServer({ transport: 'http-stream' });
    try {
      assert.equal((await readFile(`/proc/${server.pid}/comm`, 'utf8')).trim(), 'mcp-server');
      if (tool('pidof')) {
        const { stdout } = await run(tool('pidof')!, ['mcp-server']);
        assert.ok(stdout.trim().split(/\s+/).map(Number).includes(server.pid), `pidof mcp-server: ${stdout}`);
      }
    } finally {
      await server.stop();
    }
  });
});
