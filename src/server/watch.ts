import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import { isModuleFileName, isSkippedDirName } from '../modules/discover.js';
import { toolsDirPaths } from '../config/schema.js';
import type { LoadedConfig } from '../config/types.js';
import type { Logger } from '../observability/logger.js';

export interface WatchTargets {
  /** Module directories (recursively). */
  dirs: readonly string[];
  /** The config file, when there is one. */
  configFile?: string;
  debounceMs: number;
}

export interface Watching {
  close(): Promise<void>;
}

/** Editor leftovers: backups (`x~`, `x.bak`), swap and lock files, save probes (vim's `4913`). */
const EDITOR_TEMP = /(~|\.swp|\.swo|\.swx|\.tmp|\.temp|\.bak|\.orig|\.crswap)$|^#.*#$|^\.#|^4913$/i;

/**
 * Whether a change at `file` (under one of `dirs`) can change what is served: a module file or a
 * directory discovery would enter. Dot-files and directories, editor temp files, node_modules and
 * the other directories discovery skips never can.
 */
export function isRelevantChange(file: string, dirs: readonly string[], isDirectory: boolean): boolean {
  const root = dirs.find((dir) => file === dir || file.startsWith(`${dir}${path.sep}`));
  if (root === undefined) return false;
  const segments = path.relative(root, file).split(path.sep).filter(Boolean);
  const name = segments.at(-1);
  if (name === undefined) return true; // the directory itself
  if (segments.slice(0, -1).some(isSkippedDirName)) return false;
  if (EDITOR_TEMP.test(name)) return false;
  return isDirectory ? !isSkippedDirName(name) : isModuleFileName(name);
}

/**
 * Watches module directories and the config file; a burst of relevant changes becomes one call of
 * `onChange` once nothing changed for `debounceMs`. Resolves when the initial scan is done.
 */
export async function watchForChanges(targets: WatchTargets, onChange: () => void, log: Logger): Promise<Watching> {
  const dirs = targets.dirs.map((dir) => path.resolve(dir));
  const configFile = targets.configFile ? path.resolve(targets.configFile) : undefined;
  let timer: NodeJS.Timeout | undefined;
  const changed = (file: string, isDirectory: boolean) => {
    if (file !== configFile && !isRelevantChange(file, dirs, isDirectory)) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, targets.debounceMs);
  };
  const { watch } = await import('chokidar'); // only a server that watches loads it
  const watcher: FSWatcher = watch([...dirs, ...(configFile ? [configFile] : [])], {
    ignoreInitial: true,
    persistent: false,
    // never descend where discovery does not look
    ignored: (file, stats) => file !== configFile && stats?.isDirectory() === true && !dirs.includes(file) && !isRelevantChange(file, dirs, true),
  });
  watcher.on('all', (event, file) => changed(path.resolve(file), event === 'addDir' || event === 'unlinkDir'));
  watcher.on('error', (error) => log.warn({ err: error }, 'watching for changes failed'));
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  log.info({ dirs, configFile }, 'watching for changes');
  return {
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

/**
 * The watching a running config asks for (tools.watch, tools.dirs, the config file,
 * tools.watchDebounceMs): follow() each config the server runs, and it starts, moves or stops.
 */
export class ConfiguredWatcher {
  private key = JSON.stringify(null);
  private watching: Watching | undefined;

  constructor(
    private readonly onChange: () => void,
    private readonly log: Logger,
  ) {}

  async follow(loaded: LoadedConfig): Promise<void> {
    const { tools } = loaded.config;
    const targets: WatchTargets = { dirs: toolsDirPaths(tools.dirs), ...(loaded.configFile ? { configFile: loaded.configFile } : {}), debounceMs: tools.watchDebounceMs };
    const key = JSON.stringify(tools.watch ? targets : null);
    if (key === this.key) return;
    await this.close();
    this.key = key;
    if (tools.watch) this.watching = await watchForChanges(targets, this.onChange, this.log);
  }

  async close(): Promise<void> {
    const watching = this.watching;
    this.watching = undefined;
    this.key = JSON.stringify(null);
    await watching?.close();
  }
}
