import {
  Client,
  ProtocolError,
  ProtocolErrorCode,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type ClientContext,
  type PriorDiscovery,
  type ServerCapabilities,
  type Transport,
} from '@modelcontextprotocol/client';
import { getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import type { UpstreamConfig } from '../config/upstreams-schema.js';
import type { JsonObject } from '../modules/forwarded.js';
import { errorMessage } from '../modules/registry.js';
import type { Logger } from '../observability/logger.js';
import { ChildProcessTransport } from './child-transport.js';
import { missingCapability, UPSTREAM_CLIENT_CAPABILITIES } from './client-capabilities.js';
import { expandEnv, expandValues, type Env } from './expand-env.js';
import type { Reaper } from './reaper.js';
import type { Session } from './relay.js';
import { SessionSubscriptions } from './session-subscriptions.js';
import { InFlight } from './upstream-call.js';

export type UpstreamTransportKind = 'stdio' | 'streamable-http' | 'sse';

export interface SessionOptions {
  name: string;
  config: UpstreamConfig;
  env: Env;
  reaper: Reaper;
  log: Logger;
  version: string;
  /** What the last connection found out, so a restart need not probe again. */
  hint?: ConnectHint;
  /** Aborts a connection attempt (the upstream is being stopped). */
  signal: AbortSignal;
  /** A list of the upstream changed (tools, resources or prompts). */
  onListChanged(): void;
  onResourceUpdated(uri: string): void;
}

/** The protocol era and (for a URL) the transport that worked last time. */
export interface ConnectHint {
  prior: PriorDiscovery;
  kind: UpstreamTransportKind;
}

export interface LiveSession extends Session {
  readonly kind: UpstreamTransportKind;
  readonly pid: number | undefined;
  readonly capabilities: ServerCapabilities;
  readonly hint: ConnectHint;
  /** Resolves once, with why, when the connection ends by itself (the process exited, a ping went unanswered...). */
  readonly lost: Promise<string>;
  /** Its resource subscriptions at the upstream (for the URIs clients follow). */
  readonly subscriptions: SessionSubscriptions;
  /** Pings the upstream (server/discover on 2026-07-28); no answer within the timeout ends the session (`lost`). */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** The SDK's timeout for the era probe on stdio: a 2025 server that ignores it is recognized once it expires. */
const PROBE_TIMEOUT_MS = 5000;

/** Connects to an upstream (spawning it, for a command) and wires its requests and notifications. */
export async function openSession(options: SessionOptions): Promise<LiveSession> {
  const { config } = options;
  const timeoutMs = config.timeoutSeconds * 1000;
  const inFlight = new InFlight();
  let lose: (why: string) => void = () => undefined;
  const lost = new Promise<string>((resolve) => (lose = resolve));

  let exit: string | undefined;
  const attempt = async (kind: UpstreamTransportKind, prior: PriorDiscovery | undefined) => {
    const client = newClient(options, inFlight, timeoutMs);
    const transport = makeTransport(kind, options, (why) => (exit = why));
    const abandon = () => void transport.close().catch(() => undefined);
    options.signal.addEventListener('abort', abandon, { once: true });
    try {
      options.signal.throwIfAborted();
      await client.connect(transport, { timeout: timeoutMs, signal: options.signal, ...(prior ? { prior } : {}) });
    } catch (error) {
      await transport.close().catch(() => undefined);
      throw error;
    } finally {
      options.signal.removeEventListener('abort', abandon);
    }
    return { client, transport };
  };

  const kinds: UpstreamTransportKind[] = config.command ? ['stdio'] : options.hint ? [options.hint.kind] : ['streamable-http', 'sse'];
  let connected: { client: Client; transport: Transport } | undefined;
  let kind: UpstreamTransportKind = kinds[0]!;
  const failures: string[] = [];
  for (const candidate of kinds) {
    kind = candidate;
    exit = undefined;
    // legacy SSE has no 2026 era; a remembered verdict skips the probe
    const prior = candidate === 'sse' ? { kind: 'legacy' as const } : options.hint?.prior;
    try {
      connected = await attempt(candidate, prior);
      break;
    } catch (error) {
      failures.push(`${candidate === 'stdio' ? '' : `${candidate}: `}${errorMessage(error)}${exit ? ` (${exit})` : ''}`);
    }
  }
  if (!connected) throw new Error(failures.join('; '));

  const { client, transport } = connected;
  const era = client.getProtocolEra() === 'modern' ? 'modern' : 'legacy';
  const capabilities = client.getServerCapabilities() ?? {};
  const discover = client.getDiscoverResult();
  const hint: ConnectHint = { kind, prior: era === 'modern' && discover ? { kind: 'modern', discover } : { kind: 'legacy' } };

  client.onclose = () => lose(exit ?? 'the connection closed');
  wireNotifications(client, options, inFlight);
  if (era === 'modern') await listenForChanges(client, capabilities, lose);
  else if (capabilities.logging) await askForEveryLogMessage(client, options, timeoutMs);

  let closing = false;
  return {
    client,
    era,
    inFlight,
    kind,
    pid: transport instanceof ChildProcessTransport ? (transport.pid ?? undefined) : undefined,
    capabilities,
    hint,
    lost,
    subscriptions: new SessionSubscriptions(client, era, timeoutMs, options.log.child({ upstream: options.name }), lose),
    async check() {
      // the 2026-07-28 era has no ping: server/discover is its cheapest request
      try {
        await (era === 'modern' ? client.discover({ timeout: timeoutMs }) : client.ping({ timeout: timeoutMs }));
      } catch (error) {
        if (!closing) lose(`did not answer ${era === 'modern' ? 'server/discover' : 'a ping'} within ${config.timeoutSeconds} s (${errorMessage(error)})`);
      }
    },
    async close() {
      closing = true;
      client.onclose = undefined;
      await client.close().catch(() => undefined);
      await transport.close().catch(() => undefined);
    },
  };
}

function newClient(options: SessionOptions, inFlight: InFlight, timeoutMs: number): Client {
  const client = new Client(
    { name: 'mcp-server', version: options.version },
    {
      capabilities: UPSTREAM_CLIENT_CAPABILITIES,
      versionNegotiation: { mode: 'auto', probe: { timeoutMs: Math.min(PROBE_TIMEOUT_MS, timeoutMs) } },
      // input_required answers of a 2026 upstream go back to the calling client (relay.ts)
      inputRequired: { autoFulfill: false },
    },
  );
  const pass = (method: 'sampling/createMessage' | 'elicitation/create' | 'roots/list') => (request: { params?: unknown }, ctx: ClientContext) =>
    askCaller(inFlight, options.name, method, request.params as JsonObject | undefined, ctx.mcpReq.signal);
  client.setRequestHandler('sampling/createMessage', pass('sampling/createMessage') as never);
  client.setRequestHandler('elicitation/create', pass('elicitation/create') as never);
  client.setRequestHandler('roots/list', pass('roots/list') as never);
  return client;
}

/** A 2025 upstream asks the client something: it goes to the call in flight (see InFlight), if the client can answer. */
async function askCaller(inFlight: InFlight, upstream: string, method: string, params: JsonObject | undefined, signal: AbortSignal): Promise<JsonObject> {
  const call = inFlight.attribute();
  if (call === 'none') throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `${method} is only passed on to a client during one of its calls to upstream "${upstream}"`);
  if (call === 'ambiguous') throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `calls of several clients to upstream "${upstream}" are in flight; cannot tell which one ${method} is for`);
  const missing = missingCapability(method, params, call.caller.capabilities);
  if (missing) throw new ProtocolError(ProtocolErrorCode.MethodNotFound, `the client calling upstream "${upstream}" does not support ${missing} (it did not declare the capability)`);
  return call.ask(method, params, signal);
}

