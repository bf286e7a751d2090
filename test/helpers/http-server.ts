import { SSEClientTransport, StreamableHTTPClientTransport, type Client } from '@modelcontextprotocol/client';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { spawnBinary } from './binary-process.js';
import { moduleFixture } from './module-sources.js';
import { newClient, type Era } from './stdio-server.js';
import { tempDir } from './temp-dir.js';
import { waitFor, within } from './wait.js';
/** The ready line, in JSON or in pretty lines (logging.format). */
const READY = /"msg":"mcp-server ready"|^[\d:.]+ INFO +mcp-server ready /m;

export interface HttpServerOptions {
  transport: 'http-stream' | 'sse';
  /** YAML config file contents (written to the temp dir). */
  config?: string;
  /** Extra tool module files: name -> source, written to a temp tools dir passed with --tools-dir. */
  modules?: Record<string, string>;
  env?: Record<string, string>;
  args?: string[];
  /** Files to write under the server's temp dir before it starts: relative path -> contents. */
  files?: Record<string, string>;
  /**
   * false: pass no --transport, --host, --port or --log-level; the config file or environment must
   * make the server listen on 127.0.0.1:`port` and log at info level.
   */
  addressFlags?: boolean;
  /** The port the server will listen on (default: a free one). */
  port?: number;
  /** --log-level to pass (default info); null passes none, so the config file decides. */
  logLevel?: string | null;
}

export interface HttpServer {
  port: number;
  /** http://127.0.0.1:<port> (https when the config enables TLS). */
  origin: string;
  dir: string;
  pid: number;
  stderr(): string;
  /** Sends a signal and resolves with the exit code (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the real binary on a free 127.0.0.1 port with a temp data dir; resolves once it is ready. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { dir, cleanup } = await tempDir('mcp-http-test-');
  const addressFlags = options.addressFlags ?? true;
  const logLevel = options.logLevel === undefined ? 'info' : options.logLevel;
  const args = ['--data-dir', path.join(dir, 'data'), ...(addressFlags ? ['--transport', options.transport, '--host', '127.0.0.1', ...(logLevel === null ? [] : ['--log-level', logLevel])] : [])];
  for (const [name, contents] of Object.entries(options.files ?? {})) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), contents);
  }
  if (options.config !== undefined) {
    await writeFile(path.join(dir, 'config.yaml'), options.config);
    args.push('--config', path.join(dir, 'config.yaml'));
  }
  if (options.modules) {
    const toolsDir = path.join(dir, 'tools');
    await mkdir(toolsDir);
    for (const [name, source] of Object.entries(options.modules)) await writeFile(path.join(toolsDir, name), source);
    args.push('--tools-dir', toolsDir);
  }
  const port = options.port ?? (await freePort());
  if (addressFlags) args.push('--port', String(port));
  args.push(...(options.args ?? []));
  const server = spawnBinary(args, { ...(options.env ? { env: options.env } : {}), stdout: false });
  let exit: number | null | undefined;
  void server.exited.then((code) => (exit = code));
  try {
    await waitFor(
      () => {
        if (exit !== undefined) throw new Error(`server did not start (exit ${exit}):\n${server.stderr()}`);
        return READY.test(server.stderr());
      },
      () => `the server to be ready:\n${server.stderr()}`,
      { attempts: 400, intervalMs: 50 },
    );
  } catch (error) {
    await server.stop('SIGKILL');
    await cleanup();
    throw error;
  }
  const https = /keyFile/.test(options.config ?? '') || (options.args ?? []).includes('--ssl-keyfile');
  return {
    port,
    origin: `${https ? 'https' : 'http'}://127.0.0.1:${port}`,
    dir,
    pid: server.pid,
    stderr: server.stderr,
    exited: server.exited,
    async stop(signal = 'SIGTERM', graceMs = 15_000) {
      const code = await server.stop(signal, graceMs);
      await cleanup();
      return code;
    },
  };
}

export type HttpClientKind = Era | 'sse';

/** A connected SDK client: 2026-07-28 or 2025-11-25 over Streamable HTTP, or 2025 over legacy SSE. */
export async function connectClient(
  server: Pick<HttpServer, 'origin'>,
  kind: HttpClientKind,
  options: { headers?: Record<string, string>; capabilities?: Record<string, unknown>; fetch?: typeof fetch; client?: Client } = {},
): Promise<Client> {
  const client = options.client ?? newClient(kind === 'sse' ? 'legacy' : kind, options.capabilities);
  const requestInit = options.headers ? { headers: options.headers } : undefined;
  const fetchFn = options.headers ? withHeaders(options.headers, options.fetch) : options.fetch;
  const transport =
    kind === 'sse'
      ? new SSEClientTransport(new URL(`${server.origin}/sse`), { ...(requestInit ? { requestInit } : {}), ...(fetchFn ? { fetch: fetchFn } : {}) })
      : new StreamableHTTPClientTransport(new URL(`${server.origin}/mcp`), { ...(requestInit ? { requestInit } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) });
  await client.connect(transport);
  return client;
}

function withHeaders(headers: Record<string, string>, base: typeof fetch = fetch) {
  return (url: string | URL | Request, init?: RequestInit) => base(url, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } });
}

export const JSON_AND_SSE = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

/** Opens a 2025 session with raw HTTP; resolves with its Mcp-Session-Id. */
export async function rawInitialize(origin: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${origin}/mcp`, {
    method: 'POST',
    headers: { ...JSON_AND_SSE, ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
  });
  const sessionId = response.headers.get('mcp-session-id');
  await response.text();
  if (!sessionId) throw new Error(`initialize gave no session (HTTP ${response.status})`);
  await fetch(`${origin}/mcp`, {
    method: 'POST',
    headers: { ...JSON_AND_SSE, ...headers, 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  }).then((r) => r.text());
  return sessionId;
}

/** Test tool modules: slow calls with progress, and who the caller is (test/fixtures/modules/slow.mjs). */
export const TEST_MODULES: Record<string, string> = { 'slow.mjs': moduleFixture('slow.mjs') };

/**
 * Starts a slow_progress call (`steps` steps, `delayMs` apart) and resolves once the server runs it
 * (its first progress arrived): a signal sent then finds it in flight. The call's result is `result`.
 */
export async function callInFlight(client: Client, steps: number, delayMs: number): Promise<{ result: Promise<unknown> }> {
  let running!: () => void;
  const started = new Promise<void>((resolve) => (running = resolve));
  const result = client.callTool({ name: 'slow_progress', arguments: { steps, delay_ms: delayMs } }, { onprogress: () => running() });
  await within(Promise.race([started, result]), 10_000, 'the call to start');
  return { result };
}

/** Calls slow_progress, recording each progress value and how many arrived before the result. */
export async function callWithProgress(client: Client, steps: number, delayMs: number) {
  const seen: number[] = [];
  let settled = false;
  let beforeResult = 0;
  const result = await client
    .callTool(
      { name: 'slow_progress', arguments: { steps, delay_ms: delayMs } },
      {
        onprogress: (progress) => {
          seen.push(progress.progress);
          if (!settled) beforeResult += 1;
        },
      },
    )
    .finally(() => (settled = true));
  return { seen, beforeResult, result };
}
