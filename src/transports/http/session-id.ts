import { randomUUID } from 'node:crypto';

/**
 * Session ids (Mcp-Session-Id, legacy SSE sessionId): random UUIDs, prefixed with
 * `<transport.replicaId>.` when one is configured, so a proxy in front of several replicas can
 * send each session back to the replica that holds it (nginx/mcp-server.conf routes on the prefix).
 */
export function sessionIdMinter(replicaId: string | undefined): () => string {
  if (!replicaId) return () => randomUUID();
  const prefix = `${replicaId}.`;
  return () => prefix + randomUUID();
}
