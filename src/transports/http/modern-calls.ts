import type { IncomingMessage, ServerResponse } from 'node:http';
import { classifyInboundRequest, isJsonContentType, type AuthInfo, type JSONRPCRequest, type McpServer } from '@modelcontextprotocol/server';
import type { Config } from '../../config/schema.js';
import type { RegistrySnapshot } from '../../modules/registry.js';
import { createModernMcpServer } from '../../server/build-server.js';
import type { Runtime } from '../../server/runtime.js';
import type { SharedDefinitions } from '../../server/shared-definitions.js';
import { ModernMultiplexer, MODERN_REVISION } from './modern-multiplexer.js';
import type { SseLimits } from './sse-writer.js';
import { webRequestOf } from './web-exchange.js';

interface Served {
  snapshot: RegistrySnapshot;
  config: Config;
  server: McpServer;
  shared: SharedDefinitions;
  multiplexer: ModernMultiplexer;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/**
 * 2026-07-28 tools/call requests served by one long-lived server per snapshot (and config), instead
 * of the SDK entry building, connecting and closing a server for every request. Only calls the SDK's
 * entry would hand straight to a server take this way: a JSON POST of one request, classified by
 * the SDK as modern with the revision it serves, carrying the standard headers (MCP-Protocol-Version,
 * Mcp-Method, and Mcp-Name equal to the tool's name, not Base64-encoded), of a tool whose schema
 * declares no Mcp-Param headers. Everything else (other methods, errors the entry answers itself,
 * subscriptions/listen) goes through the SDK's entry as before.
 */
export class ModernCalls {
  private served: Served | undefined;

  constructor(
    private readonly runtime: Runtime,
    private readonly sse: SseLimits,
  ) {}

  /** Serves `body` when it is such a call (resolves once the response has started); false when it is not one. */
  serve(req: IncomingMessage, res: ServerResponse, body: unknown, path: string, authInfo: AuthInfo | undefined): Promise<void> | false {
    const call = body as JSONRPCRequest & { params?: { name?: unknown } };
    if (call === null || typeof call !== 'object' || Array.isArray(call) || call.method !== 'tools/call') return false;
    const name = call.params?.name;
    if (typeof name !== 'string' || header(req, 'mcp-name') !== name || name.startsWith('=?base64?')) return false;
    if (header(req, 'mcp-method') === undefined || header(req, 'mcp-protocol-version') === undefined) return false;
    if (!isJsonContentType(header(req, 'content-type') ?? null)) return false;
    const route = classifyInboundRequest({
      httpMethod: 'POST',
      protocolVersionHeader: header(req, 'mcp-protocol-version')!,
      mcpMethodHeader: header(req, 'mcp-method')!,
      mcpNameHeader: name,
      body,
    });
    if (route.kind !== 'modern' || route.messageKind !== 'request' || route.classification.revision !== MODERN_REVISION) return false;
    const served = this.current();
    if (!served.shared.declaresNoParamHeaders(name)) return false;
    return served.multiplexer.dispatch(call, res, { ...(authInfo ? { authInfo } : {}), request: webRequestOf(req, res, path) });
  }

  private current(): Served {
    const snapshot = this.runtime.registry();
    const { config } = this.runtime;
    if (this.served?.snapshot === snapshot && this.served.config === config) return this.served;
    const { server, shared } = createModernMcpServer(this.runtime, MODERN_REVISION);
    const multiplexer = new ModernMultiplexer(this.sse);
    void server.connect(multiplexer);
    // calls still running on a previous snapshot finish there; nothing new reaches it
    this.served = { snapshot, config, server, shared, multiplexer };
    return this.served;
  }

  async close(): Promise<void> {
    await this.served?.server.close().catch(() => undefined);
    this.served = undefined;
  }
}
