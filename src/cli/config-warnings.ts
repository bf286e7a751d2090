import { formatProblems } from '../config/print.js';
import type { Config } from '../config/schema.js';
import type { ConfigProblem } from '../config/types.js';
import { createLogger } from '../observability/logger.js';

/** A starting server's config warnings: one log line each (on stderr, like every log line). */
export function logConfigWarnings(config: Config, warnings: readonly ConfigProblem[]): void {
  if (warnings.length === 0) return;
  const log = createLogger(config.logging);
  for (const warning of warnings) log.warn({ configWarning: warning.origin === 'file' ? warning.path : warning.name }, `config warning: ${formatProblems([warning])}`);
}
