import { spawn } from 'node:child_process';
import { binary, childEnv, killIfAlive, repoRoot } from './stdio-server.js';

export interface BinaryProcess {
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null after a signal). */
  exited: Promise<number | null>;
  /** Sends `signal` (if it still runs) and resolves with the exit code; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

/** Starts the real binary as a long-running process (a server); the caller stops it by its PID. */
export function spawnBinary(args: string[], options: { cwd?: string; env?: Record<string, string>; stdout?: boolean } = {}): BinaryProcess {
  const child = spawn(process.execPath, [binary, ...args], { cwd: options.cwd ?? repoRoot, env: childEnv(options.env), stdio: ['ignore', options.stdout === false ? 'ignore' : 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pid = child.pid!;
  return {
    pid,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop(signal = 'SIGTERM', graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        killIfAlive(pid, signal);
        const timer = setTimeout(() => killIfAlive(pid), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return child.exitCode;
    },
  };
}
