import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import * as tar from 'tar';
import { parse } from 'yaml';
import { argsOf, envOf, execForm, parseDockerfile } from './helpers/dockerfile.js';
import { connectClient, freePort } from './helpers/http-server.js';
import { childEnv, killIfAlive, repoRoot, runBinary, tempDir } from './helpers/stdio-server.js';
import { waitFor } from './helpers/wait.js';

const run = promisify(execFile);
const stages = parseDockerfile(path.join(repoRoot, 'Dockerfile'));
const final = stages.at(-1)!;
const isRoot = process.getuid?.() === 0;

describe('Dockerfile', () => {
  it('builds in one stage and installs only production dependencies in a glibc, non-root final stage', () => {
    assert.ok(stages.length >= 2, 'multi-stage');
    const image = /ARG NODE_IMAGE=(\S+)/.exec(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'))?.[1] ?? final.from;
    assert.match(image, /^node:(20|22|24)(\.\d+)*-(bookworm|trixie|bullseye)(-slim)?$/, 'a Debian (glibc) Node LTS image');
    const install = argsOf(final, 'RUN').find((line) => /\bnpm ci\b/.test(line)) ?? '';
    assert.match(install, /--omit=dev/);
    assert.ok(
      argsOf(final, 'COPY').some((line) => /--from=build\s+\/app\/dist\b/.test(line)),
      'dist/ (with the compiled built-in modules) comes from the build stage',
    );
    const [user] = argsOf(final, 'USER');
    assert.match(user ?? '', /^[1-9]\d*(:[1-9]\d*)?$/, 'a numeric non-root user (Kubernetes runAsNonRoot can check it)');
    assert.deepEqual(argsOf(final, 'EXPOSE'), ['8000']);
    assert.match(argsOf(final, 'VOLUME').join(' '), /"\/data"/);
    assert.match(argsOf(final, 'HEALTHCHECK').join(' '), /\/health/);
    const env = envOf(final);
    assert.equal(env.MCP_TRANSPORT_TYPE, 'http-stream');
    assert.equal(env.MCP_HOST, '0.0.0.0');
    assert.equal(env.MCP_PORT, '8000');
    assert.equal(env.MCP_DATA_PATH, '/data');
  });

  it('does what the Dockerfile does: packed package, production install, unprivileged user, read-only app, writable data, /health', { timeout: 300_000 }, async () => {
    const work = await tempDir('mcp-image-');
    const app = path.join(work.dir, 'app');
    const data = path.join(work.dir, 'data');
    let pid: number | undefined;
    try {
      await chmod(work.dir, 0o755);
      // The package as published (dist/ is already built by `npm test`; pack must not rebuild it under running tests).
      const packed = JSON.parse((await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work.dir], { cwd: repoRoot })).stdout) as Array<{ filename: string }>;
      await mkdir(app);
      await tar.x({ file: path.join(work.dir, packed[0]!.filename), cwd: app, strip: 1 });
      await copyFile(path.join(repoRoot, 'package-lock.json'), path.join(app, 'package-lock.json'));

      // The final stage's install command, as written (from the npm cache where it can).
      const install = (argsOf(final, 'RUN').find((line) => /\bnpm ci\b/.test(line)) ?? '').split('&&')[0]!.trim().split(/\s+/);
      assert.equal(install[0], 'npm');
      await run('npm', [...install.slice(1), '--prefer-offline'], { cwd: app, env: { ...process.env, NODE_ENV: 'production' }, timeout: 240_000 });
      assert.ok(!existsSync(path.join(app, 'node_modules', 'typescript')), 'no dev dependencies');
      assert.ok(existsSync(path.join(app, 'dist', 'tools', 'kv.js')), 'built-in modules precompiled');

      // An unprivileged user: the Dockerfile's USER when we can switch to it; otherwise we are one, and the app is made read-only.
      await mkdir(data);
      const [uid, gid] = (argsOf(final, 'USER')[0] ?? '').split(':').map(Number);
      if (isRoot) await chown(data, uid!, gid ?? uid!);
      else await run('chmod', ['-R', 'a-w', app]);

      const port = await freePort();
      const env = { ...childEnv(), ...envOf(final), MCP_HOST: '127.0.0.1', MCP_PORT: String(port), MCP_DATA_PATH: data, HOME: data };
      const [command, ...args] = execForm(argsOf(final, 'CMD')[0]!).map((arg) => arg.replace(/^\/app\//, `${app}/`));
      assert.equal(command, 'node');
      const child = spawn(process.execPath, args, { cwd: data, env, stdio: ['ignore', 'ignore', 'pipe'], ...(isRoot ? { uid: uid!, gid: gid ?? uid! } : {}) });
      pid = child.pid;
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

      const origin = `http://127.0.0.1:${port}`;
      await waitForHealth(
        origin,
        () => child.exitCode !== null,
        () => stderr,
      );
      if (isRoot) assert.match(await readFile(`/proc/${pid}/status`, 'utf8'), new RegExp(`^Uid:\\s+${uid}\\s`, 'm'), 'runs as the Dockerfile USER');
      const [healthCommand, ...healthArgs] = execForm(argsOf(final, 'HEALTHCHECK')[0]!);
      assert.equal(healthCommand, 'node');
      await run(process.execPath, healthArgs, { env, timeout: 10_000 });
      assert.equal((await fetch(`${origin}/ready`)).status, 200);

      const client = await connectClient({ origin }, 'legacy');
      const { tools } = await client.listTools();
      assert.ok(tools.some((tool) => tool.name === 'kv_set'));
      const stored = await client.callTool({ name: 'kv_set', arguments: { key: 'image', value: 'works' } });
      assert.notEqual(stored.isError, true);
      await client.close();
      assert.ok((await readdir(data)).length > 0, 'the data directory is written');

      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      assert.doesNotMatch(stderr, /"level":(50|60)/, 'no errors logged');
    } finally {
      killIfAlive(pid);
      if (!isRoot) await run('chmod', ['-R', 'u+w', app]).catch(() => undefined);
      await work.cleanup();
    }
  });
});

describe('deployment configs pass --validate-config', () => {
  const check = async (yaml: string) => {
    const dir = await tempDir('mcp-deploy-config-');
    try {
      await writeFile(path.join(dir.dir, 'config.yaml'), yaml);
      return await runBinary(['--validate-config', '--config', path.join(dir.dir, 'config.yaml')]);
    } finally {
      await dir.cleanup();
    }
  };

  it('deploy/kubernetes/configmap.yaml', async () => {
    const configMap = parse(await readFile(path.join(repoRoot, 'deploy/kubernetes/configmap.yaml'), 'utf8')) as { kind: string; metadata: { name: string }; data: Record<string, string> };
    assert.equal(configMap.kind, 'ConfigMap');
    const result = await check(configMap.data['config.yaml']!);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^configuration OK/);
    const deployment = await readFile(path.join(repoRoot, 'deploy/kubernetes/deployment.yaml'), 'utf8');
    assert.ok(deployment.includes(`name: ${configMap.metadata.name}`), 'the Deployment mounts this ConfigMap');
    assert.match(deployment, /livenessProbe:\s+httpGet:\s+path: \/health/);
    assert.match(deployment, /readinessProbe:\s+httpGet:\s+path: \/ready/);
  });

  it('deploy/compose/config.yaml', async () => {
    const result = await check(await readFile(path.join(repoRoot, 'deploy/compose/config.yaml'), 'utf8'));
    assert.equal(result.code, 0, result.stderr);
  });
});

async function waitForHealth(origin: string, exited: () => boolean, stderr: () => string): Promise<void> {
  await waitFor(
    async () => {
      if (exited()) throw new Error(`the server exited before /health answered:\n${stderr()}`);
      return fetch(`${origin}/health`).then(
        (response) => response.status === 200,
        () => false,
      );
    },
    () => `/health to answer (server log:\n${stderr()})`,
    { attempts: 300 },
  );
}
