import { ProtocolError, ProtocolErrorCode, UriTemplate, type Client } from '@modelcontextprotocol/client';
import type { UpstreamConfig } from '../config/upstreams-schema.js';
import { fingerprint } from '../modules/fingerprint.js';
import type { Forwarded, JsonObject } from '../modules/forwarded.js';
import { matchesAny } from '../modules/glob.js';
import type { LoadedDefinition, LoadedPrompt, LoadedResource, LoadedTemplate, LoadedTool } from '../modules/normalize.js';
import type { PromptDefinition, ResourceTemplateDefinition } from '../modules/types.js';
import { passThroughSchema } from './passthrough-schema.js';
import { forwarder, type RelayTarget } from './relay.js';
import type { LiveSession } from './session.js';

type Item = JsonObject & { name: string };

/** Never called: a forwarded definition's calls go to its `forward` (build-server.ts). */
const answeredUpstream = (): never => {
  throw new Error('answered by the upstream (forward)');
};

/** What the upstream lists, as registry definitions: prefixed names, its own listings, calls relayed to it. */
export async function listDefinitions(name: string, config: UpstreamConfig, session: LiveSession, target: RelayTarget): Promise<LoadedDefinition[]> {
  const { client, capabilities } = session;
  const options = { timeout: config.timeoutSeconds * 1000, cacheMode: 'bypass' as const };
  const [tools, resources, templates, prompts] = await Promise.all([
    capabilities.tools ? list(() => client.listTools(undefined, options), 'tools') : [],
    capabilities.resources ? list(() => client.listResources(undefined, options), 'resources') : [],
    capabilities.resources ? list(() => client.listResourceTemplates(undefined, options), 'resourceTemplates') : [],
    capabilities.prompts ? list(() => client.listPrompts(undefined, options), 'prompts') : [],
  ]);
  const prefix = config.prefix ?? `${name}_`;
  const served = (item: Item) => matchesAny(item.name, config.enabled) && !matchesAny(item.name, config.disabled);
  const source = { file: `upstream ${name}`, moduleName: name };
  const complete = capabilities.completions ? completer(client, config.timeoutSeconds * 1000) : undefined;
  const forwarded = (method: Parameters<typeof forwarder>[1], fixed: JsonObject, listing: JsonObject): Forwarded => ({ upstream: name, call: forwarder(target, method, fixed), listing });

  const definitions: LoadedDefinition[] = [];
  for (const tool of tools.filter(served)) {
    const { name: own, title, description, inputSchema, outputSchema, annotations, icons, _meta } = tool;
    const loaded: LoadedTool = {
      ...source,
      kind: 'tool',
      name: prefix + own,
      def: { name: prefix + own, ...strings({ title, description }), description: description as string, ...(annotations ? { annotations } : {}), run: answeredUpstream } as LoadedTool['def'],
      inputSchema: passThroughSchema((inputSchema as JsonObject | undefined) ?? { type: 'object' }),
      ...(outputSchema ? { outputSchema: passThroughSchema(outputSchema as JsonObject) } : {}),
      forward: forwarded('tools/call', { name: own }, present({ icons, _meta })),
    };
    definitions.push(loaded);
  }
  const resourceNames = new Set<string>();
  for (const resource of resources.filter(served)) {
    const { name: own, uri, title, description, mimeType, ...rest } = resource as Item & { uri: string };
    // resources are told apart by URI: two with one name stay two
    let listedName = prefix + own;
    if (resourceNames.has(listedName)) listedName = `${listedName} <${uri}>`;
    resourceNames.add(listedName);
    const loaded: LoadedResource = {
      ...source,
      kind: 'resource',
      name: listedName,
      def: { name: listedName, uri, ...strings({ title, description, mimeType }), read: answeredUpstream },
      forward: forwarded('resources/read', {}, rest),
    };
    definitions.push(loaded);
  }
  for (const template of templates.filter(served)) {
    const { name: own, uriTemplate, title, description, mimeType, ...rest } = template as Item & { uriTemplate: string };
    const def: ResourceTemplateDefinition = { name: prefix + own, uriTemplate, ...strings({ title, description, mimeType }), read: answeredUpstream };
    if (complete) def.complete = Object.fromEntries(variablesOf(uriTemplate).map((variable) => [variable, complete({ type: 'ref/resource', uri: uriTemplate }, variable)]));
    const loaded: LoadedTemplate = { ...source, kind: 'resourceTemplate', name: prefix + own, def, forward: forwarded('resources/read', {}, rest) };
    definitions.push(loaded);
  }
  for (const prompt of prompts.filter(served)) {
    const { name: own, title, description, arguments: args, icons, _meta } = prompt as Item & { arguments?: PromptDefinition['arguments'] };
    const list = Array.isArray(args) ? args : [];
    const def: PromptDefinition = { name: prefix + own, ...strings({ title, description }), arguments: list, get: answeredUpstream };
    if (complete && list.length > 0) def.complete = Object.fromEntries(list.map((arg) => [arg.name, complete({ type: 'ref/prompt', name: own }, arg.name)]));
    const loaded: LoadedPrompt = { ...source, kind: 'prompt', name: prefix + own, def, forward: forwarded('prompts/get', { name: own }, present({ icons, _meta })) };
    definitions.push(loaded);
  }
  return definitions;
}

/**
 * The definitions of a new listing, reusing those of the previous one that list the same: a client
 * is told a list changed only when it did, and the registry keeps registering the same objects.
 */
export function keepUnchanged(previous: readonly LoadedDefinition[], next: LoadedDefinition[]): LoadedDefinition[] {
  const old = new Map(previous.map((definition) => [`${definition.kind}:${definition.name}`, definition]));
  return next.map((definition) => {
    const before = old.get(`${definition.kind}:${definition.name}`);
    return before && fingerprint(before) === fingerprint(definition) ? before : definition;
  });
}

type ListResult = Record<string, unknown>;

/** One list of the upstream; a list it says it has but does not answer (-32601) counts as empty. */
async function list(fetchList: () => Promise<ListResult>, key: string): Promise<Item[]> {
  try {
    const result = await fetchList();
    const items = result[key];
    return Array.isArray(items) ? (items as Item[]).filter((item) => typeof item?.name === 'string') : [];
  } catch (error) {
    if (error instanceof ProtocolError && error.code === ProtocolErrorCode.MethodNotFound) return [];
    throw error;
  }
}

/** Completion callbacks (the module contract's shape) that ask the upstream's completion/complete. */
function completer(client: Client, timeout: number) {
  return (ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string }, argument: string) =>
    async (value: string, _ctx: unknown, context: Record<string, string>): Promise<string[]> => {
      const result = await client.complete({ ref, argument: { name: argument, value }, ...(Object.keys(context).length > 0 ? { context: { arguments: context } } : {}) }, { timeout });
      return result.completion.values;
    };
}

function variablesOf(uriTemplate: string): string[] {
  try {
    return new UriTemplate(uriTemplate).variableNames;
  } catch {
    return [];
  }
}

/** The string fields that are set. */
function strings(fields: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The fields that are set. */
function present(fields: Record<string, unknown>): JsonObject {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
