import { McpServer, type JSONRPCRequest, type Result, type ServerContext } from '@modelcontextprotocol/server';

export type RawHandler = (request: JSONRPCRequest, ctx: ServerContext) => Promise<Result>;

/**
 * The ONE place that reaches into the SDK's private request dispatch. The SDK
 * (@modelcontextprotocol/server 2.4.0) has no hook in front of McpServer's tools/call: a task answer
 * must not go through its tool-result normalization (which adds `content: []`), and an error about
 * the request itself (-32021, -32602) must not be turned into an isError result. So the stored
 * dispatch entry (`Protocol._requestHandlers`, a Map of method -> handler) is replaced by
 * `wrap(next)`, where `next` is the SDK's own, fully wrapped handler. An SDK without that map stops
 * the server at start-up (checkToolsCallDispatch) instead of silently serving without tasks and
 * without the requestState guard; test/sdk-dispatch-units.test.ts fails the same way on an upgrade.
 */
const FIELD = '_requestHandlers';

const NEEDS = `mcp-server reaches into the MCP SDK's private ${FIELD} to serve tasks and guard requestState, and was written against @modelcontextprotocol/server 2.4.0`;

/** The server's dispatch table, or why it is not the shape this file expects. */
function dispatchTable(server: McpServer): Map<string, RawHandler> | string {
  const table: unknown = Reflect.get(server.server, FIELD);
  if (!(table instanceof Map)) return `the installed SDK's Server has no ${FIELD} Map (it has ${table === undefined ? 'none' : typeof table})`;
  const handler: unknown = table.get('tools/call');
  if (typeof handler !== 'function') return `the installed SDK's ${FIELD} holds no tools/call handler for a server with tools`;
  return table as Map<string, RawHandler>;
}

/** The server's whole dispatch table (method -> handler); throws when the SDK changed. */
export function requestHandlers(server: McpServer): Map<string, RawHandler> {
  const table: unknown = Reflect.get(server.server, FIELD);
  if (!(table instanceof Map)) throw new Error(`the installed SDK's Server has no ${FIELD} Map; ${NEEDS}`);
  return table as Map<string, RawHandler>;
}

/** Why `server` cannot be patched, or undefined when it can. */
export function dispatchProblem(server: McpServer): string | undefined {
  const table = dispatchTable(server);
  return typeof table === 'string' ? `${table}; ${NEEDS}` : undefined;
}

/**
 * Checks once, at start-up, that the installed SDK dispatches as this file expects; throws (and the
 * server does not start) when it does not, naming what changed.
 */
export function checkToolsCallDispatch(): void {
  const probe = new McpServer({ name: 'mcp-server dispatch check', version: '0' }, { capabilities: { tools: {} } });
  const problem = dispatchProblem(probe);
  if (problem) throw new Error(`cannot start: ${problem}. Install the SDK version package.json pins (npm ci).`);
}

/**
 * Replaces the server's tools/call dispatch with `wrap(next)`. The server must have been created
 * with the tools capability (the SDK then registers tools/call at once); throws when it was not, or
 * when the SDK changed.
 */
export function wrapToolsCall(server: McpServer, wrap: (next: RawHandler) => RawHandler): void {
  const table = dispatchTable(server);
  if (typeof table === 'string') throw new Error(`${table}; ${NEEDS}`);
  const next = table.get('tools/call')!;
  table.set('tools/call', wrap(next.bind(undefined)));
}
