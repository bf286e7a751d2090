import type { JSONRPCRequest, McpServer, Result, ServerContext } from '@modelcontextprotocol/server';

export type RawHandler = (request: JSONRPCRequest, ctx: ServerContext) => Promise<Result>;

/**
 * The SDK (@modelcontextprotocol/server 2.4.0) has no hook in front of McpServer's tools/call: a task
 * answer must not go through its tool-result normalization (which adds `content: []`), and an error
 * about the request itself (-32021, -32602) must not be turned into an isError result. So the stored
 * dispatch entry is replaced by `wrap(next)`, where `next` is the SDK's own (fully wrapped) handler.
 * False when there is nothing to wrap: no tools registered, or an SDK whose dispatch we do not know.
 */
export function wrapToolsCall(server: McpServer, wrap: (next: RawHandler) => RawHandler): boolean {
  const table = (server.server as unknown as { _requestHandlers?: unknown })._requestHandlers;
  if (!(table instanceof Map)) return false;
  const handlers = table as Map<string, RawHandler>;
  const next = handlers.get('tools/call');
  if (!next) return false;
  handlers.set('tools/call', wrap(next.bind(undefined)));
  return true;
}
