import { completable, McpServer, ResourceTemplate, SUPPORTED_PROTOCOL_VERSIONS, type ServerContext, type Transport } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { LoadedDefinition, LoadedPrompt, LoadedResource, LoadedTemplate, LoadedTool } from '../modules/normalize.js';
import type { RegistrySnapshot } from '../modules/registry.js';
import { definitionsOf, ServerRegistrations, type Era } from './live-servers.js';
import { gapAnswers } from './answer-gap.js';
import { countRequests } from './request-metrics.js';
import { acceptResourceSubscriptions } from './resource-subscriptions.js';
import type { ModuleContext, PromptDefinition } from '../modules/types.js';
import { boundState, createModuleContext } from './module-context.js';
import { definitionScope, inModuleScope, type ModuleOperation } from './module-faults.js';
import type { StateBinding } from './request-state.js';
import { callForwarded } from './forwarded-call.js';
import { toPromptResult, toResourceResult } from './results.js';
import type { Runtime } from './runtime.js';
import { serverCapabilities, serverInfoOf } from './initialize-answer.js';
import { connectionOf, serveShared, SharedDefinitions, stampConnection } from './shared-definitions.js';
import { installTasks, withPrepare } from './tasks/install.js';
import { runTool } from './tool-call.js';
import { guardToolState } from './tool-state-guard.js';
import { timerDelay } from '../timers.js';

/**
 * A fresh MCP server instance serving the registry's current snapshot, for one request
 * (2026-07-28 and stateless HTTP). Its cost does not grow with the number of definitions.
 */
export function createMcpServer(runtime: Runtime, transport: string = runtime.config.transport.type): McpServer {
  const shared = sharedDefinitions(runtime, runtime.registry());
  const server = newServer(runtime, transport);
  shared.adoptBy(server);
  serveShared(server, () => shared);
  return finish(server, runtime);
}

/**
 * One server answering every 2026-07-28 request of the current snapshot at once (see
 * src/transports/http/modern-multiplexer.ts), as the SDK's per-request servers would: it serves the
 * modern revision besides the others, as the SDK's HTTP entry makes its per-request servers do.
 */
export function createModernMcpServer(runtime: Runtime, modernRevision: string): { server: McpServer; shared: SharedDefinitions } {
  const shared = sharedDefinitions(runtime, runtime.registry());
  const server = newServer(runtime, 'http-stream', [...SUPPORTED_PROTOCOL_VERSIONS, modernRevision]);
  shared.adoptBy(server);
  serveShared(server, () => shared);
  return { server: finish(server, runtime), shared };
}

/**
 * A server for a long-lived connection (stdio, a 2025 session): a reload updates it in place and
 * its client is told that the lists changed. `transport` labels its requests in the metrics.
 */
export function createLiveMcpServer(runtime: Runtime, era: Era = 'legacy', transport: string = runtime.config.transport.type): McpServer {
  const server = newServer(runtime, transport);
  const registrations = new ServerRegistrations(server, (snapshot) => sharedDefinitions(runtime, snapshot), era);
  // a stdio client's initialize can come before the modules are loaded: its server is complete before anything else of it is served
  runtime.readiness.whenReady(() => registrations.apply(runtime.registry()));
  serveShared(server, () => registrations.shared);
  registrations.subscriptions = acceptResourceSubscriptions(server, runtime.upstreams.follow);
  runtime.live.track(registrations);
  return finish(server, runtime);
}

function newServer(runtime: Runtime, transport: string, supportedProtocolVersions?: string[]): McpServer {
  const server = new McpServer(serverInfoOf(runtime.config.server, runtime.version), {
    ...(supportedProtocolVersions ? { supportedProtocolVersions } : {}),
    capabilities: serverCapabilities(),
    ...(runtime.config.server.instructions ? { instructions: runtime.config.server.instructions } : {}),
    requestState: { verify: runtime.requestState.verify },
  });
  const connect = server.connect.bind(server);
  server.connect = (wire: Transport) => {
    gapAnswers(wire);
    countRequests(wire, runtime.metrics, transport);
    return connect(wire);
  };
  stampConnection(server);
  return server;
}

function finish(server: McpServer, runtime: Runtime): McpServer {
  installTasks(server, runtime);
  guardToolState(server, runtime);
  return server;
}