function wireNotifications(client: Client, options: SessionOptions, inFlight: InFlight): void {
  const log = options.log;
  client.setNotificationHandler('notifications/message', (notification) => {
    const params = notification.params as JsonObject;
    log.debug({ upstream: options.name, messageLevel: params.level, logger: params.logger, data: params.data }, 'upstream log message');
    const call = inFlight.attribute();
    if (typeof call === 'object' && call.active) call.caller.log(params);
  });
  client.setNotificationHandler('notifications/progress', (notification) => inFlight.progress(notification.params));
  client.setNotificationHandler('notifications/tools/list_changed', () => options.onListChanged());
  client.setNotificationHandler('notifications/resources/list_changed', () => options.onListChanged());
  client.setNotificationHandler('notifications/prompts/list_changed', () => options.onListChanged());
  client.setNotificationHandler('notifications/resources/updated', (notification) => options.onResourceUpdated(notification.params.uri));
}

/**
 * A 2025 upstream sends log messages from the level it was last given (its own default before that):
 * it is asked for all of them, since each client's own level filters them here (2026-07-28
 * upstreams get the level with every request, relay.ts).
 */
async function askForEveryLogMessage(client: Client, options: SessionOptions, timeoutMs: number): Promise<void> {
  await client.setLoggingLevel('debug', { timeout: timeoutMs }).catch((error: unknown) => {
    options.log.warn({ upstream: options.name, reason: errorMessage(error) }, 'the upstream refused logging/setLevel; its log messages come at its own default level');
  });
}

