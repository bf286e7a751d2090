import type { JSONRPCMessage, RequestId, Transport } from '@modelcontextprotocol/server';

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
 * Makes `wire` keep the gap: an answer to a request that has sent progress waits until
 * ANSWER_GAP_MS after the last one, whoever answers it (the SDK's dispatch, or a fast path sending
 * through the same transport).
 */
export function gapAnswers(wire: Transport): void {
  let progressAt: Map<RequestId, number> | undefined; // made on the first progress: most connections never send any
  /** The wait before `message` may go out, if it must wait. */
  const gapBefore = (message: JSONRPCMessage, relatedRequestId: RequestId | undefined): Promise<void> | undefined => {
    if ('method' in message) {
      if (message.method !== 'notifications/progress' || relatedRequestId === undefined) return undefined;
      progressAt ??= new Map();
      if (progressAt.size >= PRUNE_AT) forgetPast(progressAt);
      progressAt.set(relatedRequestId, performance.now());
      return undefined;
    }
    const sentAt = progressAt?.size && 'id' in message && message.id !== undefined ? progressAt.get(message.id) : undefined;
    if (sentAt === undefined) return undefined;
    progressAt!.delete((message as { id: RequestId }).id);
    return afterAnswerGap(sentAt);
  };
  const send = wire.send.bind(wire);
  wire.send = (message, options) => {
    const wait = gapBefore(message, options?.relatedRequestId);
    return wait ? wait.then(() => send(message, options)) : send(message, options);
  };
}

/** Requests that sent progress and were never answered (cancelled) are forgotten once this many wait. */
const PRUNE_AT = 64;

function forgetPast(progressAt: Map<RequestId, number>): void {
  const now = performance.now();
  for (const [id, sentAt] of progressAt) if (now - sentAt >= ANSWER_GAP_MS) progressAt.delete(id);
}
