import { isIP } from 'node:net';
import { z } from 'zod';
import { MAX_TIMER_SECONDS } from '../timers.js';
import { anyBoolean, anyString, described, integer, nameGlobs, nonEmptyString, numberIn, positiveUpTo, secret } from './schema-parts.js';
import { upstreamsSchema } from './upstreams-schema.js';

/**
 * The one source of truth for configuration. Every key has a default and a description;
 * config.example.yaml documents the same keys and a test keeps the two in step.
 * Keys marked with `secret()` are redacted by --print-config.
 * Descriptions are set with `.apply(described, '...')`, the parts shared by keys come from schema-parts.ts:
 * both cost less at start-up than zod's .describe() and method chains (see there).
 */

/** Keys and secrets: at least 16 characters. */
const secretString = anyString.min(16);
const endpointPath = anyString.startsWith('/');
const port = integer(0, 65535);
/** The largest transport.bodyLimitBytes allowed. */
export const MAX_BODY_LIMIT_BYTES = 100 * 1024 * 1024;
/** Durations feed Node timers, which cannot wait longer than 2^31-1 ms. */
const positiveSeconds = positiveUpTo(MAX_TIMER_SECONDS, `must be at most ${MAX_TIMER_SECONDS} seconds (about 24.8 days, the longest a timer can wait)`);
const eventBytes = integer(1024, 2 ** 40);

export const transportTypes = ['stdio', 'sse', 'http-stream'] as const;
export const storageTypes = ['lowdb', 'lancedb', 'duckdb'] as const;
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export const logFormats = ['json', 'pretty'] as const;
/** Level names other tools (Python's logging among them) use for ours. */
export const logLevelSynonyms = { warning: 'warn', critical: 'fatal' } as const;

const serverSchema = z
  .strictObject({
    name: nonEmptyString.default('mcp-server').apply(described, 'Server name announced to clients.'),
    version: nonEmptyString.optional().apply(described, "Version announced to clients (serverInfo, /info); default: mcp-server's own version."),
    description: nonEmptyString.optional().apply(described, 'Description announced to clients (serverInfo, /info).'),
    instructions: anyString.optional().apply(described, 'Optional instructions sent to clients on connect.'),
    debug: anyBoolean.default(false).apply(described, 'Debug mode: tool error results carry the stack trace. Flag: --debug (which also sets logging.level to debug).'),
    requestStateSecret: secret(
      secretString.optional().apply(described, 'Key that signs multi-round-trip requestState. Random per process when unset; set it when several instances serve one endpoint.'),
    ),
  })
  .prefault({});

const sessionsSchema = z
  .strictObject({
    mode: looseEnum(['stateful', 'stateless']).default('stateful').apply(described, '2025-era clients: sessions with Mcp-Session-Id, or one fresh server per request.'),
    idleTimeoutSeconds: positiveSeconds.default(1800).apply(described, 'A 2025 session idle this long is closed and forgotten.'),
    max: integer(1, 100_000).default(1000).apply(described, 'Maximum concurrent 2025 sessions; a new one beyond this gets 503.'),
    maxPerCaller: integer(1, 100_000).default(100).apply(described, 'Maximum concurrent 2025 sessions of one API key (or client address without keys), never more than max; beyond it: 429.'),
  })
  .prefault({});

