import { delimiter } from 'node:path';
import { formatPath } from './object-path.js';
import type { ConfigProblem, ValueSource } from './types.js';

/** How a raw string from the environment or the command line becomes a config value. */
export type ValueKind = 'string' | 'integer' | 'number' | 'list' | 'pathList' | 'items' | 'switch';

/** One setting that an environment variable or a flag supplies. */
export interface Override {
  path: string[];
  value: unknown;
  source: Extract<ValueSource, { kind: 'env' | 'flag' }>;
}

/** Where a raw value lands and how it is read. */
export interface OverrideTarget {
  path: string[];
  kind: ValueKind;
}

export interface Overrides {
  overrides: Override[];
  problems: ConfigProblem[];
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Lists are comma-separated; path lists also split on the OS path delimiter (':' or ';'); items (a repeated flag) are taken as given. */
function splitList(raw: string, delimiters: readonly string[]): string[] {
  let parts = [raw];
  for (const delimiter of delimiters) parts = parts.flatMap((part) => part.split(delimiter));
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

export function coerce(raw: string | readonly string[], kind: ValueKind): Coerced {
  const items = typeof raw === 'string' ? [raw] : raw;
  const text = items.join(',').trim();
  switch (kind) {
    case 'string':
      return { ok: true, value: text };
    case 'integer':
      return INTEGER.test(text) ? { ok: true, value: Number(text) } : { ok: false, message: `expected an integer, got ${JSON.stringify(text)}` };
    case 'number':
      return NUMBER.test(text) ? { ok: true, value: Number(text) } : { ok: false, message: `expected a number, got ${JSON.stringify(text)}` };
    case 'list':
      return nonEmpty(
        items.flatMap((item) => splitList(item, [','])),
        text,
      );
    case 'items':
      return { ok: true, value: items.filter((item) => item.trim() !== '') };
    case 'pathList':
      return nonEmpty(
        items.flatMap((item) => splitList(item, [',', delimiter])),
        text,
      );
    case 'switch':
      // a flag without a value: given means on
      return { ok: true, value: true };
  }
}

/** A list that is set but holds nothing (MCP_API_KEY=",") is a mistake, not a way to switch something off. */
function nonEmpty(values: string[], text: string): Coerced {
  if (values.length > 0) return { ok: true, value: values };
  return { ok: false, message: `expected comma-separated values, got ${JSON.stringify(text)} with none in it (unset the variable to leave the list empty)` };
}

/** Reads each present raw value into an override, or a problem naming its variable or flag. */
export function collectOverrides(entries: Iterable<{ raw: string | readonly string[]; target: OverrideTarget; source: Override['source'] }>): Overrides {
  const result: Overrides = { overrides: [], problems: [] };
  for (const { raw, target, source } of entries) {
    const coerced = coerce(raw, target.kind);
    if (coerced.ok) result.overrides.push({ path: target.path, value: coerced.value, source });
    else result.problems.push({ path: formatPath(target.path), message: coerced.message, origin: source.kind, name: source.name });
  }
  return result;
}
