import type { EventId, EventStore, JSONRPCMessage, StreamId } from '@modelcontextprotocol/server';

export interface EventStoreLimits {
  maxEventsPerStream: number;
  maxStreams: number;
}

interface StreamLog {
  next: number;
  events: Array<{ seq: number; message: JSONRPCMessage }>;
}

/**
 * In-memory SSE event log for Last-Event-ID replay, bounded two ways: each stream keeps its newest
 * `maxEventsPerStream` events, and at most `maxStreams` streams are kept in all (least recently
 * written dropped first). Event ids are `<streamId>::<seq>`, so a replay needs no global index.
 */
export class BoundedEventStore {
  private readonly streams = new Map<StreamId, StreamLog>();

  constructor(private readonly limits: EventStoreLimits) {}

  get streamCount(): number {
    return this.streams.size;
  }

  store(streamId: StreamId, message: JSONRPCMessage): EventId {
    let log = this.streams.get(streamId);
    if (log) this.streams.delete(streamId);
    else log = { next: 1, events: [] };
    this.streams.set(streamId, log); // re-insert: Map order is least recently written first
    while (this.streams.size > this.limits.maxStreams) this.streams.delete(this.streams.keys().next().value as StreamId);
    const seq = log.next++;
    log.events.push({ seq, message });
    if (log.events.length > this.limits.maxEventsPerStream) log.events.splice(0, log.events.length - this.limits.maxEventsPerStream);
    return `${streamId}::${seq}`;
  }

  streamOf(eventId: EventId): StreamId | undefined {
    const parsed = parseEventId(eventId);
    return parsed && this.streams.has(parsed.streamId) ? parsed.streamId : undefined;
  }

  async replayAfter(eventId: EventId, send: (eventId: EventId, message: JSONRPCMessage) => Promise<void>): Promise<StreamId> {
    const parsed = parseEventId(eventId);
    const log = parsed && this.streams.get(parsed.streamId);
    if (!parsed || !log) throw new Error('Unknown or expired Last-Event-ID');
    for (const event of log.events.filter((e) => e.seq > parsed.seq)) await send(`${parsed.streamId}::${event.seq}`, event.message);
    return parsed.streamId;
  }

  drop(streamIds: Iterable<StreamId>): void {
    for (const id of streamIds) this.streams.delete(id);
  }

  /**
   * A per-session view: it replays only streams that session wrote (a Last-Event-ID from another
   * session is refused), and `dispose()` forgets them when the session ends.
   */
  view(): EventStore & { dispose(): void } {
    const owned = new Set<StreamId>();
    return {
      storeEvent: async (streamId, message) => {
        owned.add(streamId);
        if (owned.size > this.limits.maxStreams) for (const id of owned) if (!this.streams.has(id) && id !== streamId) owned.delete(id);
        return this.store(streamId, message);
      },
      getStreamIdForEventId: async (eventId) => {
        const streamId = this.streamOf(eventId);
        return streamId !== undefined && owned.has(streamId) ? streamId : undefined;
      },
      replayEventsAfter: async (lastEventId, { send }) => {
        const streamId = parseEventId(lastEventId)?.streamId;
        if (streamId === undefined || !owned.has(streamId)) throw new Error('Unknown or expired Last-Event-ID');
        return this.replayAfter(lastEventId, send);
      },
      dispose: () => {
        this.drop(owned);
        owned.clear();
      },
    };
  }
}

function parseEventId(eventId: EventId): { streamId: StreamId; seq: number } | undefined {
  const at = eventId.lastIndexOf('::');
  if (at <= 0) return undefined;
  const seq = Number(eventId.slice(at + 2));
  return Number.isSafeInteger(seq) && seq > 0 ? { streamId: eventId.slice(0, at), seq } : undefined;
}