const transportSchema = z
  .strictObject({
    type: looseEnum(transportTypes).default('stdio').apply(described, 'stdio | sse | http-stream'),
    host: nonEmptyString.default('127.0.0.1').apply(described, 'Address the HTTP transports bind.'),
    port: port.default(8000).apply(described, 'Port the HTTP transports bind (0 picks a free port).'),
    endpoint: z
      .union([endpointPath, z.array(endpointPath).min(1)], { error: 'expected a path such as /mcp, or a list of paths' })
      .default('/mcp')
      .apply(described, 'Path of the Streamable HTTP endpoint, or a list of paths that all serve it.'),
    publicBasePath: anyString
      .regex(/^(\/[^/]+)*$/, 'must be empty or start with / and not end with /')
      .default('')
      .apply(described, 'Prefix a reverse proxy mounts the server under; used in URLs the server announces (legacy SSE endpoint).'),
    replicaId: anyString
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1 to 32 letters, digits, - or _')
      .optional()
      .apply(described, 'This replica\'s id behind a load balancer: session ids it mints start with "<replicaId>." so the proxy can route a session back to it.'),
    trustProxy: z
      .union([integer(0, 32), z.array(anyString.refine(isTrustedProxyEntry, 'must be an IP address or a CIDR range, e.g. 10.0.0.0/8'))])
      .default(0)
      .apply(described, 'Proxies whose X-Forwarded-For is believed: a number of hops in front of the server, or their addresses/CIDR ranges. 0: use the socket address.'),
    legacySse: anyBoolean.default(false).apply(described, 'With type http-stream, also serve the legacy HTTP+SSE endpoints (GET /sse, POST /messages) for old clients.'),
    sessions: sessionsSchema,
    stdio: z
      .strictObject({
        maxMessageBytes: integer(1024, 256 * 1024 * 1024)
          .default(10 * 1024 * 1024)
          .apply(described, 'Largest message (one line) accepted on stdin; a larger one is refused with a JSON-RPC error and the session goes on.'),
      })
      .prefault({}),
    eventStore: z
      .strictObject({
        maxEventsPerStream: integer(1, 100_000).default(1000).apply(described, 'Events kept per SSE stream for Last-Event-ID replay.'),
        maxStreams: integer(1, 1_000_000).default(10_000).apply(described, 'Streams remembered in all; the oldest is dropped first.'),
        maxBytesPerSession: eventBytes.default(16 * 1024 * 1024).apply(described, 'Bytes of events kept per 2025 session for replay; its oldest events are dropped first.'),
        maxBytesTotal: eventBytes.default(256 * 1024 * 1024).apply(described, 'Bytes of events kept for replay, all sessions together; the oldest events are dropped first.'),
      })
      .prefault({}),
    maxUnreadStreamBytes: integer(64 * 1024, 2 ** 30)
      .default(16 * 1024 * 1024)
      .apply(described, 'An SSE stream whose client leaves more than this many bytes unread is closed (with a log line).'),
    bodyLimitBytes: integer(1024, MAX_BODY_LIMIT_BYTES)
      .default(4 * 1024 * 1024)
      .apply(described, 'Largest accepted request body (413 beyond).'),
    requestTimeoutSeconds: positiveSeconds.default(300).apply(described, 'Upper bound for one HTTP request, streams excepted.'),
    rateLimit: z
      .strictObject({
        enabled: anyBoolean.default(true),
        windowSeconds: positiveSeconds.default(60),
        max: integer(1).default(600).apply(described, 'Requests per window per API key (or per client address without keys).'),
      })
      .prefault({}),
    apiKeys: secret(z.array(secretString).default([]).apply(described, 'Bearer keys accepted on HTTP (also MCP_API_KEY, comma-separated). Empty: no auth.')),
    adminKeys: secret(
      z
        .array(secretString)
        .default([])
        .apply(described, 'Bearer keys for POST /admin/reload and GET /admin/config (also MCP_ADMIN_KEY, comma-separated); API keys do not open them. Empty: no admin endpoints.'),
    ),
    allowedHosts: z.array(anyString).default([]).apply(described, 'Host header allow-list. Empty: loopback names when bound to loopback, any otherwise.'),
    allowedOrigins: z.array(anyString).default([]).apply(described, 'Origin allow-list (exact origins). Empty: loopback origins when bound to loopback, none otherwise.'),
    corsOrigins: z.array(anyString).default([]).apply(described, 'Origins that get CORS headers ("*" for any).'),
    tls: z
      .strictObject({
        keyFile: anyString.optional().apply(described, 'PEM private key; with certFile, serve HTTPS.'),
        certFile: anyString.optional().apply(described, 'PEM certificate chain.'),
      })
      .prefault({}),
    shutdownTimeoutSeconds: positiveSeconds.default(10).apply(described, 'On SIGTERM/SIGINT, or when stdin closes under stdio, how long in-flight calls may finish.'),
    maxConcurrentRequests: integer(0, 1_000_000).default(0).apply(described, 'Requests handled at once, on every transport (0: no limit); beyond it: 503 over HTTP, a JSON-RPC error over stdio.'),
  })
  .prefault({});

