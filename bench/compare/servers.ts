// The two servers `npm run bench` compares: the project (bin/mcp-server) and the SDK baseline
// (baseline-server.mjs), each serving `echo` and fillers up to the same number of tools.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../test/helpers/http-server.js';
import { openSession } from './clients.js';

export type ServerName = 'project' | 'baseline';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const READY_TIMEOUT_MS = 30_000;

/** A temp directory holding, per tool count, the project's config and tools directory. */
export class Fixtures {
  private constructor(readonly dir: string) {}

  static async create(): Promise<Fixtures> {
    return new Fixtures(await mkdtemp(path.join(tmpdir(), 'mcp-server-bench-')));
  }

  /** The project's config for `tools` tools (echo and fillers, no built-ins), its 2025 sessions expiring after `sessionIdleSeconds`. */
  async config(tools: number, sessionIdleSeconds = 1800): Promise<string> {
    const base = path.join(this.dir, `tools-${tools}`);
    const file = path.join(base, `config-idle-${sessionIdleSeconds}.yaml`);
    await mkdir(path.join(base, 'tools'), { recursive: true });
    await writeFile(path.join(base, 'tools', 'echo.mjs'), toolModule('echo', 'Echo the given text'));
    for (let i = 1; i < tools; i++) await writeFile(path.join(base, 'tools', `filler_${i}.mjs`), toolModule(`filler_${i}`, `Filler tool ${i}`));
    const config = {
      // the memory stage opens BENCH_SESSIONS sessions from one address
      transport: { rateLimit: { enabled: false }, sessions: { max: 100_000, maxPerCaller: 100_000, idleTimeoutSeconds: sessionIdleSeconds } },
      storage: { type: 'lowdb', dataDir: path.join(base, 'data') },
      tools: { dirs: [path.join(base, 'tools')], builtins: false },
      logging: { level: 'warn' },
    };
    await writeFile(file, JSON.stringify(config, null, 2)); // JSON is YAML
    return file;
  }

  close(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

const toolModule = (name: string, description: string) =>
  `export default ({ z }) => ({ name: ${JSON.stringify(name)}, description: ${JSON.stringify(description)}, input: { text: z.string() }, run: ({ text }) => text });\n`;

export const benchEnv = (tools: number): NodeJS.ProcessEnv => ({ ...process.env, LANCEDB_LOG: 'error', BENCH_TOOLS: String(tools) });

/** The command serving `name` over stdio, or over HTTP on `port`. */
export async function command(name: ServerName, fixtures: Fixtures, tools: number, port?: number, sessionIdleSeconds?: number): Promise<string[]> {
  if (name === 'baseline') return [process.execPath, path.join(import.meta.dirname, 'baseline-server.mjs'), ...(port === undefined ? ['--stdio'] : [])];
  const transport = port === undefined ? ['--transport', 'stdio'] : ['--transport', 'http-stream', '--port', String(port)];
  return [process.execPath, path.join(repoRoot, 'bin', 'mcp-server'), ...transport, '--config', await fixtures.config(tools, sessionIdleSeconds)];
}

export interface HttpServer {
  url: URL;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `name` over HTTP on a free loopback port and waits until a session opens. */
export async function startHttp(name: ServerName, fixtures: Fixtures, tools: number, sessionIdleSeconds?: number): Promise<HttpServer> {
  const port = await freePort();
  const argv = await command(name, fixtures, tools, port, sessionIdleSeconds);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...benchEnv(tools), PORT: String(port) } });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const url = new URL(`http://127.0.0.1:${port}/mcp`);
  const stop = () => stopProcess(child);
  try {
    await waitUntilServing(url, child);
  } catch (error) {
    await stop();
    throw new Error(`${name} did not start: ${String(error)}\n${stderr}`);
  }
  return { url, pid: child.pid!, stop };
}

async function waitUntilServing(url: URL, child: ChildProcess): Promise<void> {
  const agent = new Agent();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      try {
        await openSession(agent, url);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    agent.destroy();
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}
