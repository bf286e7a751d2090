import type { Config } from '../../config/schema.js';

/**
 * A value built from part of the running config, rebuilt only when that part changed (a reload
 * swaps the config whole; most reloads leave most parts alone). `build` gets the value it replaces.
 */
export function fromConfig<S, T>(config: () => Config, select: (config: Config) => S, build: (selected: S, previous: T | undefined) => T): () => T {
  let seen: Config | undefined;
  let key: string | undefined;
  let value: T | undefined;
  return () => {
    const current = config();
    if (current !== seen) {
      seen = current;
      const selected = select(current);
      const next = JSON.stringify(selected);
      if (next !== key) {
        value = build(selected, value);
        key = next;
      }
    }
    return value as T;
  };
}
