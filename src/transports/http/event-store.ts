import type { EventId, JSONRPCMessage, StreamId } from '@modelcontextprotocol/server';
import { LazyQueue } from './lazy-queue.js';

export interface EventStoreLimits {
  maxEventsPerStream: number;
  maxStreams: number;
  maxBytesPerSession: number;
  maxBytesTotal: number;
}

/**
 * One session's part of the store (what its transport writes and replays). Storing is synchronous, so
 * events are stored and written in the order they are sent.
 */
export interface SessionEventLog {
  storeEvent(streamId: StreamId, message: JSONRPCMessage): EventId;
  /** The stream an event id belongs to, if this session wrote it and can still replay from it. */
  getStreamIdForEventId(eventId: EventId): StreamId | undefined;
  replayEventsAfter(lastEventId: EventId, handlers: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> }): Promise<StreamId>;
  dispose(): void;
}

/** One stored event; `json` is undefined once it was evicted. */
interface Entry {
  log: StreamLog;
  seq: number;
  json: string | undefined;
  bytes: number;
}

/** One SSE stream of one session: its retained events are exactly those after `evictedThrough`. */
interface StreamLog {
  id: StreamId;
  session: SessionEvents;
  next: number;
  events: Entry[];
  evictedThrough: number;
}

interface SessionEvents {
  bytes: number;
  streams: Map<StreamId, StreamLog>;
  /** This session's events, oldest first (for its byte cap). */
  queue: LazyQueue<Entry>;
}

const live = (entry: Entry) => entry.json !== undefined;

/**
 * In-memory SSE event log for Last-Event-ID replay, bounded in count and in bytes: each stream
 * keeps its newest `maxEventsPerStream` events, each session its newest `maxBytesPerSession`
 * bytes and all sessions together their newest `maxBytesTotal` bytes (oldest events go first), and
 * at most `maxStreams` streams are remembered (least recently written dropped first). A replay
 * that would skip an evicted event is refused rather than silently leaving a gap. Streams belong to
 * one session (the SDK names every session's standalone GET stream alike); event ids are
 * `<streamId>::<seq>`.
 */
export class BoundedEventStore {
  private bytes = 0;
  /** Every stream, least recently written first. */
  private readonly streams = new Set<StreamLog>();
  /** Every event, oldest first (for the total byte cap). */
  private readonly queue = new LazyQueue<Entry>(live);

  constructor(private readonly limits: EventStoreLimits) {}

  /** Bytes held, all sessions together. */
  get size(): number {
    return this.bytes;
  }

  /** Streams remembered, all sessions together. */
  get streamCount(): number {
    return this.streams.size;
  }

  /** A session's view: it stores, finds and replays only its own streams; `dispose()` forgets them. */
  view(): SessionEventLog {
    const session: SessionEvents = { bytes: 0, streams: new Map(), queue: new LazyQueue<Entry>(live) };
    return {
      storeEvent: (streamId, message) => this.store(session, streamId, message),
      getStreamIdForEventId: (eventId) => replayable(session, eventId)?.log.id,
      replayEventsAfter: async (lastEventId, { send }) => {
        const from = replayable(session, lastEventId);
        if (!from) throw new Error('Unknown or expired Last-Event-ID');
        for (const entry of from.log.events.filter((e) => e.seq > from.seq)) await send(`${from.log.id}::${entry.seq}`, JSON.parse(entry.json!) as JSONRPCMessage);
        return from.log.id;
      },
      dispose: () => {
        for (const log of session.streams.values()) this.dropStream(log);
      },
    };
  }

  private store(session: SessionEvents, streamId: StreamId, message: JSONRPCMessage): EventId {
    let log = session.streams.get(streamId);
    if (log) this.streams.delete(log);
    else session.streams.set(streamId, (log = { id: streamId, session, next: 1, events: [], evictedThrough: 0 }));
    this.streams.add(log); // re-insert: Set order is least recently written first

    const json = JSON.stringify(message);
    const entry: Entry = { log, seq: log.next++, json, bytes: Buffer.byteLength(json) };
    log.events.push(entry);
    session.queue.push(entry);
    this.queue.push(entry);
    session.bytes += entry.bytes;
    this.bytes += entry.bytes;

    while (log.events.length > this.limits.maxEventsPerStream) this.evict(log.events[0]!);
    while (session.bytes > this.limits.maxBytesPerSession) this.evict(session.queue.shift()!);
    while (this.bytes > this.limits.maxBytesTotal) this.evict(this.queue.shift()!);
    while (this.streams.size > this.limits.maxStreams) this.dropStream(this.streams.values().next().value!);
    return `${streamId}::${entry.seq}`;
  }

  /** Evicts the oldest retained event of its stream (the oldest of a session or of all is one). */
  private evict(entry: Entry): void {
    const { log } = entry;
    log.events.shift();
    log.evictedThrough = entry.seq;
    this.release(entry);
  }

  private dropStream(log: StreamLog): void {
    for (const entry of log.events) this.release(entry);
    log.events = [];
    log.session.streams.delete(log.id);
    this.streams.delete(log);
  }

  private release(entry: Entry): void {
    entry.json = undefined;
    entry.log.session.bytes -= entry.bytes;
    this.bytes -= entry.bytes;
  }
}

/** The stream and position a Last-Event-ID names, if every event after it is still held. */
function replayable(session: SessionEvents, eventId: EventId): { log: StreamLog; seq: number } | undefined {
  const at = eventId.lastIndexOf('::');
  if (at <= 0) return undefined;
  const seq = Number(eventId.slice(at + 2));
  const log = session.streams.get(eventId.slice(0, at));
  if (!log || !Number.isSafeInteger(seq) || seq < log.evictedThrough || seq >= log.next) return undefined;
  return { log, seq };
}
