import assert from 'node:assert/strict';

/** 2026-07-28 requests driven as raw JSON-RPC over Streamable HTTP (for what the SDK client does not expose). */
export const MODERN_VERSION = '2026-07-28';

export interface RpcResponse {
  result?: Record<string, any>;
  error?: { code: number; message: string; data?: any };
}

export type ModernRpc = (method: string, params?: Record<string, unknown>, capabilities?: Record<string, unknown>) => Promise<RpcResponse>;

/** A sender of stateless 2026-07-28 requests to `origin`/mcp, with extra headers (e.g. Authorization) on each. */
export function modernRpc(origin: string, headers: Record<string, string> = {}): ModernRpc {
  let id = 0;
  return async (method, params = {}, capabilities = {}) => {
    const name = (params.name ?? params.taskId ?? params.uri) as string | undefined;
    const body = {
      jsonrpc: '2.0',
      id: ++id,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
          'io.modelcontextprotocol/clientInfo': { name: 'raw-test', version: '1.0.0' },
          'io.modelcontextprotocol/clientCapabilities': capabilities,
        },
      },
    };
    const response = await fetch(`${origin}/mcp`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': MODERN_VERSION,
        'Mcp-Method': method,
        ...(name ? { 'Mcp-Name': name } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) return JSON.parse(text) as RpcResponse;
    const messages = text
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => JSON.parse(line.slice(5)) as RpcResponse & { id?: number });
    const answer = messages.find((message) => message.id === body.id);
    assert.ok(answer, `no response in the SSE stream: ${text}`);
    return answer;
  };
}
