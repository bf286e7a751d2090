import { formatProblems } from '../config/problems.js';
import type { ConfigProblem, ConfigResult, LoadedConfig } from '../config/types.js';
import type { ModuleFileCache } from '../modules/file-cache.js';
import { errorMessage, formatModuleProblem, type RegistrySnapshot } from '../modules/registry.js';
import { changedLists, diffSnapshots, type ListChanges } from '../modules/snapshot-diff.js';
import type { RegistryChange } from './events.js';
import { definitionsOf } from './live-servers.js';
import type { WorkerIsolation } from './isolation/worker-isolation.js';
import { loadRegistry, refreshRegistry, type UpstreamDefinitions } from './load-registry.js';
import type { ReloadReport, ReloadTrigger } from './reload-report.js';
import { replacedResourceUris } from './served-resource.js';
import { compareSettings } from './settings-change.js';

/** What is being served: swapped whole by a reload, never changed in place. */
export interface Serving {
  readonly loaded: LoadedConfig;
  readonly snapshot: RegistrySnapshot;
  readonly generation: number;
}

export interface PreparedReload {
  report: ReloadReport;
  /** What to serve next, when the reload is to be applied. */
  next?: Serving;
  change?: RegistryChange;
}

/** The lines of `lines` that `before` does not have. */
function notIn(lines: readonly string[], before: readonly string[]): string[] {
  const seen = new Set(before);
  return lines.filter((line) => !seen.has(line));
}

const noChanges = (): ListChanges => ({ added: [], removed: [], updated: [] });

/** A report of nothing done yet: refused, changing nothing, at `generation`. */
export function refusedReport(trigger: ReloadTrigger, generation: number, problems: string[]): ReloadReport {
  return {
    trigger,
    result: 'refused',
    generation,
    tools: noChanges(),
    resources: noChanges(),
    prompts: noChanges(),
    modulesImported: [],
    settingsChanged: [],
    restartRequired: [],
    problems,
    warnings: [],
    durationMs: 0,
  };
}

/**
 * Everything a reload does before the swap, none of which touches what is served: re-read the
 * config (file and environment; the start-time flags still win), validate it whole, re-discover
 * the modules (importing only files whose content changed), and compare. A config problem, or a
 * module problem the running version does not already have, refuses the reload.
 */
export async function prepareReload(
  running: Serving,
  trigger: ReloadTrigger,
  reread: () => ConfigResult,
  cache: ModuleFileCache,
  upstreams: UpstreamDefinitions,
  workers?: WorkerIsolation,
): Promise<PreparedReload> {
  const report = (fields: Partial<ReloadReport>): ReloadReport => ({ ...refusedReport(trigger, running.generation, []), ...fields });

  const loaded = reread();
  if (!loaded.ok) return { report: report({ problems: loaded.problems.map((problem) => formatProblems([problem])) }) };
  const settings = compareSettings(running.loaded, loaded);
  const generation = running.generation + 1;
  let snapshot: RegistrySnapshot;
  try {
    snapshot = await loadRegistry(settings.applied.config, generation, cache, upstreams, workers);
  } catch (error) {
    return { report: report({ problems: [`loading modules failed: ${errorMessage(error)}`] }) };
  }
  const problems = notIn(snapshot.problems.map(formatModuleProblem), running.snapshot.problems.map(formatModuleProblem));
  if (problems.length > 0) return { report: report({ problems, modulesImported: [...snapshot.imported] }) };

  const diff = diffSnapshots(running.snapshot, snapshot);
  const asLine = (warning: ConfigProblem) => formatProblems([warning]);
  const warnings = notIn(loaded.warnings.map(asLine), running.loaded.warnings.map(asLine));
  return {
    next: { loaded: settings.applied, snapshot, generation },
    change: {
      previous: running.snapshot,
      snapshot,
      lists: changedLists(diff),
      resourceUris: replacedResourceUris(running.snapshot, snapshot),
      settings: settings.changed,
    },
    report: report({
      result: 'applied',
      generation,
      ...diff,
      modulesImported: [...snapshot.imported],
      settingsChanged: settings.changed,
      restartRequired: settings.restartRequired,
      warnings,
    }),
  };
}

/**
 * An upstream came up, went down or changed its lists: the same config and module definitions with
 * the upstreams' definitions as they are now. Undefined when that serves exactly what is served.
 */
export function prepareRefresh(running: Serving, upstreams: UpstreamDefinitions): PreparedReload | undefined {
  const generation = running.generation + 1;
  const snapshot = refreshRegistry(running.snapshot, running.loaded.config, generation, upstreams);
  if (sameDefinitions(running.snapshot, snapshot)) return undefined;
  const diff = diffSnapshots(running.snapshot, snapshot);
  return {
    next: { loaded: running.loaded, snapshot, generation },
    change: { previous: running.snapshot, snapshot, lists: changedLists(diff), resourceUris: replacedResourceUris(running.snapshot, snapshot), settings: [] },
    report: { ...refusedReport('upstream', generation, []), result: 'applied', ...diff },
  };
}

function sameDefinitions(before: RegistrySnapshot, after: RegistrySnapshot): boolean {
  const old = definitionsOf(before);
  const next = definitionsOf(after);
  return old.length === next.length && old.every((definition, i) => definition === next[i]);
}
