import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { moduleKit } from './kit.js';
import type { Forwarded } from './forwarded.js';
import { toSchema } from './schemas.js';
import type { Definition, PromptDefinition, ResourceDefinition, ResourceTemplateDefinition, ToolDefinition } from './types.js';

export type DefinitionKind = 'tool' | 'resource' | 'resourceTemplate' | 'prompt';

interface Sourced {
  /** The file the definition came from (`upstream <name>` for an upstream's). */
  file: string;
  /** The module's name: its file name without extension; keys its `modules.<name>` config section. */
  moduleName: string;
  /** Set when another MCP server answers this definition's calls (src/upstreams). */
  forward?: Forwarded;
}

export type LoadedTool = Sourced & {
  kind: 'tool';
  name: string;
  def: ToolDefinition;
  inputSchema: StandardSchemaWithJSON;
  outputSchema?: StandardSchemaWithJSON;
};
export type LoadedResource = Sourced & { kind: 'resource'; name: string; def: ResourceDefinition };
export type LoadedTemplate = Sourced & { kind: 'resourceTemplate'; name: string; def: ResourceTemplateDefinition };
export type LoadedPrompt = Sourced & { kind: 'prompt'; name: string; def: PromptDefinition };
export type LoadedDefinition = LoadedTool | LoadedResource | LoadedTemplate | LoadedPrompt;

const NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export class DefinitionError extends Error {}

/** The definitions a module namespace exports, in a deterministic order: default first, then named exports by name. */
export async function definitionsOf(namespace: Record<string, unknown>): Promise<unknown[]> {
  const ns = unwrapCommonJs(namespace);
  const found: unknown[] = [];
  if (ns.default !== undefined) {
    const value = typeof ns.default === 'function' ? await (ns.default as (kit: typeof moduleKit) => unknown)(moduleKit) : ns.default;
    found.push(...(Array.isArray(value) ? value : [value]));
  }
  for (const key of Object.keys(ns).sort()) {
    if (key === 'default' || key === '__esModule') continue;
    const value = ns[key];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (looksLikeDefinition(item)) found.push(item);
    }
  }
  return found;
}

/** A .ts file outside an ESM package is compiled to CommonJS; its exports then sit one level down. */
function unwrapCommonJs(namespace: Record<string, unknown>): Record<string, unknown> {
  const inner = namespace.default as Record<string, unknown> | undefined;
  if (inner && typeof inner === 'object' && inner.__esModule) return inner;
  return namespace;
}

function looksLikeDefinition(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string';
}

export function classify(value: unknown, source: Sourced): LoadedDefinition {
  if (typeof value !== 'object' || value === null) throw new DefinitionError(`exports ${describe(value)}, not a definition object`);
  const def = value as Partial<Definition> & Record<string, unknown>;
  if (typeof def.name !== 'string' || !NAME.test(def.name)) {
    throw new DefinitionError(`definition name ${JSON.stringify(def.name)} must match ${NAME}`);
  }
  const kind = def.kind ?? inferKind(def);
  const where = `${kind} "${def.name}"`;
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new DefinitionError(`${where} ${what}`);
  };
  switch (kind) {
    case 'tool':
      need(typeof def.run === 'function', 'needs a run(args, ctx) function');
      need(typeof def.description === 'string' && def.description.length > 0, 'needs a description (it is what the AI client reads)');
      need(def.input === undefined || isObject(def.input), 'input must be a zod shape, a zod object or a JSON Schema object');
      need(def.output === undefined || isObject(def.output), 'output must be a zod shape, a zod object or a JSON Schema object');
      need(def.timeoutSeconds === undefined || (typeof def.timeoutSeconds === 'number' && def.timeoutSeconds > 0), 'timeoutSeconds must be a positive number');
      need(def.execution === undefined || validExecution(def.execution), "execution must be { taskSupport?: 'forbidden' | 'optional' | 'required', prepare?(args, ctx) }");
      return { ...source, kind, name: def.name, def: def as ToolDefinition, ...toolSchemas(def as ToolDefinition) };
    case 'resource':
      need(typeof def.uri === 'string' && isUri(def.uri), 'needs a uri like scheme://path');
      need(typeof def.read === 'function', 'needs a read(uri, ctx) function');
      return { ...source, kind, name: def.name, def: def as ResourceDefinition };
    case 'resourceTemplate':
      need(typeof def.uriTemplate === 'string' && def.uriTemplate.includes('{'), 'needs a uriTemplate with {variables}');
      need(typeof def.read === 'function', 'needs a read(uri, variables, ctx) function');
      need(def.complete === undefined || isObject(def.complete), 'complete must map variable names to functions');
      return { ...source, kind, name: def.name, def: def as ResourceTemplateDefinition };
    case 'prompt':
      need(typeof def.get === 'function', 'needs a get(args, ctx) function');
      need(def.arguments === undefined || isObject(def.arguments) || Array.isArray(def.arguments), 'arguments must be a list or a zod shape');
      return { ...source, kind, name: def.name, def: def as PromptDefinition };
    default:
      throw new DefinitionError(
        def.kind === undefined
          ? `definition "${def.name}" is none of: a tool (needs a run(args, ctx) function), a resource (uri + read), a resource template (uriTemplate + read) or a prompt (get)`
          : `definition "${def.name}" has unknown kind ${JSON.stringify(def.kind)} (tool, resource, resourceTemplate or prompt)`,
      );
  }
}

function validExecution(execution: unknown): boolean {
  if (!isObject(execution)) return false;
  const { taskSupport, prepare } = execution as { taskSupport?: unknown; prepare?: unknown };
  return (taskSupport === undefined || taskSupport === 'forbidden' || taskSupport === 'optional' || taskSupport === 'required') && (prepare === undefined || typeof prepare === 'function');
}

function toolSchemas(def: ToolDefinition): { inputSchema: StandardSchemaWithJSON; outputSchema?: StandardSchemaWithJSON } {
  const convert = (which: 'input' | 'output') => {
    try {
      return toSchema(def[which]);
    } catch (error) {
      throw new DefinitionError(`tool "${def.name}" ${which}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return { inputSchema: convert('input'), ...(def.output === undefined ? {} : { outputSchema: convert('output') }) };
}

function inferKind(def: Record<string, unknown>): DefinitionKind | 'unknown' {
  if (typeof def.run === 'function') return 'tool';
  if (typeof def.uriTemplate === 'string') return 'resourceTemplate';
  if (typeof def.uri === 'string') return 'resource';
  if (typeof def.get === 'function') return 'prompt';
  return 'unknown';
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
const isUri = (value: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value);
const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`);
