import type { CallToolResult, InputRequiredResult, ServerContext } from '@modelcontextprotocol/server';
import type { LoadedTool } from '../modules/normalize.js';
import { runBounded } from './bounded-run.js';
import type { Cancellation } from './cancellation.js';
import { createModuleContext } from './module-context.js';
import { definitionScope, inModuleScope } from './module-faults.js';
import { toToolResult } from './results.js';
import type { Runtime } from './runtime.js';
import { thrownToolError } from './error-result.js';

/**
 * Runs one tool call: builds the module context, enforces the timeout, and turns a throw into an
 * isError result, so a tool can never take the server down or hang a client forever.
 */
export async function runTool(
  runtime: Runtime,
  tool: LoadedTool,
  args: unknown,
  request: ServerContext,
  sessionCapabilities?: () => Record<string, unknown> | undefined,
  cancel: Cancellation = request.mcpReq.signal,
): Promise<CallToolResult | InputRequiredResult> {
  const started = performance.now();
  try {
    const binding = { target: tool.name, args };
    const value = await runBounded(runtime, tool, cancel, (signal) =>
      inModuleScope(definitionScope(tool, 'tool run', request), () =>
        tool.def.run(args, createModuleContext({ runtime, moduleName: tool.moduleName, request, signal, binding, ...(sessionCapabilities ? { sessionCapabilities } : {}) })),
      ),
    );
    return toToolResult(value, tool.def.output !== undefined);
  } catch (error) {
    runtime.log.warn({ tool: tool.name, file: tool.file, err: error }, 'tool call failed');
    return thrownToolError(runtime, error);
  } finally {
    runtime.log.debug({ tool: tool.name, ms: Math.round(performance.now() - started) }, 'tool call');
  }
}
