import type { CallToolResult, InputRequiredResult, ServerContext } from '@modelcontextprotocol/server';
import type { LoadedTool } from '../modules/normalize.js';
import { errorMessage } from '../modules/registry.js';
import { createModuleContext } from './module-context.js';
import { toolError, toToolResult } from './results.js';
import type { Runtime } from './runtime.js';

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
): Promise<CallToolResult | InputRequiredResult> {
  const seconds = tool.def.timeoutSeconds ?? runtime.config.tools.timeoutSeconds;
  const controller = new AbortController();
  const onCancel = () => controller.abort(request.mcpReq.signal.reason);
  request.mcpReq.signal.addEventListener('abort', onCancel, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`Tool "${tool.name}" timed out after ${seconds} s`);
      controller.abort(error);
      reject(error);
    }, seconds * 1000);
  });
  const started = performance.now();
  try {
    const ctx = createModuleContext({ runtime, moduleName: tool.moduleName, request, signal: controller.signal, ...(sessionCapabilities ? { sessionCapabilities } : {}) });
    const value = await Promise.race([Promise.resolve().then(() => tool.def.run(args, ctx)), timedOut]);
    return toToolResult(value, tool.def.output !== undefined);
  } catch (error) {
    runtime.log.warn({ tool: tool.name, file: tool.file, err: error }, 'tool call failed');
    return toolError(errorMessage(error));
  } finally {
    clearTimeout(timer);
    request.mcpReq.signal.removeEventListener('abort', onCancel);
    runtime.log.debug({ tool: tool.name, ms: Math.round(performance.now() - started) }, 'tool call');
  }
}
