import { isPlainObject } from './object-path.js';
import { isSecretPath } from './schema-walk.js';
import type { PathSegment } from './types.js';

export const REDACTED = '[redacted]';

/**
 * Module settings and upstream environments have no fixed keys here, so a setting whose name says it holds a credential is
 * treated as secret: one of its words (apiKey -> api, key; db_password -> db, password) is a secret
 * word, or the name contains a fragment that only credentials use (dbpassword, apikey). Erring on
 * the side of hiding: `keyPrefix` is hidden too, and --print-config still says where it came from.
 */
const SECRET_WORDS = new Set([
  'key',
  'keys',
  'apikey',
  'privatekey',
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'token',
  'tokens',
  'bearer',
  'dsn',
  'credential',
  'credentials',
  'auth',
  'authorization',
  'cookie',
  'cookies',
  'jwt',
  'otp',
]);
const SECRET_FRAGMENT = /secret|passw|passphrase|pwd|credential|api[-_]?key|private[-_]?key|access[-_]?key|bearer|connection[-_]?string/i;

/** `apiKey` -> [api, key]; `DB_PASSWORD` -> [db, password]; `OAuthToken` -> [o, auth, token]. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function looksSecret(name: string): boolean {
  return SECRET_FRAGMENT.test(name) || words(name).some((word) => SECRET_WORDS.has(word));
}

/** Whether the value at `path` must never be shown: marked secret() in the schema, or a credential-like module setting. */
export function isRedactedPath(path: readonly PathSegment[]): boolean {
  if (path[0] === 'modules') return path.some((segment) => typeof segment === 'string' && looksSecret(segment));
  if (path[0] === 'upstreams' && path[2] === 'env') return typeof path[3] === 'string' && looksSecret(path[3]);
  return isSecretPath(path);
}

/** A copy of a config with every secret replaced by "[redacted]", as --print-config shows it (an empty list stays empty). */
export function redactedConfig(value: unknown, path: PathSegment[] = []): unknown {
  const empty = value === undefined || value === null || (Array.isArray(value) && value.length === 0);
  if (path.length > 0 && isRedactedPath(path) && !empty) return REDACTED;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, redactedConfig(child, [...path, key])]));
  return value;
}
