/** An HTTP error answer with a JSON-RPC error body, the shape MCP clients expect on any endpoint. */
export function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}, id: string | number | null = null): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id }), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export { INVALID_REQUEST, PARSE_ERROR } from '@modelcontextprotocol/server';
/** Implementation-defined server error (transport-level refusals). */
export const SERVER_ERROR = -32000;
export const SESSION_NOT_FOUND = -32001;
