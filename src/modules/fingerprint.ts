import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { LoadedDefinition, LoadedPrompt } from './normalize.js';

/**
 * What a client sees of a definition in its list (tools/list, resources/list and templates/list,
 * prompts/list), as one string: two definitions with one fingerprint list the same. Implementations
 * (run, read, get) are not part of it.
 */
export function fingerprint(definition: LoadedDefinition): string {
  const listed = ownFields(definition);
  // an upstream's definition also lists what the module contract has no field for (icons, _meta...)
  return definition.forward ? `${listed}${stable(definition.forward.listing)}` : listed;
}

function ownFields(definition: LoadedDefinition): string {
  switch (definition.kind) {
    case 'tool': {
      const { def } = definition;
      return stable({
        kind: 'tool',
        name: definition.name,
        title: def.title,
        description: def.description,
        input: jsonSchemaOf(definition.inputSchema),
        output: definition.outputSchema ? jsonSchemaOf(definition.outputSchema) : undefined,
        annotations: def.annotations,
        taskSupport: def.execution?.taskSupport,
      });
    }
    case 'resource': {
      const { def } = definition;
      return stable({ kind: 'resource', name: definition.name, uri: def.uri, title: def.title, description: def.description, mimeType: def.mimeType });
    }
    case 'resourceTemplate': {
      const { def } = definition;
      return stable({
        kind: 'resourceTemplate',
        name: definition.name,
        uriTemplate: def.uriTemplate,
        title: def.title,
        description: def.description,
        mimeType: def.mimeType,
        lists: typeof def.list === 'function',
        completes: Object.keys(def.complete ?? {}).sort(),
      });
    }
    case 'prompt': {
      const { def } = definition;
      return stable({
        kind: 'prompt',
        name: definition.name,
        title: def.title,
        description: def.description,
        arguments: promptArguments(definition),
        completes: Object.keys(def.complete ?? {}).sort(),
      });
    }
  }
}

function promptArguments(prompt: LoadedPrompt): unknown {
  const args = prompt.def.arguments;
  if (args === undefined || Array.isArray(args)) return args;
  try {
    return z.toJSONSchema(z.object(args as Record<string, z.ZodType>), { unrepresentable: 'any' });
  } catch {
    return { unconvertible: Object.keys(args).sort() };
  }
}

/** The JSON Schema a client is shown; a schema that cannot say is compared by identity instead. */
const identities = new WeakMap<object, number>();
let nextIdentity = 0;
function jsonSchemaOf(schema: StandardSchemaWithJSON): unknown {
  try {
    return schema['~standard'].jsonSchema.input({ target: 'draft-2020-12' });
  } catch {
    let id = identities.get(schema);
    if (id === undefined) identities.set(schema, (id = ++nextIdentity));
    return { unconvertible: id };
  }
}

/** JSON with object keys sorted, so key order never counts as a change. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  );
}