/** A 2026-07-28 upstream announces list changes on a subscriptions/listen stream; its end means the upstream went away. */
async function listenForChanges(client: Client, capabilities: ServerCapabilities, lose: (why: string) => void): Promise<void> {
  const filter = {
    ...(capabilities.tools?.listChanged ? { toolsListChanged: true } : {}),
    ...(capabilities.resources?.listChanged ? { resourcesListChanged: true } : {}),
    ...(capabilities.prompts?.listChanged ? { promptsListChanged: true } : {}),
  };
  if (Object.keys(filter).length === 0) return;
  const subscription = await client.listen(filter);
  void subscription.closed.then((how) => {
    if (how !== 'local') lose(how === 'graceful' ? 'the upstream ended its change stream (shutting down)' : 'the change stream dropped');
  });
}

function makeTransport(kind: UpstreamTransportKind, options: SessionOptions, onExit: (why: string) => void): Transport {
  const { config, env, name, log } = options;
  if (kind === 'stdio') {
    return new ChildProcessTransport(
      {
        command: expandEnv(config.command!, env, `upstreams.${name}.command`),
        args: config.args.map((arg, i) => expandEnv(arg, env, `upstreams.${name}.args[${i}]`)),
        env: { ...getDefaultEnvironment(), ...expandValues(config.env, env, `upstreams.${name}.env`) },
        ...(config.cwd ? { cwd: config.cwd } : {}),
      },
      {
        stderrLine: (line) => log.info({ upstream: name, stderr: line }, 'upstream stderr'),
        exited: (code, signal) => onExit(signal ? `the process was killed by ${signal}` : `the process exited with code ${code}`),
      },
      options.reaper,
    );
  }
  const url = new URL(expandEnv(config.url!, env, `upstreams.${name}.url`));
  const headers = expandValues(config.headers, env, `upstreams.${name}.headers`);
  const withHeaders: typeof fetch = (input, init) => fetch(input, { ...init, headers: { ...headersOf(init?.headers), ...headers } });
  return kind === 'sse' ? new SSEClientTransport(url, { fetch: withHeaders }) : new StreamableHTTPClientTransport(url, { fetch: withHeaders });
}

function headersOf(headers: ConstructorParameters<typeof Headers>[0] | undefined): Record<string, string> {
  return headers ? Object.fromEntries(new Headers(headers).entries()) : {};
}
