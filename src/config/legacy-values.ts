import { getIn, setIn } from './object-path.js';
import { problemAt, type Origins } from './origins.js';
import type { ConfigProblem } from './types.js';

/** Values other MCP servers' deployment guides use, read as ours (from any layer), each with a warning. */
const VALUE_ALIASES: readonly { path: string[]; from: string; to: string; note: string }[] = [
  { path: ['storage', 'type'], from: 'tinydb', to: 'lowdb', note: 'the embedded JSON-file engine' },
  { path: ['logging', 'format'], from: 'text', to: 'pretty', note: 'human-readable lines' },
  { path: ['transport', 'type'], from: 'streamable-http', to: 'http-stream', note: 'Streamable HTTP' },
];

const ENABLED = ['tools', 'enabled'];

/** Rewrites old values in the merged data (in place); returns one warning for each, placed where it was set. */
export function rewriteLegacyValues(data: Record<string, unknown>, origins: Origins): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  for (const { path, from, to, note } of VALUE_ALIASES) {
    const value = getIn(data, path);
    if (typeof value !== 'string' || value.trim().toLowerCase() !== from) continue;
    setIn(data, path, to);
    warnings.push(problemAt(origins, path, `"${value}" is read as "${to}" (${note}); write ${to}`));
  }
  const enabled = getIn(data, ENABLED);
  if (typeof enabled === 'boolean') {
    const list = enabled ? ['*'] : [];
    setIn(data, ENABLED, list);
    warnings.push(problemAt(origins, ENABLED, `${enabled} is read as ${JSON.stringify(list)} (${enabled ? 'every' : 'no'} tool, resource and prompt); write that list`));
  }
  return warnings;
}
