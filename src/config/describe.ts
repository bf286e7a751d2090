import { isAbsolute, relative } from 'node:path';
import type { ConfigProblem, ValueSource } from './types.js';

/** A file as a user would type it: relative to `cwd` when inside it, else absolute. */
export function displayFile(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** `config.yaml:12:3`, `env MCP_PORT`, `flag --port` or `default`. */
export function describeSource(source: ValueSource, cwd: string): string {
  switch (source.kind) {
    case 'default':
      return 'default';
    case 'file':
      return `${displayFile(source.file, cwd)}:${source.line}:${source.column}`;
    default:
      return `${source.kind} ${source.name}`;
  }
}

/** Where a problem is, in the same words as describeSource (a file without a position is just the file). */
export function describeProblemOrigin(problem: ConfigProblem, cwd: string): string {
  if (problem.origin !== 'file' && problem.name) return describeSource({ kind: problem.origin, name: problem.name }, cwd);
  if (problem.file && problem.line !== undefined) {
    return describeSource({ kind: 'file', file: problem.file, line: problem.line, column: problem.column ?? 1 }, cwd);
  }
  return problem.file ? displayFile(problem.file, cwd) : 'config';
}
