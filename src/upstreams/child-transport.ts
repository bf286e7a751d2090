import { ReadBuffer, serializeMessage, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Reaper } from './reaper.js';

export interface ChildCommand {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd?: string;
}

export interface ChildHooks {
  /** One line the child wrote to stderr. */
  stderrLine(line: string): void;
  /** The child ended (code or signal), by itself or because it was stopped. */
  exited(code: number | null, signal: NodeJS.Signals | null): void;
}

/** After stdin closes, how long a child may take to exit by itself (many stdio servers never do) before SIGTERM. */
const STDIN_GRACE_MS = 500;
/** After SIGTERM, how long before SIGKILL. */
const TERM_GRACE_MS = 2000;
const MAX_STDERR_LINE = 8192;

/**
 * MCP over a child process's stdin/stdout, like the SDK's StdioClientTransport, but the child
 * leads a process group of its own (so stopping it also stops what it started: `npx` runs the
 * real server as a grandchild) and the group is known to the reaper, which stops it if this
 * server dies without doing so. close(): stdin closed, then SIGTERM to the group, then SIGKILL.
 */
export class ChildProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcess | undefined;
  private readonly buffer = new ReadBuffer();
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly command: ChildCommand,
    private readonly hooks: ChildHooks,
    private readonly reaper: Reaper,
  ) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Read through ChildHooks.stderrLine; present because the SDK recognizes a stdio transport by `stderr` and `pid` (a silent era probe then means a 2025 server). */
  get stderr(): null {
    return null;
  }

  start(): Promise<void> {
    if (this.child) throw new Error('already started');
    return new Promise((resolve, reject) => {
      const child = spawn(this.command.command, [...this.command.args], {
        env: this.command.env,
        ...(this.command.cwd ? { cwd: this.command.cwd } : {}),
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      this.child = child;
      this.exited = new Promise((done) => child.once('exit', () => done()));
      child.once('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.once('spawn', () => {
        if (child.pid) this.reaper.track(child.pid);
        resolve();
      });
      child.once('exit', (code, signal) => {
        if (child.pid) this.reaper.untrack(child.pid);
        this.hooks.exited(code, signal);
      });
      child.once('close', () => {
        if (this.child === child) this.child = undefined;
        this.onclose?.();
      });
      child.stdin!.on('error', (error) => this.onerror?.(error));
      child.stdout!.on('error', (error) => this.onerror?.(error));
      child.stdout!.on('data', (chunk: Buffer) => {
        this.buffer.append(chunk);
        this.drain();
      });
      readLines(child.stderr!, (line) => this.hooks.stderrLine(line));
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin?.writable) throw new Error('Not connected: the upstream process is not running');
    if (!stdin.write(serializeMessage(message))) await new Promise((resolve) => stdin.once('drain', resolve));
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const alive = () => child.exitCode === null && child.signalCode === null;
    child.stdin?.end();
    await waitFor(this.exited, STDIN_GRACE_MS);
    if (alive()) signalGroup(child, 'SIGTERM');
    await waitFor(this.exited, TERM_GRACE_MS);
    if (alive()) signalGroup(child, 'SIGKILL');
    // what the child started may outlive it: the group goes too
    signalGroup(child, 'SIGKILL');
    await this.exited;
    this.buffer.clear();
  }

  private drain(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        this.onerror?.(error as Error);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}

const waitFor = (done: Promise<void>, ms: number) => Promise.race([done, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);

/** Calls `onLine` for each line of a text stream (long lines cut), and for the last one without a newline. */
function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding?.('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let at: number;
    while ((at = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, at).replace(/\r$/, '');
      pending = pending.slice(at + 1);
      if (line.trim()) onLine(line.slice(0, MAX_STDERR_LINE));
    }
    if (pending.length > MAX_STDERR_LINE) {
      onLine(pending.slice(0, MAX_STDERR_LINE));
      pending = '';
    }
  });
  stream.on('end', () => {
    if (pending.trim()) onLine(pending.slice(0, MAX_STDERR_LINE));
  });
}
