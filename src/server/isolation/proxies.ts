import type { DefinitionKind, LoadedDefinition } from '../../modules/normalize.js';
import type { JsonSchemaObject, ModuleContext, PromptDefinition, ResourceTemplateDefinition, ToolDefinition, ToolReturn } from '../../modules/types.js';
import type { DefinitionInfo } from './definition-info.js';
import type { Operation, Target } from './protocol.js';
import { remoteSchema } from './remote-schema.js';

/** Runs one operation of a definition in a worker (see WorkerIsolation.invoke). */
export type Invoke = (target: Target, op: Operation, args: unknown[], options: { module: string; ctx?: ModuleContext; timeoutSeconds?: number }) => Promise<unknown>;

export interface ProxySource {
  file: string;
  version: string;
  moduleName: string;
}

export const KIND_LABEL: Record<DefinitionKind, string> = { tool: 'tool', resource: 'resource', resourceTemplate: 'resource template', prompt: 'prompt' };

/**
 * A definition loaded in a worker, as an ordinary definition of the registry on the main thread:
 * what clients are shown comes from its DefinitionInfo, and every handler (run, read, get, list,
 * complete, prepare) and schema check forwards to the worker pool, with the caller's ctx.
 */
export function proxyDefinition(info: DefinitionInfo, source: ProxySource, invoke: Invoke): LoadedDefinition {
  const target: Target = { file: source.file, version: source.version, kind: info.kind, name: info.name };
  const timeoutSeconds = info.kind === 'tool' ? info.timeoutSeconds : undefined;
  const call = <T>(op: Operation, args: unknown[], ctx?: ModuleContext) =>
    invoke(target, op, args, { module: source.moduleName, ...(ctx ? { ctx } : {}), ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) }) as Promise<T>;
  const sourced = { file: source.file, moduleName: source.moduleName, name: info.name };
  const shown = { ...(info.title === undefined ? {} : { title: info.title }), ...(info.description === undefined ? {} : { description: info.description }) };
  const completions = (names: string[]) =>
    names.length === 0
      ? {}
      : { complete: Object.fromEntries(names.map((name) => [name, (value: string, ctx: ModuleContext, context: Record<string, string>) => call<string[]>('complete', [name, value, context], ctx)])) };

  switch (info.kind) {
    case 'tool': {
      const validator = (which: 'input' | 'output') => (value: unknown) => call('validate', [which, value]);
      const execution =
        info.taskSupport || info.prepares
          ? {
              execution: {
                ...(info.taskSupport ? { taskSupport: info.taskSupport } : {}),
                ...(info.prepares ? { prepare: (args: unknown, ctx: ModuleContext) => call<ToolReturn>('prepare', [args], ctx) } : {}),
              },
            }
          : {};
      const def: ToolDefinition = {
        kind: 'tool',
        name: info.name,
        ...shown,
        description: info.description,
        ...(info.output ? { output: jsonOf(info.output) } : {}),
        ...(info.annotations ? { annotations: info.annotations } : {}),
        ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
        ...execution,
        run: (args, ctx) => call<ToolReturn>('run', [args], ctx),
      };
      return {
        ...sourced,
        kind: 'tool',
        def,
        inputSchema: remoteSchema(info.input, validator('input')),
        ...(info.output ? { outputSchema: remoteSchema(info.output, validator('output')) } : {}),
      };
    }
    case 'resource':
      return {
        ...sourced,
        kind: 'resource',
        def: { kind: 'resource', name: info.name, uri: info.uri, ...shown, ...(info.mimeType ? { mimeType: info.mimeType } : {}), read: (uri, ctx) => call('read', [uri.href], ctx) },
      };
    case 'resourceTemplate': {
      const def: ResourceTemplateDefinition = {
        kind: 'resourceTemplate',
        name: info.name,
        uriTemplate: info.uriTemplate,
        ...shown,
        ...(info.mimeType ? { mimeType: info.mimeType } : {}),
        ...(info.lists ? { list: (ctx: ModuleContext) => call<Awaited<ReturnType<NonNullable<ResourceTemplateDefinition['list']>>>>('list', [], ctx) } : {}),
        ...completions(info.completes),
        read: (uri, variables, ctx) => call('read', [uri.href, variables], ctx),
      };
      return { ...sourced, kind: 'resourceTemplate', def };
    }
    case 'prompt': {
      const def: PromptDefinition = {
        kind: 'prompt',
        name: info.name,
        ...shown,
        ...(info.arguments ? { arguments: info.arguments } : {}),
        ...completions(info.completes),
        get: (args, ctx) => call('get', [args], ctx),
      };
      return { ...sourced, kind: 'prompt', def };
    }
  }
}

/** The JSON Schema a worker reported, as a definition's `output` (its presence marks a tool with structured output). */
const jsonOf = (info: NonNullable<Extract<DefinitionInfo, { kind: 'tool' }>['output']>): JsonSchemaObject => ('error' in info ? { type: 'object' } : info.input) as JsonSchemaObject;