const shared = new WeakMap<Runtime, WeakMap<RegistrySnapshot, SharedDefinitions>>();

/** A snapshot's definitions, registered once (on first use) for every server that serves it. */
export function sharedDefinitions(runtime: Runtime, snapshot: RegistrySnapshot): SharedDefinitions {
  let bySnapshot = shared.get(runtime);
  if (!bySnapshot) shared.set(runtime, (bySnapshot = new WeakMap()));
  let definitions = bySnapshot.get(snapshot);
  if (!definitions) {
    const template = new McpServer(serverInfoOf(runtime.config.server, runtime.version), { capabilities: { tools: {}, resources: {}, prompts: {} } });
    for (const definition of definitionsOf(snapshot)) registerDefinition(template, runtime, definition);
    bySnapshot.set(snapshot, (definitions = new SharedDefinitions(snapshot, template)));
  }
  return definitions;
}

function registerDefinition(server: McpServer, runtime: Runtime, definition: LoadedDefinition): void {
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

// The handlers below serve every connection: the one a request came in on is connectionOf(request).

function registerTool(server: McpServer, runtime: Runtime, tool: LoadedTool): void {
  const { def } = tool;
  server.registerTool(
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
        ? callForwarded(runtime, connectionOf(request), tool.forward, { arguments: args }, request, { target: tool.name, args })
        : runTool(runtime, withPrepare(tool), args, request, sessionCapabilities(request)),
  );
}

const sessionCapabilities = (request: ServerContext) => () => connectionOf(request).server.getClientCapabilities() as Record<string, unknown> | undefined;

const requestContext = (runtime: Runtime, moduleName: string, request: ServerContext, binding?: StateBinding) =>
  createModuleContext({ runtime, moduleName, request, signal: request.mcpReq.signal, sessionCapabilities: sessionCapabilities(request), ...(binding ? { binding } : {}) });

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
function stateCheckedContext(runtime: Runtime, moduleName: string, request: ServerContext, binding: StateBinding): ModuleContext {
  boundState(runtime, request, binding);
  return requestContext(runtime, moduleName, request, binding);
}

function registerResource(server: McpServer, runtime: Runtime, resource: LoadedResource): void {
  const { def } = resource;
  server.registerResource(resource.name, def.uri, { ...metadata(def), ...resource.forward?.listing }, async (uri, request) => {
    if (resource.forward) return callForwarded(runtime, connectionOf(request), resource.forward, { uri: uri.href }, request, { target: uri.href, args: null });
    const ctx = stateCheckedContext(runtime, resource.moduleName, request, { target: uri.href, args: null });
    return toResourceResult(uri, await inScope(resource, 'resource read', request, () => def.read(uri, ctx)), def.mimeType);
  });
}

function registerTemplate(server: McpServer, runtime: Runtime, template: LoadedTemplate): void {
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
        resources: await inScope(template, 'template list', request, () => def.list!(requestContext(runtime, template.moduleName, request))),
      })
    : undefined;
  server.registerResource(template.name, new ResourceTemplate(def.uriTemplate, { list, complete }), { ...metadata(def), ...template.forward?.listing }, async (uri, variables, request) => {
    if (template.forward) return callForwarded(runtime, connectionOf(request), template.forward, { uri: uri.href }, request, { target: uri.href, args: null });
    const ctx = stateCheckedContext(runtime, template.moduleName, request, { target: uri.href, args: null });
    return toResourceResult(uri, await inScope(template, 'template read', request, () => def.read(uri, flatten(variables), ctx)), def.mimeType);
  });
}

function registerPrompt(server: McpServer, runtime: Runtime, prompt: LoadedPrompt): void {
  const { def } = prompt;
  server.registerPrompt(
    prompt.name,
    { ...(def.title ? { title: def.title } : {}), ...(def.description ? { description: def.description } : {}), argsSchema: promptArgs(runtime, prompt), ...prompt.forward?.listing },
    async (args: Record<string, unknown>, request: ServerContext) => {
      if (prompt.forward) return callForwarded(runtime, connectionOf(request), prompt.forward, { arguments: args }, request, { target: prompt.name, args });
      const ctx = stateCheckedContext(runtime, prompt.moduleName, request, { target: prompt.name, args });
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
