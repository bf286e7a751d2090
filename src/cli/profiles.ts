import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import type { CliOptions } from './program.js';

export interface ProfileOptions {
  cpu: boolean;
  memory: boolean;
  /** Seconds to record; undefined records until shutdown. */
  durationSeconds?: number;
  /** Where profile files go (the working directory). */
  dir: string;
}

export interface Profiles {
  /** Writes the profiles not written yet (at shutdown). Idempotent. */
  finish(): Promise<void>;
}

export function profileOptions(options: CliOptions): ProfileOptions {
  return {
    cpu: options.profile === true,
    memory: options.memoryProfile === true,
    ...(options.duration ? { durationSeconds: Number(options.duration) } : {}),
    dir: process.cwd(),
  };
}

/**
 * --profile and --memory-profile: records through the in-process inspector (no --inspect port is
 * opened) and writes a .cpuprofile / .heapprofile that Chrome DevTools opens, after the duration or
 * at shutdown. The path goes to stderr (stdout may carry the protocol).
 */
export async function startProfiles(options: ProfileOptions): Promise<Profiles> {
  if (!options.cpu && !options.memory) return { finish: async () => undefined };
  const session = new Session();
  session.connect();
  if (options.cpu) {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  if (options.memory) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 32_768 });
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const base = path.join(options.dir, `mcp-server-${stamp}-${process.pid}`);

  let finishing: Promise<void> | undefined;
  const finish = () =>
    (finishing ??= (async () => {
      clearTimeout(timer);
      if (options.cpu) {
        const { profile } = await session.post('Profiler.stop');
        await report(`${base}.cpuprofile`, profile, 'CPU profile');
      }
      if (options.memory) {
        const { profile } = await session.post('HeapProfiler.stopSampling');
        await report(`${base}.heapprofile`, profile, 'heap profile');
      }
      session.disconnect();
    })());
  const timer = options.durationSeconds === undefined ? undefined : setTimeout(() => void finish(), options.durationSeconds * 1000);
  timer?.unref();
  return { finish };
}

async function report(file: string, profile: unknown, what: string): Promise<void> {
  try {
    await writeFile(file, JSON.stringify(profile));
    process.stderr.write(`mcp-server: ${what} written to ${file}\n`);
  } catch (error) {
    process.stderr.write(`mcp-server: could not write the ${what} to ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
