import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { binary, childEnv, killIfAlive, repoRoot } from './stdio-server.js';
import { waitFor } from './wait.js';

export interface RawStdio {
  child: ChildProcessWithoutNullStreams;
  /** Every stdout line so far (the raw protocol stream). */
  lines: string[];
  stderr(): string;
  /** Writes one message (an object is serialized) followed by a newline. */
  send(message: object | string): void;
  /** Waits (bounded) until a stdout line parses to a message with this id; returns it. */
  response(id: number | string, timeoutMs?: number): Promise<Record<string, any>>;
  /** Waits (bounded) until stderr matches. */
  stderrMatch(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
  kill(): void;
}

export const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
export const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };

/**
 * Starts the real binary over stdio and talks raw newline-delimited JSON-RPC to it, so a test sees
 * exactly what reaches stdout. `command` replaces the default `node bin/mcp-server <args>` (e.g. a
 * shell pipeline); `args` are appended to the binary's arguments either way when no command is given.
 */
export function startRawStdio(options: { args?: string[]; env?: Record<string, string>; command?: [string, ...string[]] } = {}): RawStdio {
  const [command, ...args] = options.command ?? [process.execPath, binary, '--transport', 'stdio', ...(options.args ?? [])];
  const child = spawn(command, args, { cwd: repoRoot, env: childEnv(options.env), stdio: 'pipe' });
  const lines: string[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.on('error', () => undefined); // writes after the server exited
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const until = (done: () => boolean, what: () => string, timeoutMs: number) =>
    waitFor(done, what(), { attempts: Math.ceil(timeoutMs / 25), intervalMs: 25 }).catch((error: Error) => {
      throw new Error(`${error.message}\nstdout:\n${lines.join('\n')}\nstderr:\n${stderr}`);
    });
  const find = (id: number | string) => lines.map(parseOrUndefined).find((message) => message?.id === id);
  return {
    child,
    lines,
    stderr: () => stderr,
    send: (message) => void child.stdin.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`),
    async response(id, timeoutMs = 15_000) {
      await until(
        () => find(id) !== undefined,
        () => `a response with id ${id}`,
        timeoutMs,
      );
      return find(id)!;
    },
    stderrMatch: (pattern, timeoutMs = 15_000) =>
      until(
        () => pattern.test(stderr),
        () => String(pattern),
        timeoutMs,
      ),
    exited,
    kill: () => killIfAlive(child.pid),
  };
}

function parseOrUndefined(line: string): Record<string, any> | undefined {
  try {
    return JSON.parse(line) as Record<string, any>;
  } catch {
    return undefined;
  }
}