const storageSchema = z
  .strictObject({
    type: looseEnum(storageTypes).default('lowdb').apply(described, 'lowdb | lancedb | duckdb (all embedded).'),
    dataDir: nonEmptyString.default('./data').apply(described, 'Data directory: lock, schema version and the engine files.'),
    path: nonEmptyString.optional().apply(described, 'Where the engine keeps its files; default <dataDir>/<type>.'),
    sweepIntervalSeconds: positiveSeconds.default(60).apply(described, 'How often expired documents are purged.'),
    lockWaitSeconds: numberIn(0, 300).default(5).apply(described, 'At start-up, how long to wait for another live process to release the data directory and engine directory locks before giving up.'),
    lancedb: z
      .strictObject({
        vectorIndexMinRows: integer(256).default(5000).apply(described, 'Collections with at least this many vectors get an approximate (IVF-PQ) index.'),
      })
      .prefault({}),
    duckdb: z
      .strictObject({
        threads: integer(1, 256).optional().apply(described, 'DuckDB worker threads (default: DuckDB decides).'),
        memoryLimit: anyString.optional().apply(described, "DuckDB memory_limit, e.g. '1GB'."),
      })
      .prefault({}),
    embedder: z
      .strictObject({
        type: looseEnum(['hashing']).default('hashing').apply(described, 'Text embedder for search by meaning; hashing needs no download.'),
        dimensions: integer(16, 4096).default(256),
      })
      .prefault({}),
  })
  .prefault({});

export const isolationModes = ['none', 'worker'] as const;
const isolation = looseEnum(isolationModes);

const toolsDir = z.union([nonEmptyString, z.strictObject({ path: nonEmptyString, isolation: isolation.optional() })], {
  error: 'expected a directory, or { path, isolation }',
});

const workersSchema = z
  .strictObject({
    size: integer(0, 256).default(0).apply(described, 'Worker threads for modules with isolation: worker (0: one per CPU, os.availableParallelism()).'),
    resourceLimits: z
      .strictObject({
        maxOldGenerationSizeMb: integer(16, 65_536).default(512).apply(described, "A worker's main heap; a call that outgrows it fails and the worker is replaced."),
        stackSizeMb: numberIn(0.5, 1024).default(4).apply(described, "A worker's thread stack."),
      })
      .prefault({}),
  })
  .prefault({});

const toolsSchema = z
  .strictObject({
    dirs: z.array(toolsDir).default([]).apply(described, 'Directories searched (recursively) for tool, resource and prompt modules; an entry { path, isolation } sets the isolation of its modules.'),
    isolation: isolation
      .default('none')
      .apply(described, "Where modules run: none (on the server's event loop) or worker (in a worker thread pool); per directory and per module (modules.<name>.isolation) too."),
    workers: workersSchema,
    builtins: anyBoolean.default(true).apply(described, 'Also serve the built-in modules shipped in tools/.'),
    enabled: nameGlobs.default(['*']).apply(described, 'Names or globs of definitions to serve.'),
    disabled: nameGlobs.default([]).apply(described, 'Names or globs never served (wins over enabled).'),
    timeoutSeconds: positiveSeconds.default(30).apply(described, 'A tool call running longer is cancelled and answered with an error.'),
    watch: anyBoolean.default(false).apply(described, 'Reload when a module file under tools.dirs or the config file changes (also --watch); for module development.'),
    watchDebounceMs: integer(10, 60_000).default(200).apply(described, 'With watch: changes within this many milliseconds of each other become one reload.'),
    importTimeoutSeconds: positiveSeconds
      .default(30)
      .apply(described, 'A module file that takes longer to load (e.g. a top-level await that never settles) is reported and not served; the others are.'),
    tasks: z
      .strictObject({
        max: integer(1, 1_000_000).default(1000).apply(described, 'Tasks (Tasks extension) kept at once, running and finished; the oldest finished makes room.'),
        maxPerCaller: integer(1, 1_000_000)
          .default(100)
          .apply(described, 'Tasks one API key keeps at once (all callers without keys count as one), never more than max; its own oldest finished makes room.'),
      })
      .prefault({}),
  })
  .prefault({});

