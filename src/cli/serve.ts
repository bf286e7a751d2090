import type { ConfigResult, LoadedConfig } from '../config/types.js';
import { reopenLogFiles } from '../observability/log-file.js';
import { createReconfigurableLogger } from '../observability/logger.js';
import type { Host } from '../server/host.js';
import { StdioOpening } from '../transports/stdio-opening.js';
import { serverVersion } from '../version.js';

type Wired = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGUSR2';

const ACTIONS: Record<Wired, (host: Host) => void> = {
  SIGTERM: (host) => void host.close('SIGTERM'),
  SIGINT: (host) => void host.close('SIGINT'),
  // systemd's ExecReload sends SIGHUP; so does logrotate, after moving logging.file away
  SIGHUP: (host) => {
    reopenLogFiles();
    void host.reload('signal');
  },
  // `mcp-server --backup` asks the server that owns the data directory
  SIGUSR2: (host) => host.answerBackupRequests(),
};

/**
 * Runs the server until a signal or the client (stdio) ends it; resolves with the exit code.
 * Signals that arrive while it starts are acted on once it is up.
 */
export async function serve(loaded: LoadedConfig, reread: () => ConfigResult, onReady: (host: Host) => void = () => undefined): Promise<number> {
  let host: Host | undefined;
  const early = new Set<Wired>();
  for (const signal of Object.keys(ACTIONS) as Wired[]) {
    const act = () => (host ? ACTIONS[signal](host) : early.add(signal));
    if (signal === 'SIGTERM' || signal === 'SIGINT') process.once(signal, act);
    else process.on(signal, act);
  }
  // Under stdio the connection opens before the rest of the server (the SDK included) is even
  // loaded: a client's initialize is answered from the config while it loads.
  const logger = createReconfigurableLogger(loaded.config.logging);
  const stdio = loaded.config.transport.type === 'stdio' ? new StdioOpening(() => loaded.config, logger.log, serverVersion) : undefined;
  try {
    // one turn of the event loop: an initialize already waiting on stdin is answered before the
    // import below, which on Node >= 22 loads the whole graph without giving the loop a turn
    if (stdio) await new Promise((resolve) => setImmediate(resolve));
    const { startHost } = await import('../server/host.js');
    host = await startHost({ loaded, reread, logger, stdio });
  } catch (error) {
    await stdio?.wire.close(); // stdin would keep the process alive
    throw error;
  }
  onReady(host);
  for (const signal of early) ACTIONS[signal](host);
  return host.done;
}
