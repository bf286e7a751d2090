import { formatPath, getIn, leaves, setIn } from '../config/object-path.js';
import type { LoadedConfig } from '../config/types.js';

/**
 * Settings a running server cannot take on: what it bound, opened or mounted at start. A reload
 * keeps their running values and reports them; everything else changes live.
 */
export const RESTART_REQUIRED: readonly string[] = [
  'transport.type',
  'transport.host',
  'transport.port',
  'transport.tls',
  'transport.endpoint',
  'transport.publicBasePath',
  'transport.replicaId',
  'transport.legacySse',
  'transport.sessions.mode',
  'transport.eventStore',
  'transport.maxConcurrentRequests',
  'server.requestStateSecret',
  'storage',
  'metrics.port',
];

export interface SettingsChange {
  /** Changed keys that take effect now. */
  changed: string[];
  /** Changed keys that wait for a restart. */
  restartRequired: string[];
  /** The config to run: the new one, with the running values of restart-required settings. */
  applied: LoadedConfig;
}

const within = (prefix: string, path: string) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
const needsRestart = (path: string) => RESTART_REQUIRED.some((prefix) => within(prefix, path));

/** Compares the running config with a newly loaded one, key by key (a list is one key). */
export function compareSettings(running: LoadedConfig, loaded: LoadedConfig): SettingsChange {
  const paths = new Map<string, readonly (string | number)[]>();
  for (const source of [running.config, loaded.config]) for (const [path] of leaves(source)) paths.set(formatPath(path), path);
  const differing = [...paths].filter(([, path]) => JSON.stringify(getIn(running.config, path)) !== JSON.stringify(getIn(loaded.config, path))).map(([name]) => name);
  // keep the most precise name: `transport.tls.keyFile`, not also `transport.tls`
  const names = differing.filter((name) => !differing.some((other) => other !== name && within(name, other))).sort();

  const config = structuredClone(loaded.config) as Record<string, unknown>;
  const sources = { ...loaded.sources };
  for (const prefix of RESTART_REQUIRED) {
    const path = prefix.split('.');
    setIn(config, path, structuredClone(getIn(running.config, path)));
    for (const key of Object.keys(sources)) if (within(prefix, key)) delete sources[key];
    for (const [key, source] of Object.entries(running.sources)) if (within(prefix, key)) sources[key] = source;
  }
  return {
    changed: names.filter((name) => !needsRestart(name)),
    restartRequired: names.filter(needsRestart),
    applied: { ...loaded, config: config as LoadedConfig['config'], sources },
  };
}
