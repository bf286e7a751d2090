import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { killIfAlive } from './stdio-server.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait.js';

export { selfSignedCert, type TlsFiles } from './tls-cert.js';

/** The nginx binary (Debian installs it in /usr/sbin, which a non-root PATH may lack), if installed. */
export function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin'];
  return dirs
    .filter((dir) => path.isAbsolute(dir))
    .map((dir) => path.join(dir, 'nginx'))
    .find((file) => existsSync(file));
}

export interface Nginx {
  pid: number;
  prefix: string;
  /** Files in the prefix: error.log, access.log. */
  read(file: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Runs nginx in the foreground (stopped by its PID) with a temp prefix: `site` is included in the
 * http {} context; `ports` are waited for. Temp paths and logs stay inside the prefix.
 */
export async function startNginx(binary: string, site: string, ports: number[]): Promise<Nginx> {
  const { dir: prefix, cleanup } = await tempDir('mcp-nginx-');
  // Workers run as an unprivileged user when the master is root: they must reach the temp paths.
  await chmod(prefix, 0o755);
  await mkdir(path.join(prefix, 'tmp'));
  const temp = (name: string) => path.join(prefix, 'tmp', name);
  await writeFile(path.join(prefix, 'site.conf'), site);
  await writeFile(
    path.join(prefix, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${path.join(prefix, 'nginx.pid')};`,
      `error_log ${path.join(prefix, 'error.log')} notice;`,
      'events { worker_connections 512; }',
      'http {',
      `  client_body_temp_path ${temp('body')};`,
      `  proxy_temp_path ${temp('proxy')};`,
      `  fastcgi_temp_path ${temp('fastcgi')};`,
      `  uwsgi_temp_path ${temp('uwsgi')};`,
      `  scgi_temp_path ${temp('scgi')};`,
      `  access_log ${path.join(prefix, 'access.log')};`,
      `  include ${path.join(prefix, 'site.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', path.join(prefix, 'error.log')];
  const check = spawnSyncText(binary, [...args, '-t']);
  if (check.code !== 0) {
    await cleanup();
    throw new Error(`nginx -t failed:\n${check.output}`);
  }
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid!;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      killIfAlive(pid, 'SIGTERM');
      const timer = setTimeout(() => killIfAlive(pid), 5000);
      await exited;
      clearTimeout(timer);
    }
    await cleanup();
  };
  try {
    for (const port of ports) await waitForPort(port, 10_000, () => child.exitCode !== null);
  } catch (error) {
    const log = await readFile(path.join(prefix, 'error.log'), 'utf8').catch(() => '');
    await stop();
    throw new Error(`${(error as Error).message}\nnginx stderr:\n${stderr}\nerror.log:\n${log}`);
  }
  return { pid, prefix, read: (file) => readFile(path.join(prefix, file), 'utf8'), stop };
}

function spawnSyncText(binary: string, args: string[]): { code: number; output: string } {
  try {
    return { code: 0, output: execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port (bounded in time and attempts). */
export async function waitForPort(port: number, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<void> {
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  await waitFor(
    async () => {
      if (gaveUp()) throw new Error(`nothing listens on 127.0.0.1:${port} (gave up)`);
      return accepts();
    },
    `something to listen on 127.0.0.1:${port}`,
    { attempts: Math.ceil(timeoutMs / 50), intervalMs: 50 },
  );
}
