const PREFIX = 'mcp-server:replay:';
let count = 0;

/**
 * An id for a request the server gets again after it was answered ahead of it (an `initialize`
 * answered from the config): its answer goes nowhere, and the metrics counted the request when it
 * was answered, not again.
 */
export const replayId = (): string => `${PREFIX}${++count}`;

export const isReplayId = (id: unknown): id is string => typeof id === 'string' && id.startsWith(PREFIX);
