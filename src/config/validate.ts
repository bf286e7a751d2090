import type { z } from 'zod';
import { oldNamesAt } from './legacy-keys.js';
import { problemAt, type Origins } from './origins.js';
import { configSchema, type Config } from './schema.js';
import { shapeAt } from './schema-walk.js';
import { unknownKeyMessage } from './suggest.js';
import type { ConfigProblem, PathSegment } from './types.js';

export type Validated = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

/** Checks the merged raw data against the schema; every issue becomes a problem placed at its origin. */
export function validate(data: unknown, origins: Origins): Validated {
  const result = configSchema.safeParse(data);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: result.error.issues.flatMap((issue) => toProblems(issue, origins)) };
}

function toProblems(issue: z.core.$ZodIssue, origins: Origins): ConfigProblem[] {
  const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => problemAt(origins, [...path, key], unknownKeyMessageAt(path, key), 'key'));
  }
  return [problemAt(origins, path, issue.message)];
}

function unknownKeyMessageAt(path: readonly PathSegment[], key: string): string {
  return unknownKeyMessage(key, Object.keys(shapeAt(path) ?? {}), oldNamesAt(path));
}
