import type { JSONRPCMessage, McpServer, RequestId, Transport } from '@modelcontextprotocol/server';

/**
 * A gap between a call's last progress notification and its answer: an SDK client reads a response
 * at once but a notification a microtask later, so progress that arrives in the same read as the
 * response is dropped (the call's progress handler is gone by then). Sent back to back, they would
 * often share one read.
 */
const ANSWER_GAP_MS = 15;

/** Resolves once the gap since a notification sent at `sentAt` (performance.now()) has passed. */
export async function afterAnswerGap(sentAt: number): Promise<void> {
  const wait = ANSWER_GAP_MS - (performance.now() - sentAt);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/**
 * Makes every transport `server` connects to keep the gap: an answer to a request that has sent
 * progress waits until ANSWER_GAP_MS after the last one, whoever answers it (the SDK's dispatch or
 * a fast path sending through the same transport).
 */
export function keepAnswerGaps(server: McpServer): void {
  const connect = server.connect.bind(server);
  server.connect = (wire: Transport) => {
    gapAnswers(wire);
    return connect(wire);
  };
}

function gapAnswers(wire: Transport): void {
  const progressAt = new Map<RequestId, number>();
  const send = wire.send.bind(wire);
  wire.send = async (message: JSONRPCMessage, options) => {
    if ('method' in message) {
      if (message.method === 'notifications/progress' && options?.relatedRequestId !== undefined) {
        if (progressAt.size >= PRUNE_AT) forgetPast(progressAt);
        progressAt.set(options.relatedRequestId, performance.now());
      }
    } else if (progressAt.size > 0 && 'id' in message && message.id !== undefined) {
      const sentAt = progressAt.get(message.id);
      if (sentAt !== undefined) {
        progressAt.delete(message.id);
        await afterAnswerGap(sentAt);
      }
    }
    return send(message, options);
  };
}

/** Requests that sent progress and were never answered (cancelled) are forgotten once this many wait. */
const PRUNE_AT = 64;

function forgetPast(progressAt: Map<RequestId, number>): void {
  const now = performance.now();
  for (const [id, sentAt] of progressAt) if (now - sentAt >= ANSWER_GAP_MS) progressAt.delete(id);
}
