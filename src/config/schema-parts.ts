import { z } from 'zod';

/**
 * Building blocks of the config schema, made to cost less at each start-up than zod's chained methods,
 * with the same validation and messages: every chained call (.int(), .min(), .describe(), ...) makes a
 * copy of the schema, and each copy keeps the one before alive.
 */

// A schema is never changed once made, only wrapped (.default(), .optional(), z.array()), so these serve every key of their kind.
export const anyString = z.string();
export const nonEmptyString = z.string().min(1);
export const anyBoolean = z.boolean();
/** Names or globs of definitions (tools.enabled, upstreams.<name>.disabled, ...). */
export const nameGlobs = z.array(nonEmptyString);
const SHARED = new WeakSet<z.ZodType>([anyString, nonEmptyString, anyBoolean, nameGlobs]);

/** An integer from `min` (to `max`): z.number().int().min(min).max(max), as one copy instead of three. */
export const integer = (min: number, max?: number) => z.int().check(z.gte(min), ...(max === undefined ? [] : [z.lte(max)]));

/** A number from `min` to `max`: z.number().min(min).max(max), as one copy instead of two. */
export const numberIn = (min: number, max: number) => z.number().check(z.gte(min), z.lte(max));

/** A positive number up to `max`: z.number().positive().max(max, message), as one copy instead of two. */
export const positiveUpTo = (max: number, message?: string) => z.number().check(z.positive(), z.lte(max, message));

/**
 * Metadata of config keys, registered on the key's own schema. zod's .describe() and .meta() make a
 * copy of the schema for every call (one per key at each start-up, each copy keeping the one before
 * alive); these add to zod's global registry without one, and read back the same (`schema.description`).
 * Use them on a schema made for one key (after .default(), .optional(), ...), never on one several keys share.
 */

const SECRET = 'secret';

function withMeta<T extends z.ZodType>(schema: T, meta: z.GlobalMeta): T {
  z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), ...meta });
  return schema;
}

/** A key's description, as `.describe(description)` would set it: `.apply(described, '...')`. */
export function described<T extends z.ZodType>(schema: T, description: string): T {
  if (SHARED.has(schema) || z.globalRegistry.has(schema))
    throw new Error(`a schema shared by several keys cannot take the description of one ("${description}"): wrap it first (.default(), .optional())`);
  return withMeta(schema, { description });
}

/** Marks a key whose value --print-config and /admin/config never show. */
export const secret = <T extends z.ZodType>(schema: T): T => withMeta(schema, { [SECRET]: true });

export const isSecretSchema = (schema: z.ZodType): boolean => Boolean(z.globalRegistry.get(schema)?.[SECRET]);
