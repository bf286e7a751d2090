import type { ServerContext } from '@modelcontextprotocol/server';
import type { AuthIdentity } from '../modules/types.js';

/** Who sent a request: the API key's label over HTTP with keys, else `anonymous`. */
export function identityOf(request: ServerContext): AuthIdentity {
  const info = request.http?.authInfo;
  return info ? { id: info.clientId, scopes: info.scopes } : { id: 'anonymous', scopes: [] };
}

export const callerOf = (request: ServerContext): string => identityOf(request).id;
