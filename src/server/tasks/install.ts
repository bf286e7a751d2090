import { isInputRequiredResult, ProtocolError, ProtocolErrorCode, type JSONRPCRequest, type McpServer, type Result, type ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { LoadedTool } from '../../modules/normalize.js';
import type { ToolReturn } from '../../modules/types.js';
import { callerOf, identityOf } from '../caller.js';
import { createModuleContext } from '../module-context.js';
import { definitionScope, inModuleScope } from '../module-faults.js';
import { toToolResult } from '../results.js';
import type { StateBinding } from '../request-state.js';
import type { Runtime } from '../runtime.js';
import { validArguments } from '../tool-arguments.js';
import { wrapToolsCall } from '../tools-call-dispatch.js';
import { declaresTasks, missingTasksExtension, requestCapabilities, runTask, undeclaredInputError, type Round } from './runner.js';
import { createTaskResult, detailedTask, TaskLimitError, type Task } from './store.js';
import { thrownToolError } from '../error-result.js';

const TaskIdParams = z.looseObject({ taskId: z.string() });
const UpdateParams = z.looseObject({ taskId: z.string(), inputResponses: z.record(z.string(), z.unknown()).optional() });

/** Whether calls of this tool may (or must) run as tasks. */
const taskSupport = (tool: LoadedTool | undefined) => {
  const support = tool?.def.execution?.taskSupport;
  return support === 'optional' || support === 'required' ? support : undefined;
};

/**
 * Serves the Tasks extension (SEP-2663, 2026-07-28 wire) on `server` (serverCapabilities advertises it): answers
 * tasks/get, tasks/update and tasks/cancel from the runtime's task store, and turns a tools/call of
 * a task-supporting tool into a task when the request declares the extension. Everything else
 * (2025 sessions, other tools, clients without the extension) is served exactly as before.
 * Call after the definitions are registered and before connecting.
 */
export function installTasks(server: McpServer, runtime: Runtime): void {
  wrapToolsCall(server, (callTool) => async (message, request) => {
    const name = (message.params as { name?: unknown } | undefined)?.name;
    const tool = typeof name === 'string' ? runtime.registry().tools.get(name) : undefined;
    const support = taskSupport(tool);
    if (!tool || !support || request.mcpReq.envelope === undefined) return callTool(message, request);
    if (!declaresTasks(requestCapabilities(request))) {
      if (support === 'required') throw missingTasksExtension();
      return callTool(message, request); // the client cannot poll: run it synchronously
    }
    return callAsTask(runtime, tool, message, request);
  });

  const taskFor = (taskId: string, request: ServerContext): Task => {
    if (request.mcpReq.envelope === undefined) throw new ProtocolError(ProtocolErrorCode.MethodNotFound, 'Method not found');
    if (!declaresTasks(requestCapabilities(request))) throw missingTasksExtension();
    const task = runtime.tasks.get(taskId, callerOf(request));
    if (!task) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown taskId: ${taskId}`);
    return task;
  };
  const { pollIntervalMs } = runtime.tasks.options;
  server.server.setRequestHandler('tasks/get', { params: TaskIdParams }, ({ taskId }, request) => detailedTask(taskFor(taskId, request), pollIntervalMs));
  server.server.setRequestHandler('tasks/update', { params: UpdateParams }, ({ taskId, inputResponses }, request) => {
    // The protocol layer lifts `inputResponses` out of the params (it shares the multi-round-trip name).
    taskFor(taskId, request).answer((request.mcpReq.inputResponses ?? inputResponses ?? {}) as Record<string, never>);
    return {};
  });
  server.server.setRequestHandler('tasks/cancel', { params: TaskIdParams }, ({ taskId }, request) => {
    taskFor(taskId, request).cancel();
    return {};
  });
}

/** A task-supporting tool called by a client that declared the extension. */
async function callAsTask(runtime: Runtime, tool: LoadedTool, message: JSONRPCRequest, request: ServerContext): Promise<Result> {
  const args = await validArguments(tool, (message.params as { arguments?: unknown }).arguments);
  const first: Round = { inputResponses: request.mcpReq.inputResponses, state: await verifiedState(runtime, request, { target: tool.name, args }) };
  const capabilities = requestCapabilities(request);
  const prepared = await prepare(runtime, tool, args, request, first);
  if (prepared !== undefined) {
    if (isInputRequiredResult(prepared)) {
      const undeclared = undeclaredInputError(prepared.inputRequests ?? {}, capabilities);
      if (undeclared) throw undeclared;
    }
    return prepared;
  }
  let task: Task;
  try {
    task = runtime.tasks.create(callerOf(request));
  } catch (error) {
    if (error instanceof TaskLimitError) throw new ProtocolError(ProtocolErrorCode.InternalError, error.message);
    throw error;
  }
  void runTask(runtime, tool, task, args, first, { capabilities, auth: identityOf(request), request });
  return createTaskResult(task, runtime.tasks.options.pollIntervalMs);
}

/**
 * A tool's `execution.prepare` runs before a task exists: it may ask for input (answered as a
 * multi-round-trip result), answer at once (no task), or return undefined to go on as a task.
 */
async function prepare(runtime: Runtime, tool: LoadedTool, args: unknown, request: ServerContext, round: Round): Promise<Result | undefined> {
  const hook = tool.def.execution?.prepare;
  if (!hook) return undefined;
  const binding = { target: tool.name, args };
  const ctx = { ...createModuleContext({ runtime, moduleName: tool.moduleName, request, signal: request.mcpReq.signal, binding }), state: <T>() => round.state as T | undefined };
  try {
    const value = await inModuleScope(definitionScope(tool, 'tool prepare', request), () => hook(args, ctx));
    return value === undefined ? undefined : toToolResult(value, tool.def.output !== undefined);
  } catch (error) {
    runtime.log.warn({ tool: tool.name, file: tool.file, err: error }, 'tool prepare failed');
    return thrownToolError(runtime, error);
  }
}

/**
 * For synchronous calls (no task): `execution.prepare` runs first, then `run`, so a tool behaves the
 * same whether or not its call became a task.
 */
export function withPrepare(tool: LoadedTool): LoadedTool {
  const hook = tool.def.execution?.prepare;
  if (!hook) return tool;
  const run = async (args: unknown, ctx: Parameters<typeof hook>[1]): Promise<ToolReturn> => {
    const early: ToolReturn = await hook(args, ctx);
    return early === undefined ? tool.def.run(args, ctx) : early;
  };
  return { ...tool, def: { ...tool.def, run } };
}

async function verifiedState(runtime: Runtime, request: ServerContext, binding: StateBinding): Promise<unknown> {
  const raw: unknown = request.mcpReq.requestState();
  return raw === undefined ? undefined : runtime.requestState.open(raw, request, binding);
}
