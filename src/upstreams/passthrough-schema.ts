import type { StandardSchemaWithJSON } from '@modelcontextprotocol/client';

/**
 * A tool's input or output schema as the upstream declared it: listed exactly as the upstream
 * listed it, and accepting any value, because the upstream validates what it is sent and what
 * it answers; checking it here again could only refuse what the upstream would accept.
 */
export function passThroughSchema(jsonSchema: Record<string, unknown>): StandardSchemaWithJSON {
  return {
    '~standard': {
      version: 1,
      vendor: 'mcp-server-upstream',
      validate: (value: unknown) => ({ value }),
      jsonSchema: { input: () => jsonSchema, output: () => jsonSchema },
    },
  } as StandardSchemaWithJSON;
}
