import type { z } from 'zod';
import { isPlainObject } from './object-path.js';
import { configSchema } from './schema.js';
import { isSecretSchema } from './schema-parts.js';
import type { PathSegment } from './types.js';

/** The parts of zod's internal definition this walker reads (stable across zod 4 releases). */
interface Def {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** The schema inside default/prefault/optional/... wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let def = defOf(current); WRAPPERS.has(def.type) && def.innerType; def = defOf(current)) current = def.innerType;
  return current;
}

/** Field schemas of the object at `path` (undefined when the schema has no fixed object there). */
export function shapeAt(path: readonly PathSegment[]): Record<string, z.ZodType> | undefined {
  const schema = schemaAt(path);
  return schema && defOf(unwrap(schema)).shape;
}

/** The schema that validates the value at `path`, wrappers included, as the parent declares it. */
export function schemaAt(path: readonly PathSegment[]): z.ZodType | undefined {
  let schema: z.ZodType | undefined = configSchema;
  for (const segment of path) schema = schema && childSchema(schema, segment);
  return schema;
}

function childSchema(schema: z.ZodType, segment: PathSegment): z.ZodType | undefined {
  const def = defOf(unwrap(schema));
  if (def.type === 'object') return typeof segment === 'string' ? def.shape?.[segment] : undefined;
  if (def.type === 'record') return def.valueType;
  if (def.type === 'array') return def.element;
  return undefined;
}

/** Whether the value at `path` is, or is part of, a field marked `secret()` in the schema. */
export function isSecretPath(path: readonly PathSegment[]): boolean {
  let schema: z.ZodType | undefined = configSchema;
  for (const segment of path) {
    schema = schema && childSchema(schema, segment);
    if (!schema) return false;
    if (isSecretSchema(schema)) return true;
  }
  return false;
}

/**
 * In YAML `key:` with no value is null. For a key the schema knows (or one inside a free-form
 * section such as `modules`) that means "not set here", so its default applies; unknown keys stay,
 * so that validation reports them. Items of lists are left alone.
 */
export function dropUnsetKeys(value: unknown, path: PathSegment[] = []): unknown {
  if (Array.isArray(value)) return value.map((item, i) => dropUnsetKeys(item, [...path, i]));
  if (!isPlainObject(value)) return value;
  const shape = shapeAt(path);
  const entries = Object.entries(value)
    .filter(([key, child]) => child !== null || (shape !== undefined && !(key in shape)))
    .map(([key, child]) => [key, dropUnsetKeys(child, [...path, key])]);
  return Object.fromEntries(entries);
}
