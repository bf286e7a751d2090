import { collectOverrides, type OverrideTarget, type Overrides } from './overrides.js';
import type { ConfigFlags } from './types.js';

/** CLI flags that set config values: the flag as typed, and where its value goes. */
export const CONFIG_FLAGS: Readonly<Record<keyof ConfigFlags, OverrideTarget & { flag: string }>> = {
  transport: { flag: '--transport', path: ['transport', 'type'], kind: 'string' },
  host: { flag: '--host', path: ['transport', 'host'], kind: 'string' },
  port: { flag: '--port', path: ['transport', 'port'], kind: 'integer' },
  toolsDirs: { flag: '--tools-dir', path: ['tools', 'dirs'], kind: 'items' },
  storage: { flag: '--storage', path: ['storage', 'type'], kind: 'string' },
  dataDir: { flag: '--data-dir', path: ['storage', 'dataDir'], kind: 'string' },
  logLevel: { flag: '--log-level', path: ['logging', 'level'], kind: 'string' },
  logFormat: { flag: '--log-format', path: ['logging', 'format'], kind: 'string' },
  sslKeyfile: { flag: '--ssl-keyfile', path: ['transport', 'tls', 'keyFile'], kind: 'string' },
  sslCertfile: { flag: '--ssl-certfile', path: ['transport', 'tls', 'certFile'], kind: 'string' },
  watch: { flag: '--watch', path: ['tools', 'watch'], kind: 'switch' },
  debug: { flag: '--debug', path: ['server', 'debug'], kind: 'switch' },
  metricsPort: { flag: '--metrics-port', path: ['metrics', 'port'], kind: 'integer' },
};

/** Config values from CLI flags; --tools-dir (repeatable) replaces the whole list. */
export function readFlags(flags: ConfigFlags): Overrides {
  const entries = (Object.keys(CONFIG_FLAGS) as (keyof ConfigFlags)[]).flatMap((key) => {
    const given = flags[key];
    const target = CONFIG_FLAGS[key];
    if (given === undefined || given === false) return [];
    const raw = given === true ? 'true' : given;
    return [{ raw, target, source: { kind: 'flag' as const, name: target.flag } }];
  });
  return collectOverrides(entries);
}
