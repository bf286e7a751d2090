import { ProtocolError, ProtocolErrorCode, type McpServer, type ServerContext } from '@modelcontextprotocol/server';
import type { RegistrySnapshot } from '../modules/registry.js';
import { requestHandlers } from './tools-call-dispatch.js';

/**
 * What McpServer (@modelcontextprotocol/server 2.4.0) keeps per instance about what it serves. The
 * SDK has no way to share registrations between instances, and registering every definition on every
 * connection (and, on 2026-07-28, on every request) costs time and memory in the number of
 * definitions. So each registry snapshot is registered once, on a template instance that never
 * connects, and every connection's instance adopts the template's tables: its own handlers (the
 * SDK's) then serve the shared definitions.
 */
interface McpServerTables {
  _registeredTools: Record<string, unknown>;
  _registeredResources: Record<string, unknown>;
  _registeredResourceTemplates: Record<string, unknown>;
  _registeredPrompts: Record<string, unknown>;
  _toolInputSchemaJson: Record<string, unknown>;
  _completionHandlerInitialized: boolean;
}

const TABLES = ['_registeredTools', '_registeredResources', '_registeredResourceTemplates', '_registeredPrompts', '_toolInputSchemaJson'] as const;

/** Lists whose answer depends on nothing but the snapshot: computed once, served to every connection. */
const STATIC_LISTS = { 'tools/list': 'tools', 'prompts/list': 'prompts', 'resources/templates/list': 'resourceTemplates' } as const;
type StaticList = keyof typeof STATIC_LISTS;

const tablesOf = (server: McpServer) => server as unknown as McpServerTables;

/** One snapshot's definitions, registered once on a template every connection's server adopts. */
export class SharedDefinitions {
  private readonly lists = new Map<StaticList, Promise<unknown[]>>();
  private readonly headerFree = new Map<string, boolean>();

  constructor(
    readonly snapshot: RegistrySnapshot,
    private readonly template: McpServer,
  ) {
    for (const table of TABLES) {
      if (typeof tablesOf(template)[table] !== 'object') throw new Error(`McpServer has no ${table} (@modelcontextprotocol/server internals changed)`);
    }
  }

  /** Whether completion/complete has anything to complete (the SDK installs its handler only then). */
  get completes(): boolean {
    return tablesOf(this.template)._completionHandlerInitialized === true;
  }

  /** The items of a static list, as the SDK's own handler lists them (JSON Schemas converted once). */
  list(method: StaticList): Promise<unknown[]> {
    let items = this.lists.get(method);
    if (!items) {
      const handler = requestHandlers(this.template).get(method);
      const key = STATIC_LISTS[method];
      items = handler ? handler({ jsonrpc: '2.0', id: 0, method, params: {} }, {} as ServerContext).then((result) => (result as Record<string, unknown[]>)[key] ?? []) : Promise.resolve([]);
      // a failure (a schema that does not convert) is not remembered: the next request sees it again
      items.catch(() => this.lists.delete(method));
      this.lists.set(method, items);
    }
    return items;
  }

  /**
   * Whether `name` is a tool here whose input schema declares no x-mcp-header (SEP-2243): calls of
   * such a tool need no Mcp-Param-* header checks.
   */
  declaresNoParamHeaders(name: string): boolean {
    let free = this.headerFree.get(name);
    if (free === undefined) {
      const schema = (this.template as unknown as { toolInputSchemaJson(name: string): unknown }).toolInputSchemaJson(name);
      free = schema !== undefined && !JSON.stringify(schema).includes('x-mcp-header');
      if (this.snapshot.tools.has(name)) this.headerFree.set(name, free);
    }
    return free;
  }

  /** Makes `server` serve these definitions (before it connects, or in place on a reload). */
  adoptBy(server: McpServer): void {
    const target = tablesOf(server);
    const source = tablesOf(this.template);
    for (const table of TABLES) (target as unknown as Record<string, unknown>)[table] = source[table];
  }
}

/**
 * Installs, on a connection's server, list handlers that answer from its current SharedDefinitions
 * (`current()`, which a reload moves on), and a completion handler that answers -32601 while the
 * current snapshot has nothing to complete, as a server without one would. Call before connecting.
 */
export function serveShared(server: McpServer, current: () => SharedDefinitions): void {
  for (const [method, key] of Object.entries(STATIC_LISTS) as Array<[StaticList, string]>) {
    server.server.setRequestHandler(method, async () => ({ [key]: await current().list(method) }) as never);
  }
  const handlers = requestHandlers(server);
  if (!handlers.has('completion/complete')) (server as unknown as { setCompletionRequestHandler(): void }).setCompletionRequestHandler();
  const complete = handlers.get('completion/complete');
  if (!complete) return;
  handlers.set('completion/complete', (request, ctx) => {
    if (!current().completes) return Promise.reject(new ProtocolError(ProtocolErrorCode.MethodNotFound, 'Method not found'));
    return complete(request, ctx);
  });
}

const CONNECTION = Symbol('mcp-server connection');

/**
 * Stamps every request context of `server` with the server itself, so that handlers shared by every
 * connection can reach the one a request came in on (its client's capabilities, its identity).
 */
export function stampConnection(server: McpServer): void {
  const inner = server.server as unknown as { buildContext(ctx: unknown, info: unknown): Record<symbol, unknown> };
  const build = inner.buildContext;
  if (typeof build !== 'function') throw new Error('cannot reach the SDK request context (@modelcontextprotocol/server internals changed)');
  inner.buildContext = function (ctx, info) {
    return onConnection(build.call(this, ctx, info), server);
  };
}

/** Marks a request context as one of `server`'s (also one made without the SDK's dispatch). */
export function onConnection<T extends object>(context: T, server: McpServer): T {
  (context as Record<symbol, unknown>)[CONNECTION] = server;
  return context;
}

/** The server a request came in on (see stampConnection). */
export function connectionOf(request: ServerContext): McpServer {
  const server = (request as unknown as Record<symbol, McpServer | undefined>)[CONNECTION];
  if (!server) throw new Error('request context without its connection');
  return server;
}
