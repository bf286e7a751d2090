import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type { SchemaInfo } from './definition-info.js';

/**
 * A schema that lives in a worker, as the SDK and the registry use it on the main thread: its JSON
 * Schema is the one the worker reported (what clients are shown), and validating a value asks the
 * worker, so the module's own schema (refinements, transforms, defaults) checks it, once.
 */
export function remoteSchema(info: SchemaInfo, validate: (value: unknown) => Promise<unknown>): StandardSchemaWithJSON {
  const json = (io: 'input' | 'output') => () => {
    if ('error' in info) throw new Error(info.error);
    return info[io] as Record<string, unknown>;
  };
  return {
    '~standard': {
      version: 1,
      vendor: 'mcp-server-worker',
      validate: (value: unknown) => validate(value),
      jsonSchema: { input: json('input'), output: json('output') },
    },
  } as unknown as StandardSchemaWithJSON;
}
