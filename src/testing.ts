/**
 * `mcp-server/testing`: serve a tools directory in-process and talk to it with a real MCP client, for
 * module authors' tests (`node --test`).
 *
 * EVERYTHING EXPORTED HERE IS PUBLIC API (semver applies); nothing else in this package is.
 */
import { Client, type ClientCapabilities } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config/load.js';
import type { logLevels, StorageType } from './config/schema.js';
import type { ConfigResult } from './config/types.js';
import type { ModuleStorage } from './modules/types.js';
import { createLiveMcpServer } from './server/build-server.js';
import { startHost } from './server/host.js';
import { serverVersion } from './version.js';

export interface TestServerOptions {
  /** The modules to serve: a directory or several, as paths or file URLs (`new URL('.', import.meta.url)`). */
  tools: string | URL | ReadonlyArray<string | URL>;
  /**
   * A config file to read as the server would (module sections, tools.enabled/disabled, timeouts);
   * default none. Its storage location, log level and transport are not used.
   */
  config?: string | URL;
  /** Engine of the throwaway storage (default lowdb). */
  storage?: StorageType;
  /** Serve the built-in modules too (default false). */
  builtins?: boolean;
  /** The client's protocol generation: 'modern' (2026-07-28, the default) or 'legacy' (2025-11-25, with initialize). */
  era?: 'modern' | 'legacy';
  /** Capabilities the client declares (elicitation, sampling, roots); answer with `client.setRequestHandler`. */
  capabilities?: ClientCapabilities;
  /** Server log level, on stderr (default silent). */
  logLevel?: (typeof logLevels)[number];
}

export interface TestServer {
  /** A connected MCP SDK client: `client.callTool({ name, arguments })`, `readResource`, `getPrompt`... */
  client: Client;
  /** The storage the modules see: fresh and empty at start, to seed or inspect. */
  storage: ModuleStorage;
  /** Disconnects, stops the server and deletes its storage. */
  close(): Promise<void>;
}

/**
 * Serves `options.tools` in this process, on throwaway storage (a fresh data directory under the
 * system temp directory, deleted by `close`), to an MCP client connected over an in-memory
 * transport: the same server, validation and results as `mcp-server` over stdio, without a process.
 */
export async function testServer(options: TestServerOptions): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mcp-server-test-'));
  const read = () => testConfig(options, dataDir);
  const loaded = read();
  if (!loaded.ok) {
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`mcp-server/testing: the config is not valid:\n${loaded.problems.map((problem) => `  ${problem.path || '(file)'}: ${problem.message}`).join('\n')}`);
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const host = await startHost({
    loaded,
    reread: read,
    transport: (runtime) => serveStdio(({ era }) => createLiveMcpServer(runtime, era), { transport: serverSide }),
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const client = new Client(
    { name: 'mcp-server-testing', version: serverVersion },
    { capabilities: options.capabilities ?? {}, ...(options.era === 'legacy' ? {} : { versionNegotiation: { mode: { pin: '2026-07-28' } } }) },
  );
  const stop = async () => {
    await client.close().catch(() => undefined);
    await host.close('test finished');
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await client.connect(clientSide);
  } catch (error) {
    await stop();
    throw error;
  }
  return { client, storage: host.runtime.storage, close: stop };
}

const asPath = (location: string | URL): string => path.resolve(location instanceof URL ? fileURLToPath(location) : location);

/** The config as the server would load it, minus anything from this process's environment or cwd. */
function testConfig(options: TestServerOptions, dataDir: string): ConfigResult {
  const tools = typeof options.tools === 'string' || options.tools instanceof URL ? [options.tools] : options.tools;
  const result = loadConfig({
    ...(options.config === undefined ? {} : { configPath: asPath(options.config) }),
    env: {},
    flags: { toolsDirs: tools.map(asPath), dataDir, storage: options.storage ?? 'lowdb', logLevel: options.logLevel ?? 'silent' },
    cwd: dataDir,
  });
  if (result.ok) result.config.tools.builtins = options.builtins ?? false;
  return result;
}
