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
