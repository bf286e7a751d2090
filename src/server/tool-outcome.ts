import { isInputRequiredResult } from '@modelcontextprotocol/server';
import type { Runtime } from './runtime.js';

export type ToolOutcome = 'ok' | 'error' | 'timeout' | 'cancelled' | 'input_required';

/** Records one tool run in `mcp_tool_call_duration_seconds{tool,outcome}`. */
export function recordToolRun(runtime: Runtime, tool: string, startedMs: number, outcome: ToolOutcome): void {
  runtime.metrics.toolCallDuration.observe({ tool, outcome }, (performance.now() - startedMs) / 1000);
}

/** What a run that returned `value` counts as: an error result and an input request are told apart from success. */
export function outcomeOfValue(value: unknown): ToolOutcome {
  if (isInputRequiredResult(value)) return 'input_required';
  return typeof value === 'object' && value !== null && (value as { isError?: unknown }).isError === true ? 'error' : 'ok';
}
