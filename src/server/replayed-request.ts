import type { JSONRPCMessage } from '@modelcontextprotocol/server';

const PREFIX = 'mcp-server:replay:';
let count = 0;

/**
 * A request the server gets again after it was answered ahead of it (an `initialize` answered
 * from the config) goes to it under an id of its own: its answer goes to whoever replayed it, not
 * to the client, and the metrics counted the request when it was answered, not again.
 */
export const isReplayId = (id: unknown): id is string => typeof id === 'string' && id.startsWith(PREFIX);

/** The replays of one connection, each with who takes its answer. */
export class Replays {
  private readonly takers = new Map<string, (answer: JSONRPCMessage) => void>();

  /** The id to hand a request to the server again under; the server's answer goes to `onAnswer`. */
  add(onAnswer: (answer: JSONRPCMessage) => void): string {
    const id = `${PREFIX}${++count}`;
    this.takers.set(id, onAnswer);
    return id;
  }

  /** Whether `message` is the server's answer to a replay: then its taker has it, and it goes no further. */
  take(message: JSONRPCMessage): boolean {
    if ('method' in message || !('id' in message) || !isReplayId(message.id)) return false;
    const onAnswer = this.takers.get(message.id);
    if (!onAnswer) return false;
    this.takers.delete(message.id);
    onAnswer(message);
    return true;
  }
}
