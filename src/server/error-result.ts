import type { CallToolResult } from '@modelcontextprotocol/server';
import { errorMessage } from '../modules/registry.js';
import { toolError } from './results.js';
import type { Runtime } from './runtime.js';

/**
 * The error result of a tool that threw: its message, and with `server.debug` (--debug) its stack
 * trace too (stacks reveal file paths, so they stay off by default).
 */
export function thrownToolError(runtime: Runtime, error: unknown): CallToolResult {
  const message = errorMessage(error);
  const stack = runtime.config.server.debug && error instanceof Error ? error.stack : undefined;
  return toolError(stack ? `${message}\n\n${stack}` : message);
}
