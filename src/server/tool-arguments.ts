import { ProtocolError, ProtocolErrorCode, type StandardSchemaV1 } from '@modelcontextprotocol/server';
import type { LoadedTool } from '../modules/normalize.js';

/** A tools/call's arguments as the tool's run() gets them (defaults applied), or the SDK's -32602. */
export async function validArguments(tool: LoadedTool, args: unknown): Promise<unknown> {
  const outcome = await tool.inputSchema['~standard'].validate(args ?? {});
  if (!outcome.issues) return outcome.value;
  throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Input validation error: Invalid arguments for tool ${tool.name}: ${issuesText(outcome.issues)}`);
}

/** Standard Schema issues as one line: `path: message; ...`. */
function issuesText(issues: ReadonlyArray<StandardSchemaV1.Issue>): string {
  return issues.map((issue) => `${issue.path?.map((part) => (typeof part === 'object' ? part.key : part)).join('.') || '(root)'}: ${issue.message}`).join('; ');
}
