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

const ORIGIN_ORDER: Record<ConfigProblem['origin'], number> = { file: 0, env: 1, flag: 2 };

/** File problems in file order, then environment, then flags. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => ORIGIN_ORDER[a.origin] - ORIGIN_ORDER[b.origin] || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/**
 * One line per problem: `file:line:col: path: message` (or `env MCP_PORT: path: message`, `flag --port: ...`).
 * Files are shown relative to `cwd` (default: the process's) when inside it.
 */
export function formatProblems(problems: readonly ConfigProblem[], options: { cwd?: string } = {}): string {
  const cwd = options.cwd ?? process.cwd();
  return problems.map((problem) => formatProblem(problem, cwd)).join('\n');
}

/** Warnings in the same form, each line starting with `warning: `. */
export function formatWarnings(warnings: readonly ConfigProblem[], options: { cwd?: string } = {}): string {
  const cwd = options.cwd ?? process.cwd();
  return warnings.map((warning) => `warning: ${formatProblem(warning, cwd)}`).join('\n');
}

function formatProblem(problem: ConfigProblem, cwd: string): string {
  const path = problem.path ? `${problem.path}: ` : '';
  return `${describeProblemOrigin(problem, cwd)}: ${path}${problem.message.replace(/\s*\n\s*/g, ' ')}`;
}
