import { createRequestStateCodec } from '@modelcontextprotocol/server';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { createEmbedder } from '../embedding/index.js';
import { buildRegistry, moduleDirs, type RegistrySnapshot } from '../modules/registry.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { ServerEvents } from '../server/events.js';
import { LiveServers } from '../server/live-servers.js';
import type { Runtime } from '../server/runtime.js';
import { TaskStore } from '../server/tasks/store.js';
import { serveBackupRequests } from './backup-on-request.js';
import { openStorage } from '../storage/open.js';
import { prepareTransport, startTransport } from '../transports/start.js';
import { serverVersion } from '../version.js';

/** Runs the server until a signal or the client (stdio) ends it; resolves with the exit code. */
export async function serve(config: Config): Promise<number> {
  const log = createLogger(config.logging);
  prepareTransport(config, log);
  const storage = await openStorage(config.storage, log, { waitForLock: true });
  const embedder = createEmbedder(config.storage.embedder);
  let generation = 1;
  let snapshot = await loadModules(config, generation, log);

  const runtime: Runtime = {
    config,
    log,
    storage,
    version: serverVersion,
    embed: (text) => embedder.embed(text),
    requestState: createRequestStateCodec({ key: config.server.requestStateSecret ?? randomBytes(32).toString('base64url'), ttlSeconds: 3600 }),
    registry: () => snapshot,
    live: new LiveServers(),
    events: new ServerEvents(),
    tasks: new TaskStore(),
  };
  runtime.events.on((event) => runtime.live.handle(event));

  const stopBackups = serveBackupRequests(config, storage, log);
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      resolveExit(1);
    }, config.transport.shutdownTimeoutSeconds * 1000 + 2000);
    deadline.unref();
    try {
      await transport.close();
    } catch (error) {
      log.warn({ err: error }, 'closing the transport failed');
    }
    runtime.tasks.close();
    stopBackups();
    await storage.close();
    clearTimeout(deadline);
    log.info('stopped');
    resolveExit(0);
  };

  const transport = await startTransport(runtime, (reason) => void shutdown(reason));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => {
    generation += 1;
    loadModules(config, generation, log).then(
      (next) => {
        snapshot = next;
        runtime.events.emit({ type: 'reloaded', snapshot: next });
        log.info({ generation, tools: next.tools.size }, 'modules reloaded');
      },
      (error: unknown) => log.error({ err: error }, 'reload failed; still serving the previous modules'),
    );
  });
  log.info(
    { transport: config.transport.type, storage: storage.engine, tools: snapshot.tools.size, resources: snapshot.resources.size + snapshot.templates.size, prompts: snapshot.prompts.size },
    'mcp-server ready',
  );
  return exited;
}

async function loadModules(config: Config, generation: number, log: Logger): Promise<RegistrySnapshot> {
  const { tools } = config;
  const snapshot = await buildRegistry({ dirs: moduleDirs(tools), enabled: tools.enabled, disabled: tools.disabled, generation });
  for (const problem of snapshot.problems) log.error({ file: problem.file }, `module not served: ${problem.reason}`);
  return snapshot;
}
