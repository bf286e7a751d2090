// The baseline of `npm run bench`: a minimal MCP server written directly on the SDK the project uses
// (@modelcontextprotocol/server), serving the same `echo` tool and BENCH_TOOLS tools in all.
// Plain JavaScript, so that no compiler runs at its start either.
//   HTTP : PORT=3000 node baseline-server.mjs   -> http://127.0.0.1:$PORT/mcp (2026-07-28 + 2025 sessions)
//   stdio: node baseline-server.mjs --stdio
import { serve } from '@hono/node-server';
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  isInitializeRequest,
  isJsonContentType,
  isLegacyRequest,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  McpServer,
  originValidationResponse,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { Hono } from 'hono';
import * as z from 'zod/v4';

const TOOLS = Math.max(1, Number(process.env.BENCH_TOOLS ?? 10));

function buildServer() {
  const server = new McpServer({ name: 'bench-baseline', version: '1.0.0' });
  const input = z.object({ text: z.string() });
  server.registerTool('echo', { description: 'Echo the given text', inputSchema: input }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  for (let i = 1; i < TOOLS; i++) {
    server.registerTool(`filler_${i}`, { description: `Filler tool ${i}`, inputSchema: input }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  }
  return server;
}

if (process.argv.includes('--stdio')) {
  serveStdio(() => buildServer());
} else {
  const modern = createMcpHandler(() => buildServer(), { legacy: 'reject' });
  const sessions = new Map();
  const jsonError = (status, code, message) => Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status });

  async function handleLegacy(request, body) {
    const sid = request.headers.get('mcp-session-id');
    if (sid) {
      const transport = sessions.get(sid);
      if (!transport) return jsonError(404, -32001, 'Session not found');
      return transport.handleRequest(request, body === undefined ? undefined : { parsedBody: body });
    }
    if (body === undefined || !isInitializeRequest(body)) return jsonError(400, -32000, 'Bad Request: Session ID required');
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      onsessioninitialized: (id) => sessions.set(id, transport),
    });
    transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
    await buildServer().connect(transport);
    return transport.handleRequest(request, { parsedBody: body });
  }

  const allowedHosts = localhostAllowedHostnames();
  const allowedOrigins = localhostAllowedOrigins();
  const app = new Hono();
  app.all('/mcp', async (c) => {
    const request = c.req.raw;
    const rejected = hostHeaderValidationResponse(request, allowedHosts) ?? originValidationResponse(request, allowedOrigins);
    if (rejected) return rejected;
    if (request.method !== 'POST') return (await isLegacyRequest(request)) ? handleLegacy(request) : modern.fetch(request);
    if (!isJsonContentType(request.headers.get('content-type'))) return jsonError(415, -32000, 'Unsupported Media Type');
    let body;
    try {
      body = await request.json();
    } catch {
      return jsonError(400, -32700, 'Parse error');
    }
    return (await isLegacyRequest(request, body)) ? handleLegacy(request, body) : modern.fetch(request, { parsedBody: body });
  });
  serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => console.error(`listening on ${info.port}`));
}
