import type { ListChanges } from '../modules/snapshot-diff.js';

/** What asked for a reload: SIGHUP, --watch, or POST /admin/reload. */
export type ReloadTrigger = 'signal' | 'watch' | 'admin';

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
  durationMs: number;
}
