import type { ServerResponse } from 'node:http';

/** What an SSE stream reports when its client has left too much unread: the bytes waiting. */
export type OnUnreadOverflow = (unreadBytes: number) => void;

export const UNREAD_OVERFLOW = 'the client left more than transport.maxUnreadStreamBytes unread';

/**
 * A Streamable HTTP SSE body whose unread bytes are bounded. The SDK queues events without regard
 * for backpressure, so the body is drained as it is produced into a queue of our own, which the
 * HTTP response reads at the client's pace. When a new chunk arrives while more than `maxBytes`
 * still wait, the stream fails (the connection is closed, the queue freed) and `onOverflow` is told.
 * A single event larger than the limit still goes through to a client that keeps up.
 */
export function limitUnread(body: ReadableStream<Uint8Array>, maxBytes: number, onOverflow: OnUnreadOverflow): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const drain = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        const unread = maxBytes - (controller.desiredSize ?? maxBytes);
        if (unread > maxBytes) {
          onOverflow(unread);
          controller.error(new Error(UNREAD_OVERFLOW));
          return void (await reader.cancel(UNREAD_OVERFLOW));
        }
        controller.enqueue(value);
      }
    } catch {
      // the response was cancelled (client gone) or the source failed: nothing left to move
      await reader.cancel().catch(() => undefined);
    }
  };
  return new ReadableStream<Uint8Array>(
    {
      start: (controller) => void drain(controller),
      cancel: (reason) => reader.cancel(reason),
    },
    new ByteLengthQueuingStrategy({ highWaterMark: maxBytes }),
  );
}

/** The same bound for a response written directly (legacy SSE): call before each write. */
export function unreadOverflow(res: ServerResponse, maxBytes: number, onOverflow: OnUnreadOverflow): boolean {
  if (res.writableLength <= maxBytes) return false;
  onOverflow(res.writableLength);
  res.destroy(new Error(UNREAD_OVERFLOW)); // end() would keep the unread bytes until they drain
  return true;
}
