import type { z } from 'zod';
import { readConfigFile } from './config-file.js';
import { readEnv } from './env.js';
import { checkPaths, resolvePaths } from './file-checks.js';
import { readFlags } from './flags.js';
import { oldNamesAt, rewriteLegacyKeys, rewriteLegacyValues, withRenames } from './legacy.js';
import { formatPath, leaves, setIn } from './object-path.js';
import { problemAt, sourceOf, type Origins } from './origins.js';
import { sortProblems } from './problems.js';
import { dropUnsetKeys, shapeAt } from './schema-walk.js';
import { configSchema, type Config } from './schema.js';
import { unknownKeyMessage } from './suggest.js';
import type { ConfigProblem, ConfigResult, LoadConfigOptions, PathSegment, ValueSource } from './types.js';

export type { ConfigFlags, ConfigProblem, ConfigResult, LoadConfigOptions, LoadedConfig, FailedConfig, ValueSource } from './types.js';

/**
 * Builds the effective config: defaults < config file < MCP_* environment < CLI flags.
 * Reads the config file and checks that configured directories exist; otherwise pure.
 * Collects every problem (with file:line:column, or the variable or flag) instead of stopping at the first.
 * Old spellings (keys, values and variables of other MCP servers' guides) are read as today's, each
 * with a warning; `strict: true` in the file makes those warnings errors.
 */
export function loadConfig(options: LoadConfigOptions): ConfigResult {
  const { cwd } = options;
  const file = readConfigFile(options);
  const legacy = file.source ? rewriteLegacyKeys(file.source) : undefined;
  const env = readEnv(options.env);
  const flags = readFlags(options.flags);
  const fileSource = file.source && legacy ? withRenames(file.source, legacy.renames) : undefined;
  const origins: Origins = { file: fileSource, overrides: [...env.overrides, ...flags.overrides] };
  const configFile = file.file ? { configFile: file.file } : {};

  let warnings: ConfigProblem[] = [...(legacy?.warnings ?? []), ...env.warnings];
  const problems: ConfigProblem[] = [...file.problems, ...(legacy?.problems ?? []), ...env.problems, ...flags.problems];
  const failed = (): ConfigResult => ({ ok: false, problems: sortProblems(problems), warnings: sortProblems(warnings), ...configFile });
  if (file.problems.length > 0) return failed();

  const data = dropUnsetKeys(legacy?.data ?? {}) as Record<string, unknown>;
  for (const override of origins.overrides) setIn(data, override.path, override.value);
  warnings.push(...rewriteLegacyValues(data, origins));
  if (data.strict === true) {
    problems.push(...warnings.map((warning) => ({ ...warning, message: `${warning.message} (an error under strict: true)` })));
    warnings = [];
  }

  const validated = validate(data, origins);
  problems.push(...(validated.ok ? [] : validated.problems), ...checkPaths(data, origins, cwd));
  if (!validated.ok || problems.length > 0) return failed();

  const config: Config = structuredClone(validated.config);
  resolvePaths(config, origins, cwd);
  // where each value came from is asked for by --print-config, /admin and a reload, not by a start
  let sources: Record<string, ValueSource> | undefined;
  return {
    ok: true,
    config,
    get sources() {
      return (sources ??= leafSources(config, origins));
    },
    warnings: sortProblems(warnings),
    ...configFile,
  };
}

function leafSources(config: Config, origins: Origins): Record<string, ValueSource> {
  const sources: Record<string, ValueSource> = {};
  for (const [path] of leaves(config)) sources[formatPath(path)] = sourceOf(origins, path);
  return sources;
}

export type Validated = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

/** Checks the merged raw data against the schema; every issue becomes a problem placed at its origin. */
export function validate(data: unknown, origins: Origins): Validated {
  // parsed once per load: zod's compiled fast path for objects would cost more to generate than it saves
  const result = configSchema.safeParse(data, { jitless: true });
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
