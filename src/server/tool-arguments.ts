import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { LoadedTool } from '../modules/normalize.js';

/** A tools/call's arguments as the tool's run() gets them (defaults applied), or the SDK's -32602. */
export async function validArguments(tool: LoadedTool, args: unknown): Promise<unknown> {
  const outcome = await tool.inputSchema['~standard'].validate(args ?? {});
  if (!outcome.issues) return outcome.value;
  const detail = outcome.issues.map((issue) => `${issue.path?.map((part) => (typeof part === 'object' ? part.key : part)).join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Input validation error: Invalid arguments for tool ${tool.name}: ${detail}`);
}
