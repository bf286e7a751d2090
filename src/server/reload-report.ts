import type { ListChanges } from '../modules/snapshot-diff.js';
import type { Logger } from '../observability/logger.js';

/** What asked for a reload: SIGHUP, --watch, POST /admin/reload, or an upstream whose definitions changed. */
export type ReloadTrigger = 'signal' | 'watch' | 'admin' | 'upstream';

/** What one reload did, or why it was refused (then nothing changed). */
export interface ReloadReport {
  trigger: ReloadTrigger;
  result: 'applied' | 'refused';
  /** The generation serving after this reload (unchanged when refused). */
  generation: number;
  tools: ListChanges;
  resources: ListChanges;
  prompts: ListChanges;
  /** Module files imported because they are new or their content changed. */
  modulesImported: string[];
  /** Config keys whose new value took effect. */
  settingsChanged: string[];
  /** Config keys whose new value waits for a restart (the running value stays). */
  restartRequired: string[];
  /** Why the reload was refused, in the words of --validate-config. */
  problems: string[];
  /** Config warnings the running config did not have (old key names, unknown MCP_* variables...). */
  warnings: string[];
  durationMs: number;
}

const counts = (changes: ListChanges) => ({ added: changes.added.length, removed: changes.removed.length, updated: changes.updated.length });

/**
 * One info line (`reloaded`) per applied reload with the counts of what changed, and a warning per
 * setting that waits for a restart; a refused reload logs every problem, then one summary line.
 */
export function logReload(log: Logger, report: ReloadReport, requests: number): void {
  const { trigger, generation, durationMs: ms } = report;
  if (report.result === 'refused') {
    for (const problem of report.problems) log.error({ trigger }, `reload refused: ${problem}`);
    log.error({ trigger, generation, problems: report.problems.length, ms }, `reload refused; still serving generation ${generation}`);
    return;
  }
  for (const warning of report.warnings) log.warn(`config warning: ${warning}`);
  for (const setting of report.restartRequired) log.warn({ setting }, `restart required: ${setting} changed; the running value stays until the server restarts`);
  log.info(
    {
      trigger,
      ...(requests > 1 ? { requests } : {}),
      generation,
      tools: counts(report.tools),
      resources: counts(report.resources),
      prompts: counts(report.prompts),
      modulesImported: report.modulesImported.length,
      settingsChanged: report.settingsChanged,
      restartRequired: report.restartRequired,
      ms,
    },
    'reloaded',
  );
}
