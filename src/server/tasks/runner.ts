import {
  CLIENT_CAPABILITIES_META_KEY,
  inputResponse,
  isInputRequiredResult,
  MissingRequiredClientCapabilityError,
  ProtocolErrorCode,
  type CallToolResult,
  type InputRequests,
  type InputResponses,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { LoadedTool } from '../../modules/normalize.js';
import type { InputAnswer, ModuleContext } from '../../modules/types.js';
import { createModuleContext } from '../module-context.js';
import { definitionScope, inModuleScope } from '../module-faults.js';
import { toolError, toToolResult } from '../results.js';
import { runBounded, ToolTimeout } from '../bounded-run.js';
import type { Runtime } from '../runtime.js';
import { TASKS_EXTENSION } from '../initialize-answer.js';
import type { Task } from './store.js';
import { thrownToolError } from '../error-result.js';

type Capabilities = Record<string, unknown>;

/** What the client declared on this 2026-07-28 request (`_meta` envelope), if anything. */
export function requestCapabilities(request: ServerContext): Capabilities | undefined {
  return (request.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as Capabilities | undefined;
}

export function declaresTasks(capabilities: Capabilities | undefined): boolean {
  const extensions = capabilities?.extensions;
  return typeof extensions === 'object' && extensions !== null && TASKS_EXTENSION in extensions;
}

export const missingTasksExtension = () =>
  new MissingRequiredClientCapabilityError(
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
    `This request needs the ${TASKS_EXTENSION} extension, which the client did not declare`,
  );

const CAPABILITY_OF: Record<string, string> = { 'elicitation/create': 'elicitation', 'sampling/createMessage': 'sampling', 'roots/list': 'roots' };

/** The input requests the client cannot answer because it did not declare the capability they need. */
export function undeclaredInputError(requests: InputRequests, capabilities: Capabilities | undefined): MissingRequiredClientCapabilityError | undefined {
  const missing = [...new Set(Object.values(requests).map((request) => CAPABILITY_OF[(request as { method: string }).method]))].filter(
    (capability): capability is string => capability !== undefined && capabilities?.[capability] === undefined,
  );
  if (missing.length === 0) return undefined;
  return new MissingRequiredClientCapabilityError(
    { requiredCapabilities: Object.fromEntries(missing.map((capability) => [capability, {}])) },
    `The tool asked for input the client did not declare it can give (${missing.join(', ')})`,
  );
}

/** One round's material: the answers to the previous round's input requests and its state. */
export interface Round {
  inputResponses?: InputResponses | Record<string, unknown>;
  state?: unknown;
}

interface TaskContextOptions {
  runtime: Runtime;
  tool: LoadedTool;
  args: unknown;
  signal: () => AbortSignal;
  round: Round;
  client: TaskClient;
}

/**
 * The module `ctx` for a round that runs after the creating request was answered: no request to
 * log or report progress through (both go to the server log / nowhere), the round's answers instead.
 */
function taskContext({ runtime, tool, args, signal, round, client }: TaskContextOptions): ModuleContext {
  const base = createModuleContext({ runtime, moduleName: tool.moduleName, signal, binding: { target: tool.name, args }, stateRequest: client.request });
  return {
    ...base,
    input: (key) => inputResponse(round.inputResponses, key) as InputAnswer,
    state: <T>() => round.state as T | undefined,
    era: 'modern',
    ...(client.auth ? { auth: client.auth } : {}),
    ...(client.capabilities ? { clientCapabilities: client.capabilities } : {}),
  };
}

/** A JSON-RPC error a module threw on purpose (an integer `code`): the task fails with it. */
function protocolErrorOf(error: unknown): { code: number; message: string; data?: unknown } | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, data } = error as Error & { code?: unknown; data?: unknown };
  if (typeof code !== 'number' || !Number.isInteger(code)) return undefined;
  return { code, message: error.message, ...(data === undefined ? {} : { data }) };
}

/** Runs `run` once, bounded by the tool's timeout and the task's cancellation. */
function runRound(task: Task, options: Omit<TaskContextOptions, 'signal'>): Promise<unknown> {
  const { runtime, tool, args, client } = options;
  const scope = { ...definitionScope(tool, 'tool run', client.request), task: task.id };
  return runBounded(runtime, tool, task.controller.signal, (signal) => inModuleScope(scope, () => tool.def.run(args, taskContext({ ...options, signal }))));
}

/** Who created the task: what they declared, who they are, and the creating request (for requestState). */
export interface TaskClient {
  capabilities: Capabilities | undefined;
  auth: ModuleContext['auth'];
  request: ServerContext;
}

/**
 * Drives a task to a terminal state: runs the tool, and while it asks for input, parks the task in
 * input_required until tasks/update has answered every request, then runs it again with the answers
 * (the multi-round-trip contract, server-side). A tool error completes the task with an isError
 * result; a thrown JSON-RPC error (integer `code`) or a timeout fails it.
 */
export async function runTask(runtime: Runtime, tool: LoadedTool, task: Task, args: unknown, first: Round, client: TaskClient): Promise<void> {
  const started = performance.now();
  let round = first;
  try {
    for (;;) {
      const value = await runRound(task, { runtime, tool, args, round, client });
      if (task.terminal) return;
      const result = toToolResult(value, tool.def.output !== undefined);
      if (!isInputRequiredResult(result)) return task.complete(await checkedOutput(tool, result));
      const requests = result.inputRequests ?? {};
      if (Object.keys(requests).length === 0) return task.fail({ code: ProtocolErrorCode.InternalError, message: `Tool "${tool.name}" asked for input but named no input request` });
      const undeclared = undeclaredInputError(requests, client.capabilities);
      if (undeclared) return task.fail({ code: undeclared.code, message: undeclared.message, data: undeclared.data });
      const state = result.requestState === undefined ? undefined : await runtime.requestState.open(result.requestState, client.request, { target: tool.name, args });
      const answers = await task.awaitInput(requests);
      if (task.terminal) return;
      round = { inputResponses: answers, state };
    }
  } catch (error) {
    if (task.terminal) return;
    runtime.log.warn({ tool: tool.name, file: tool.file, task: task.id, err: error }, 'task failed');
    const failure = protocolErrorOf(error);
    if (failure) task.fail(failure);
    else if (error instanceof ToolTimeout) task.fail({ code: ProtocolErrorCode.InternalError, message: error.message });
    else task.complete(thrownToolError(runtime, error));
  } finally {
    runtime.log.debug({ tool: tool.name, task: task.id, status: task.status, ms: Math.round(performance.now() - started) }, 'task settled');
  }
}

/** Structured content is checked against the tool's output schema, as on a synchronous call. */
async function checkedOutput(tool: LoadedTool, result: CallToolResult): Promise<CallToolResult> {
  if (!tool.outputSchema || result.isError) return result;
  if (result.structuredContent === undefined) return toolError(`Output validation error: Tool ${tool.name} has an output schema but no structured content was provided`);
  const outcome = await tool.outputSchema['~standard'].validate(result.structuredContent);
  if (outcome.issues) return toolError(`Output validation error: Invalid structured content for tool ${tool.name}: ${outcome.issues.map((issue) => issue.message).join('; ')}`);
  return result;
}
