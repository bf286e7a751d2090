import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { LoadedDefinition } from '../../modules/normalize.js';
import type { PromptArgument, ToolAnnotations } from '../../modules/types.js';

/** The JSON Schema a client is shown for a schema, both ways, or why it cannot be shown. */
export type SchemaInfo = { input: unknown; output: unknown } | { error: string };

interface Common {
  name: string;
  title?: string;
  description?: string;
}

/**
 * What the main thread needs to know of a definition loaded in a worker to serve it: everything a
 * client is shown (plain data, so it crosses the thread), and which handlers it has.
 */
export type DefinitionInfo =
  | (Common & {
      kind: 'tool';
      description: string;
      input: SchemaInfo;
      output?: SchemaInfo;
      annotations?: ToolAnnotations;
      timeoutSeconds?: number;
      taskSupport?: 'forbidden' | 'optional' | 'required';
      prepares: boolean;
    })
  | (Common & { kind: 'resource'; uri: string; mimeType?: string })
  | (Common & { kind: 'resourceTemplate'; uriTemplate: string; mimeType?: string; lists: boolean; completes: string[] })
  | (Common & { kind: 'prompt'; arguments?: PromptArgument[]; completes: string[] });

/** The JSON Schema draft the SDK shows clients (its JSON_SCHEMA_CONVERSION_TARGET). */
const TARGET = 'draft-2020-12';

function schemaInfo(schema: StandardSchemaWithJSON): SchemaInfo {
  try {
    const { jsonSchema } = schema['~standard'];
    return { input: jsonSchema.input({ target: TARGET }), output: jsonSchema.output({ target: TARGET }) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const common = ({ name, def }: { name: string; def: { title?: string; description?: string } }): Common => ({
  name,
  ...(def.title === undefined ? {} : { title: def.title }),
  ...(def.description === undefined ? {} : { description: def.description }),
});

/** A loaded definition as its DefinitionInfo (runs in the worker that loaded it). */
export function describeDefinition(definition: LoadedDefinition): DefinitionInfo {
  switch (definition.kind) {
    case 'tool': {
      const { def } = definition;
      return {
        ...common(definition),
        kind: 'tool',
        description: def.description,
        input: schemaInfo(definition.inputSchema),
        ...(definition.outputSchema ? { output: schemaInfo(definition.outputSchema) } : {}),
        ...(def.annotations ? { annotations: { ...def.annotations } } : {}),
        ...(def.timeoutSeconds === undefined ? {} : { timeoutSeconds: def.timeoutSeconds }),
        ...(def.execution?.taskSupport ? { taskSupport: def.execution.taskSupport } : {}),
        prepares: typeof def.execution?.prepare === 'function',
      };
    }
    case 'resource':
      return { ...common(definition), kind: 'resource', uri: definition.def.uri, ...(definition.def.mimeType ? { mimeType: definition.def.mimeType } : {}) };
    case 'resourceTemplate': {
      const { def } = definition;
      return {
        ...common(definition),
        kind: 'resourceTemplate',
        uriTemplate: def.uriTemplate,
        ...(def.mimeType ? { mimeType: def.mimeType } : {}),
        lists: typeof def.list === 'function',
        completes: Object.keys(def.complete ?? {}),
      };
    }
    case 'prompt': {
      const { def } = definition;
      const args = promptArguments(def.arguments);
      return { ...common(definition), kind: 'prompt', ...(args ? { arguments: args } : {}), completes: Object.keys(def.complete ?? {}) };
    }
  }
}

/** Prompt arguments as a list; a zod shape becomes one (each field's description, and whether it is required). */
function promptArguments(args: readonly PromptArgument[] | Record<string, unknown> | undefined): PromptArgument[] | undefined {
  if (args === undefined || isList(args)) return args?.map((arg) => ({ ...arg }));
  return Object.entries(args as Record<string, z.ZodType>).map(([name, schema]) => ({
    name,
    ...(schema.description ? { description: schema.description } : {}),
    required: !schema.safeParse(undefined).success,
  }));
}

/** A prompt declared with a zod shape: its arguments are checked against it in the worker (see worker.ts). */
export function promptShape(args: readonly PromptArgument[] | Record<string, unknown> | undefined): z.ZodObject | undefined {
  return args === undefined || isList(args) ? undefined : z.object(args as Record<string, z.ZodType>);
}

const isList = (args: readonly PromptArgument[] | Record<string, unknown>): args is readonly PromptArgument[] => Array.isArray(args);
