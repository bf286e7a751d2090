/** Whether a parsed body is a JSON-RPC 2.0 message (request, notification or response), or a batch of them. */
export function isJsonRpcShaped(body: unknown, allowBatch = true): boolean {
  if (Array.isArray(body)) return allowBatch && body.length > 0 && body.every((m) => isJsonRpcShaped(m, false));
  if (typeof body !== 'object' || body === null) return false;
  const message = body as Record<string, unknown>;
  return message.jsonrpc === '2.0' && (typeof message.method === 'string' || 'result' in message || 'error' in message);
}

/** The id of a request body, for error answers (null when there is none). */
export function idOf(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}
