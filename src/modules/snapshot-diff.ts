import { fingerprint } from './fingerprint.js';
import type { LoadedDefinition } from './normalize.js';
import type { RegistrySnapshot } from './registry.js';

export type ListName = 'tools' | 'resources' | 'prompts';
export const LIST_NAMES: readonly ListName[] = ['tools', 'resources', 'prompts'];

/** Names added, removed, and listed differently (by fingerprint) in one list. */
export interface ListChanges {
  added: string[];
  removed: string[];
  updated: string[];
}

export type SnapshotDiff = Record<ListName, ListChanges>;

const membersOf = (snapshot: RegistrySnapshot): Record<ListName, LoadedDefinition[]> => ({
  tools: [...snapshot.tools.values()],
  resources: [...snapshot.resources.values(), ...snapshot.templates.values()],
  prompts: [...snapshot.prompts.values()],
});

/** How each list changed from `before` to `after`, as clients see the lists. */
export function diffSnapshots(before: RegistrySnapshot, after: RegistrySnapshot): SnapshotDiff {
  const old = membersOf(before);
  const next = membersOf(after);
  const diff = {} as SnapshotDiff;
  for (const list of LIST_NAMES) diff[list] = diffList(old[list], next[list]);
  return diff;
}

/** The lists whose content changed: at most one list_changed each. */
export const changedLists = (diff: SnapshotDiff): ListName[] => LIST_NAMES.filter((list) => diff[list].added.length + diff[list].removed.length + diff[list].updated.length > 0);

function diffList(before: readonly LoadedDefinition[], after: readonly LoadedDefinition[]): ListChanges {
  // resources and templates share a list but not a namespace: key by kind and name
  const keyed = (items: readonly LoadedDefinition[]) => new Map(items.map((item) => [`${item.kind}:${item.name}`, item]));
  const old = keyed(before);
  const next = keyed(after);
  const changes: ListChanges = { added: [], removed: [], updated: [] };
  for (const [key, item] of next) {
    const previous = old.get(key);
    if (!previous) changes.added.push(item.name);
    else if (previous !== item && fingerprint(previous) !== fingerprint(item)) changes.updated.push(item.name);
  }
  for (const [key, item] of old) if (!next.has(key)) changes.removed.push(item.name);
  return changes;
}
