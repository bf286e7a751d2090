import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from './temp-dir.js';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const binary = path.join(repoRoot, 'bin', 'mcp-server');

export type Era = 'modern' | 'legacy';
export const ERAS: Era[] = ['legacy', 'modern'];

/** Where modules run (tools.isolation): the built-in modules' tests run in both. */
export const ISOLATIONS = ['none', 'worker'] as const;
export const isolationEnv = (isolation: (typeof ISOLATIONS)[number]) => ({ MCP_TOOLS_ISOLATION: isolation });

/** A 2026-07-28 client pins the modern revision; a 2025-11-25 client uses the default initialize handshake. */
export function newClient(era: Era, capabilities: Record<string, unknown> = {}): Client {
  return new Client({ name: `test-${era}`, version: '1.0.0' }, { capabilities, ...(era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}) });
}

export interface StdioServer {
  client: Client;
  pid: number;
  stderr(): string;
  close(): Promise<void>;
}

/** Env for a child server: the test's own MCP_* variables never leak in. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('MCP_')) env[key] = value;
  return { ...env, LANCEDB_LOG: 'error', ...extra };
}

/** Starts the real binary over stdio and connects an SDK client speaking the given era. */
export async function startStdioServer(options: {
  era: Era;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  client?: Client;
  /** --log-level given to the server (default info); null gives none. */
  logLevel?: string | null;
}): Promise<StdioServer> {
  const logLevel = options.logLevel === null ? [] : ['--log-level', options.logLevel ?? 'info'];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [binary, '--transport', 'stdio', ...logLevel, ...(options.args ?? [])],
    env: childEnv(options.env),
    cwd: options.cwd ?? repoRoot,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = options.client ?? newClient(options.era);
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`connect failed: ${String(error)}\nserver stderr:\n${stderr}`);
  }
  const pid = transport.pid!;
  // initialize is answered before storage opens and modules load; anything after it waits for them, so
  // a test starts from a ready server (a 2026-07-28 client's first request already waited)
  if (options.era === 'legacy') {
    await client.ping().catch(async (error: unknown) => {
      await client.close().catch(() => undefined);
      killIfAlive(pid);
      throw new Error(`the server did not become ready: ${String(error)}\nserver stderr:\n${stderr}`);
    });
  }
  return {
    client,
    pid,
    stderr: () => stderr,
    async close() {
      await client.close().catch(() => undefined);
      killIfAlive(pid);
    },
  };
}

export interface ModulesServer extends StdioServer {
  /** The temp directory (removed by close) and the tools directory in it. */
  dir: string;
  toolsDir: string;
}

/**
 * Starts the real binary over stdio on a temp directory holding `modules` (name -> source, served
 * with --tools-dir), a data directory and, when given, a config file; close() removes it all.
 */
export async function startStdioServerWithModules(options: {
  era: Era;
  modules: Record<string, string>;
  config?: string;
  env?: Record<string, string>;
  /** More arguments for the server. */
  args?: string[];
  /** --log-level given to the server (default info); null gives none. */
  logLevel?: string | null;
  /** Run in the temp directory (where files the server writes to its working directory land). */
  inDir?: boolean;
  client?: Client;
}): Promise<ModulesServer> {
  const { dir, cleanup } = await tempDir();
  const toolsDir = path.join(dir, 'tools');
  try {
    for (const [name, source] of Object.entries(options.modules)) {
      await mkdir(path.dirname(path.join(toolsDir, name)), { recursive: true });
      await writeFile(path.join(toolsDir, name), source);
    }
    const args = ['--tools-dir', toolsDir, '--data-dir', path.join(dir, 'data')];
    if (options.config !== undefined) {
      await writeFile(path.join(dir, 'config.yaml'), options.config);
      args.push('--config', path.join(dir, 'config.yaml'));
    }
    args.push(...(options.args ?? []));
    const server = await startStdioServer({
      era: options.era,
      args,
      ...(options.env ? { env: options.env } : {}),
      ...(options.logLevel !== undefined ? { logLevel: options.logLevel } : {}),
      ...(options.inDir ? { cwd: dir } : {}),
      ...(options.client ? { client: options.client } : {}),
    });
    return {
      ...server,
      dir,
      toolsDir,
      async close() {
        await server.close();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export function killIfAlive(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the binary to completion (bounded by a timeout) and captures its output. */
export function runBinary(args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binary, ...args], { cwd: options.cwd ?? repoRoot, env: childEnv(options.env), stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      killIfAlive(child.pid);
      reject(new Error(`mcp-server ${args.join(' ')} did not finish in time\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export { tempDir };

/** The structured content of a tool result, failing loudly when the call errored. */
export function structured<T = Record<string, unknown>>(result: unknown): T {
  const r = result as { isError?: boolean; structuredContent?: T; content?: Array<{ text?: string }> };
  if (r.isError) throw new Error(`tool call failed: ${r.content?.map((c) => c.text).join(' ')}`);
  if (!r.structuredContent) throw new Error(`no structured content in ${JSON.stringify(result)}`);
  return r.structuredContent;
}

export function textOf(result: unknown): string {
  return ((result as { content?: Array<{ type: string; text?: string }> }).content ?? []).map((c) => c.text ?? '').join('\n');
}
