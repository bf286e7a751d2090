import type { McpServer } from '@modelcontextprotocol/server';
import type { Runtime } from './runtime.js';
import { validArguments } from './tool-arguments.js';
import { wrapToolsCall } from './tools-call-dispatch.js';

/**
 * Refuses, with the protocol's invalid-state error, a tools/call whose requestState was minted for
 * another caller, tool or set of arguments, before the SDK runs the tool. (A tool reading ctx.state()
 * is protected either way; this also covers tools that only look at the answers.)
 */
export function guardToolState(server: McpServer, runtime: Runtime): void {
  wrapToolsCall(server, (next) => async (message, request) => {
    const raw: unknown = request.mcpReq.requestState();
    const params = message.params as { name?: unknown; arguments?: unknown } | undefined;
    const tool = typeof params?.name === 'string' ? runtime.registry().tools.get(params.name) : undefined;
    if (raw !== undefined && tool) await runtime.requestState.open(raw, request, { target: tool.name, args: await validArguments(tool, params?.arguments) });
    return next(message, request);
  });
}
