/**
 * Built-in key-value tools on the configured storage (collection "kv").
 * Written like any user module: types from the public entry, zod and defineTool from the kit.
 */
import type { Json, ModuleKit } from 'mcp-server/module';

const COLLECTION = 'kv';

/** Tool arguments arrive as parsed JSON; this shows it to the type checker (a copy; undefined becomes null). */
function jsonValue(value: unknown): Json {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]): [string, Json] => [key, jsonValue(item)]));
  throw new Error(`value must be JSON, not ${typeof value}`);
}

export default ({ z, defineTool }: ModuleKit) => {
  const key = z.string().min(1).max(512).describe('The key: any non-empty string up to 512 characters, e.g. "user:42:theme".');
  const entry = {
    key: z.string(),
    value: z.unknown().optional(),
    updatedAt: z.string().optional().describe('ISO 8601 time of the last write.'),
    expiresAt: z.string().optional().describe('ISO 8601 expiry time, when the entry has a TTL.'),
  };
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

  return [
    defineTool({
      name: 'kv_set',
      title: 'Set a value',
      description: 'Store a JSON value under a key, replacing any previous value. Optionally give ttl_seconds to make the entry expire. Values persist across server restarts.',
      input: {
        key,
        value: z.unknown().describe('Any JSON value: string, number, boolean, null, array or object.'),
        ttl_seconds: z.number().int().positive().max(31_536_000).optional().describe('Expire the entry after this many seconds (up to one year).'),
      },
      output: entry,
      annotations: { idempotentHint: true, destructiveHint: false },
      async run(args, ctx) {
        const stored = await ctx.storage.collection(COLLECTION).put(args.key, jsonValue(args.value), args.ttl_seconds ? { ttlSeconds: args.ttl_seconds } : {});
        return { key: stored.id, value: stored.data, updatedAt: iso(stored.updatedAt), expiresAt: iso(stored.expiresAt) };
      },
    }),
    defineTool({
      name: 'kv_get',
      title: 'Get a value',
      description: 'Read the JSON value stored under a key. Returns found=false when the key does not exist or has expired.',
      input: { key },
      output: { found: z.boolean(), ...entry },
      annotations: { readOnlyHint: true },
      async run(args, ctx) {
        const stored = await ctx.storage.collection(COLLECTION).get(args.key);
        if (!stored) return { found: false, key: args.key };
        return { found: true, key: stored.id, value: stored.data, updatedAt: iso(stored.updatedAt), expiresAt: iso(stored.expiresAt) };
      },
    }),
    defineTool({
      name: 'kv_delete',
      title: 'Delete a value',
      description: 'Delete the entry stored under a key. Returns deleted=false when there was nothing to delete.',
      input: { key },
      output: { key: z.string(), deleted: z.boolean() },
      annotations: { destructiveHint: true, idempotentHint: true },
      async run(args, ctx) {
        return { key: args.key, deleted: await ctx.storage.collection(COLLECTION).delete(args.key) };
      },
    }),
    defineTool({
      name: 'kv_list',
      title: 'List keys',
      description: 'List stored keys in key order, optionally only those starting with a prefix. Returns keys with their values.',
      input: {
        prefix: z.string().max(512).optional().describe('Only keys starting with this prefix (case-sensitive).'),
        limit: z.number().int().min(1).max(1000).default(100).describe('Maximum number of entries to return (1-1000, default 100).'),
      },
      output: { entries: z.array(z.object(entry)), count: z.number().int() },
      annotations: { readOnlyHint: true },
      async run(args, ctx) {
        const docs = await ctx.storage.collection(COLLECTION).find({
          ...(args.prefix ? { filter: { $id: { $startsWith: args.prefix } } } : {}),
          orderBy: [{ field: '$id' }],
          limit: args.limit,
        });
        const entries = docs.map((doc) => ({ key: doc.id, value: doc.data, updatedAt: iso(doc.updatedAt), expiresAt: iso(doc.expiresAt) }));
        return { entries, count: entries.length };
      },
    }),
  ];
};
