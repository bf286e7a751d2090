import type { Metrics } from '../../observability/metrics.js';
import { jsonRpcError, SERVER_ERROR } from './json-rpc-error.js';
import type { Room } from './session-registry.js';

/**
 * The answer to a session that may not open: 503 when every slot is taken, 429 when this caller
 * holds its share (transport.sessions.maxPerCaller), so one caller cannot starve the others.
 */
export function sessionRefusal(room: Exclude<Room, 'ok'>, maxPerCaller: number, metrics: Metrics): Response {
  if (room === 'full') {
    metrics.rejected.inc({ reason: 'session_limit' });
    return jsonRpcError(503, SERVER_ERROR, 'Too many sessions; try again later', { 'Retry-After': '5' });
  }
  metrics.rejected.inc({ reason: 'caller_session_limit' });
  const message = `Too many sessions for this caller: the limit is transport.sessions.maxPerCaller (${maxPerCaller}); close one or try again later`;
  return jsonRpcError(429, SERVER_ERROR, message, { 'Retry-After': '5' });
}
