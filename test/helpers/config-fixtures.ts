import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { ConfigFlags, ConfigProblem, ConfigResult, FailedConfig, LoadedConfig } from '../../src/config/types.js';
import { tempDirForFile } from './temp-dir.js';

/** A fresh temporary directory, removed when the test file ends. */
export const tempDir = (): string => tempDirForFile('mcp-config-');

/** Writes `text` to `dir/name` (creating folders) and returns the file's path. */
export function writeFile(dir: string, name: string, text = ''): string {
  const file = join(dir, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

export interface LoadInput {
  yaml?: string;
  env?: Record<string, string | undefined>;
  flags?: ConfigFlags;
  cwd?: string;
}

/** Loads `yaml` (written as cwd/config.yaml, the default file) with the given env and flags. */
export function load({ yaml, env = {}, flags = {}, cwd = tempDir() }: LoadInput): ConfigResult {
  if (yaml !== undefined) writeFile(cwd, 'config.yaml', yaml);
  return loadConfig({ env, flags, cwd });
}

export function expectOk(result: ConfigResult): LoadedConfig {
  if (!result.ok) throw new Error(`expected a valid config, got problems:\n${JSON.stringify(result.problems, null, 2)}`);
  return result;
}

export function expectProblems(result: ConfigResult): FailedConfig {
  if (result.ok) throw new Error('expected problems, got a valid config');
  return result;
}

/** The fields a test compares: path, origin, position or name (file and message checked separately). */
export function brief(problem: ConfigProblem): string {
  const where = problem.origin === 'file' ? `${problem.line}:${problem.column}` : `${problem.origin} ${problem.name}`;
  return `${where} ${problem.path}`;
}
