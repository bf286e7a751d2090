import { isInputRequiredResult } from '@modelcontextprotocol/server';
import type { LoadedTool } from '../modules/normalize.js';
import type { Runtime } from './runtime.js';

export type ToolOutcome = 'ok' | 'error' | 'timeout' | 'cancelled' | 'input_required';

type Observe = (seconds: number) => void;

/** The labelled histogram children of a tool, by outcome: labels are looked up once, not per run. */
const children = new WeakMap<LoadedTool, Map<ToolOutcome, { histogram: unknown; observe: Observe }>>();

/** Records one tool run in `mcp_tool_call_duration_seconds{tool,outcome}`. */
export function recordToolRun(runtime: Runtime, tool: LoadedTool, startedMs: number, outcome: ToolOutcome): void {
  const histogram = runtime.metrics.toolCallDuration;
  let byOutcome = children.get(tool);
  if (!byOutcome) children.set(tool, (byOutcome = new Map()));
  let child = byOutcome.get(outcome);
  if (child?.histogram !== histogram) {
    const labelled = histogram.labels({ tool: tool.name, outcome });
    child = { histogram, observe: (seconds) => labelled.observe(seconds) };
    byOutcome.set(outcome, child);
  }
  child.observe((performance.now() - startedMs) / 1000);
}

/** What a run that returned `value` counts as: an error result and an input request are told apart from success. */
export function outcomeOfValue(value: unknown): ToolOutcome {
  if (isInputRequiredResult(value)) return 'input_required';
  return typeof value === 'object' && value !== null && (value as { isError?: unknown }).isError === true ? 'error' : 'ok';
}
