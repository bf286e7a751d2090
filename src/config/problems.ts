import { describeProblemOrigin } from './describe.js';
import type { ConfigProblem } from './types.js';

const ORIGIN_ORDER: Record<ConfigProblem['origin'], number> = { file: 0, env: 1, flag: 2 };

/** File problems in file order, then environment, then flags. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort(
    (a, b) => ORIGIN_ORDER[a.origin] - ORIGIN_ORDER[b.origin] || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
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
