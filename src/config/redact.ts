import { isSecretPath } from './schema-walk.js';
import type { PathSegment } from './types.js';

export const REDACTED = '[redacted]';

/** Module settings have no schema here, so names that usually hold credentials are treated as secret. */
const SECRET_NAME = /secret|passw|token|credential|api[-_]?key|private[-_]?key|auth/i;

/** Whether the value at `path` must never be shown: marked secret() in the schema, or a credential-like module setting. */
export function isRedactedPath(path: readonly PathSegment[]): boolean {
  if (path[0] === 'modules') return path.some((segment) => typeof segment === 'string' && SECRET_NAME.test(segment));
  return isSecretPath(path);
}
