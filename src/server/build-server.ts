import { completable, McpServer, ResourceTemplate, type ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { LoadedDefinition, LoadedPrompt, LoadedResource, LoadedTemplate, LoadedTool } from '../modules/normalize.js';
import { ServerRegistrations, type Era, type RegisteredHandle } from './live-servers.js';
import { countRequests } from './request-metrics.js';
import { acceptResourceSubscriptions } from './resource-subscriptions.js';
import type { ModuleContext, PromptDefinition } from '../modules/types.js';
import { boundState, createModuleContext } from './module-context.js';
import { definitionScope, inModuleScope, type ModuleOperation } from './module-faults.js';
import type { StateBinding } from './request-state.js';
import { callForwarded } from './forwarded-call.js';
import { toPromptResult, toResourceResult } from './results.js';
import type { Runtime } from './runtime.js';
import { serverInfo } from './server-info.js';
import { installTasks, withPrepare } from './tasks/install.js';
import { runTool } from './tool-call.js';
import { guardToolState } from './tool-state-guard.js';
import { timerDelay } from '../timers.js';

/**
 * A fresh MCP server instance serving the registry's current snapshot, for one request
 * (2026-07-28 and stateless HTTP).
 */
export function createMcpServer(runtime: Runtime, transport: string = runtime.config.transport.type): McpServer {
  return createRegisteredServer(runtime, transport).server;
}

/**
 * A server for a long-lived connection (stdio, a 2025 session): a reload updates it in place and
 * its client is told that the lists changed. `transport` labels its requests in the metrics.
 */
export function createLiveMcpServer(runtime: Runtime, era: Era = 'legacy', transport: string = runtime.config.transport.type): McpServer {
  const registrations = createRegisteredServer(runtime, transport, era);
  registrations.subscriptions = acceptResourceSubscriptions(registrations.server, runtime.upstreams.follow);
  runtime.live.track(registrations);
  return registrations.server;
}

function createRegisteredServer(runtime: Runtime, transport: string, era?: Era): ServerRegistrations {
  const server = new McpServer(serverInfo(runtime), {
    capabilities: {
      tools: { listChanged: true },
      resources: { listChanged: true, subscribe: true },
      prompts: { listChanged: true },
      logging: {},
      completions: {},
    },
    ...(runtime.config.server.instructions ? { instructions: runtime.config.server.instructions } : {}),
    requestState: { verify: runtime.requestState.verify },
  });
  countRequests(server, runtime.metrics, transport);
  const registrations = new ServerRegistrations(server, (target, definition) => registerDefinition(target, runtime, definition), era);
  registrations.apply(runtime.registry());
  installTasks(server, runtime);
  guardToolState(server, runtime);
  return registrations;
}

function registerDefinition(server: McpServer, runtime: Runtime, definition: LoadedDefinition): RegisteredHandle {
  switch (definition.kind) {
    case 'tool':
      return registerTool(server, runtime, definition);
    case 'resource':
      return registerResource(server, runtime, definition);
    case 'resourceTemplate':
      return registerTemplate(server, runtime, definition);
    case 'prompt':
      return registerPrompt(server, runtime, definition);
  }
}

function registerTool(server: McpServer, runtime: Runtime, tool: LoadedTool): RegisteredHandle {
  const { def } = tool;
  return server.registerTool(
    tool.name,
    {
      ...(def.title ? { title: def.title } : {}),
      description: def.description,
      inputSchema: tool.inputSchema,
      ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
      ...(def.annotations ? { annotations: def.annotations } : {}),
      ...tool.forward?.listing,
    },
    (args: unknown, request: ServerContext) =>
      tool.forward
        ? callForwarded(runtime, server, tool.forward, { arguments: args }, request, { target: tool.name, args })
        : runTool(runtime, withPrepare(tool), args, request, sessionCapabilities(server)),
  );
}

const sessionCapabilities = (server: McpServer) => () => server.server.getClientCapabilities() as Record<string, unknown> | undefined;

const requestContext = (runtime: Runtime, moduleName: string, request: ServerContext, server: McpServer, binding?: StateBinding) =>
  createModuleContext({ runtime, moduleName, request, signal: request.mcpReq.signal, sessionCapabilities: sessionCapabilities(server), ...(binding ? { binding } : {}) });

/** Completion callbacks get no request from the SDK; they get a context without one. */
const completionContext = (runtime: Runtime, moduleName: string): ModuleContext =>
  createModuleContext({ runtime, moduleName, signal: AbortSignal.timeout(timerDelay(runtime.config.tools.timeoutSeconds * 1000)) });

/** Runs a handler of `definition`'s module in its scope, so a stray error it leaves behind is attributed to it. */
const inScope = <T>(definition: LoadedDefinition, operation: ModuleOperation, request: ServerContext | undefined, run: () => T): T =>
  inModuleScope(definitionScope(definition, operation, request), run);

/**
 * A handler that can ask for input (resources/read, prompts/get): state echoed by the client must have
 * been minted for this very call (same resource or prompt and arguments), else the request is refused.
 */
function stateCheckedContext(runtime: Runtime, moduleName: string, request: ServerContext, server: McpServer, binding: StateBinding): ModuleContext {
  boundState(runtime, request, binding);
  return requestContext(runtime, moduleName, request, server, binding);
}

function registerResource(server: McpServer, runtime: Runtime, resource: LoadedResource): RegisteredHandle {
  const { def } = resource;
  return server.registerResource(resource.name, def.uri, { ...metadata(def), ...resource.forward?.listing }, async (uri, request) => {
    if (resource.forward) return callForwarded(runtime, server, resource.forward, { uri: uri.href }, request, { target: uri.href, args: null });
    const ctx = stateCheckedContext(runtime, resource.moduleName, request, server, { target: uri.href, args: null });
    return toResourceResult(uri, await inScope(resource, 'resource read', request, () => def.read(uri, ctx)), def.mimeType);
  });
}

function registerTemplate(server: McpServer, runtime: Runtime, template: LoadedTemplate): RegisteredHandle {
  const { def } = template;
  const complete = Object.fromEntries(
    Object.entries(def.complete ?? {}).map(([variable, fn]) => [
      variable,
      (value: string, context?: { arguments?: Record<string, string> }) =>
        inScope(template, 'template complete', undefined, () => fn(value, completionContext(runtime, template.moduleName), context?.arguments ?? {})),
    ]),
  );
  const list = def.list
    ? async (request: ServerContext) => ({
        resources: await inScope(template, 'template list', request, () => def.list!(requestContext(runtime, template.moduleName, request, server))),
      })
    : undefined;
  return server.registerResource(template.name, new ResourceTemplate(def.uriTemplate, { list, complete }), { ...metadata(def), ...template.forward?.listing }, async (uri, variables, request) => {
    if (template.forward) return callForwarded(runtime, server, template.forward, { uri: uri.href }, request, { target: uri.href, args: null });
    const ctx = stateCheckedContext(runtime, template.moduleName, request, server, { target: uri.href, args: null });
    return toResourceResult(uri, await inScope(template, 'template read', request, () => def.read(uri, flatten(variables), ctx)), def.mimeType);
  });
}

function registerPrompt(server: McpServer, runtime: Runtime, prompt: LoadedPrompt): RegisteredHandle {
  const { def } = prompt;
  return server.registerPrompt(
    prompt.name,
    { ...(def.title ? { title: def.title } : {}), ...(def.description ? { description: def.description } : {}), argsSchema: promptArgs(runtime, prompt), ...prompt.forward?.listing },
    async (args: Record<string, unknown>, request: ServerContext) => {
      if (prompt.forward) return callForwarded(runtime, server, prompt.forward, { arguments: args }, request, { target: prompt.name, args });
      const ctx = stateCheckedContext(runtime, prompt.moduleName, request, server, { target: prompt.name, args });
      return toPromptResult(await inScope(prompt, 'prompt get', request, () => def.get(args as Record<string, string>, ctx)));
    },
  );
}

/** Prompt arguments are strings; each may carry a completion callback (on the inner, non-optional schema). */
function promptArgs(runtime: Runtime, prompt: LoadedPrompt): z.ZodObject {
  const { def } = prompt;
  const shape: Record<string, z.ZodType> = {};
  for (const [name, schema] of Object.entries(argumentShape(def))) {
    const fn = def.complete?.[name];
    const optional = schema instanceof z.ZodOptional;
    const inner = optional ? (schema.unwrap() as z.ZodType) : schema;
    const field = fn
      ? completable(inner, (value, context) => inScope(prompt, 'prompt complete', undefined, () => fn(String(value ?? ''), completionContext(runtime, prompt.moduleName), context?.arguments ?? {})))
      : inner;
    shape[name] = optional ? field.optional() : field;
  }
  return z.object(shape);
}

function argumentShape(def: PromptDefinition): Record<string, z.ZodType> {
  if (!def.arguments) return {};
  if (!Array.isArray(def.arguments)) return def.arguments as Record<string, z.ZodType>;
  return Object.fromEntries(
    def.arguments.map((arg) => {
      const base = arg.description ? z.string().describe(arg.description) : z.string();
      return [arg.name, arg.required ? base : base.optional()];
    }),
  );
}

function metadata(def: { title?: string; description?: string; mimeType?: string }) {
  return {
    ...(def.title ? { title: def.title } : {}),
    ...(def.description ? { description: def.description } : {}),
    ...(def.mimeType ? { mimeType: def.mimeType } : {}),
  };
}

const flatten = (variables: Record<string, string | string[]>): Record<string, string> =>
  Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : value]));
