import { fromJsonSchema, type StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { InputSchema } from './types.js';

const isStandardSchema = (value: unknown): value is StandardSchemaWithJSON => typeof value === 'object' && value !== null && '~standard' in value;

/**
 * A module's input/output declaration as the SDK wants it. Accepts a zod object (or any Standard
 * Schema with JSON Schema support), a zod raw shape `{ a: z.string() }`, or a plain JSON Schema
 * object, which is validated with the SDK's JSON Schema validator.
 */
export function toSchema(input: InputSchema | undefined): StandardSchemaWithJSON {
  if (input === undefined) return z.object({});
  if (isStandardSchema(input)) return input;
  const values = Object.values(input);
  if (input.type === 'object' && typeof input.type === 'string') return fromJsonSchema(input as Parameters<typeof fromJsonSchema>[0]);
  if (values.every(isStandardSchema)) return z.object(input as Record<string, z.ZodType>);
  throw new Error('schema must be a zod shape, a zod object or a JSON Schema object with type "object"');
}