const loggingSchema = z
  .strictObject({
    level: looseEnum(logLevels, logLevelSynonyms).default('info').apply(described, 'trace | debug | info | warn | error | fatal | silent (any case).'),
    format: looseEnum(logFormats).default('json').apply(described, 'json lines, or human-readable pretty lines (time, level, message, fields).'),
    file: nonEmptyString.optional().apply(described, 'Append logs to this file instead of stderr; reopened on SIGHUP (log rotation).'),
  })
  .prefault({});

export const configSchema = z.strictObject({
  strict: anyBoolean.default(false).apply(described, 'Turn every config warning (old key names, ignored sections, unknown MCP_* variables) into an error.'),
  server: serverSchema,
  transport: transportSchema,
  storage: storageSchema,
  tools: toolsSchema,
  logging: loggingSchema,
  metrics: z
    .strictObject({
      port: port.optional().apply(described, 'Also serve /metrics on 127.0.0.1:<port> (any transport; the way to scrape a stdio server). Flag: --metrics-port.'),
    })
    .prefault({}),
  modules: z
    .record(anyString, z.looseObject({ isolation: isolation.optional() }))
    .default({})
    .apply(described, "Each module's own settings, keyed by module name (its file name without extension); reaches the module as ctx.config."),
  upstreams: upstreamsSchema,
});

export type Config = z.infer<typeof configSchema>;
export type Isolation = (typeof isolationModes)[number];
export type ToolsDir = z.infer<typeof toolsDir>;
export type TransportType = (typeof transportTypes)[number];
export type StorageType = (typeof storageTypes)[number];

/**
 * The value of `values` that `raw` names, ignoring case (`INFO`, `HTTP-STREAM`, `LanceDB`), or the
 * one a synonym stands for (`warning` -> `warn`). Anything else is returned unchanged for the
 * schema to reject.
 */
export function canonicalEnumValue(raw: unknown, values: readonly string[], synonyms: Readonly<Record<string, string>> = {}): unknown {
  if (typeof raw !== 'string') return raw;
  const lower = raw.trim().toLowerCase();
  return values.find((value) => value.toLowerCase() === lower) ?? synonyms[lower] ?? raw;
}

/** An enumeration read case-insensitively (from the file, the environment and flags alike). */
export function looseEnum<const T extends readonly [string, ...string[]]>(values: T, synonyms: Readonly<Record<string, T[number]>> = {}) {
  return z.preprocess((raw) => canonicalEnumValue(raw, values, synonyms), z.enum(values));
}

/** An address (`10.0.0.1`, `::1`) or a CIDR range (`10.0.0.0/8`, `fd00::/8`), as transport.trustProxy takes them. */
export function isTrustedProxyEntry(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.trim().split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The directory of a `tools.dirs` entry (a path, or `{ path, isolation }`). */
export const toolsDirPath = (entry: ToolsDir): string => (typeof entry === 'string' ? entry : entry.path);

/** The directories of `tools.dirs`, without their settings. */
export const toolsDirPaths = (dirs: readonly ToolsDir[]): string[] => dirs.map(toolsDirPath);
