/**
 * A definition whose calls another MCP server answers (an upstream, src/upstreams): it sits in the
 * registry like any module definition, but a call goes to `forward` with the caller as the protocol
 * sees it, and what comes back is served as is (content, structuredContent, isError, _meta).
 * Plain JSON shapes only here: the server side (src/server) builds the Caller from its SDK request
 * context, the upstream side (src/upstreams) speaks to the other server with the SDK client.
 */

export type JsonObject = Record<string, unknown>;

/** A multi-round-trip answer (2026-07-28): the client must fulfil `inputRequests` and call again. */
export interface InputRequiredAnswer {
  resultType: 'input_required';
  inputRequests?: Record<string, { method: string; params?: JsonObject }>;
  requestState?: string;
}

/** Who made a request, and what the protocol lets us send back to them while it runs. */
export interface Caller {
  /** A stable name for the caller (the API key's label, or 'anonymous'): multi-round-trip state is bound to it. */
  readonly identity: string;
  /**
   * One long-lived connection (a stdio client, a 2025 session) or one 2026 request: requests an
   * upstream makes during a call are only sent to the connection that made it.
   */
  readonly connection: unknown;
  readonly era: 'modern' | 'legacy';
  /** What the client declared it can do (sampling, elicitation, roots), when known. */
  readonly capabilities: JsonObject | undefined;
  /** Aborts when the client cancels the request (or the connection closes). */
  readonly signal: AbortSignal;
  /** Whether the client asked for progress (sent a progress token). */
  readonly wantsProgress: boolean;
  progress(progress: number, total?: number, message?: string): void;
  /** A notifications/message for the client, related to the request (the client's log level applies). */
  log(params: JsonObject): void;
  /** 2025 connections: a request to the client (sampling/createMessage, elicitation/create, roots/list). */
  request(method: string, params: JsonObject | undefined, signal: AbortSignal): Promise<JsonObject>;
  /** This round's multi-round-trip answers (2026-07-28 retries), as the client sent them. */
  readonly inputResponses: Record<string, unknown> | undefined;
  /** This round's requestState, verified (the value minted earlier), if any. */
  readonly state: unknown;
  /** Signs a value as requestState for the next round. */
  mintState(value: unknown): Promise<string>;
}

/** Answers one request (tools/call arguments, resources/read uri, prompts/get arguments) for `caller`. */
export type Forward = (params: JsonObject, caller: Caller) => Promise<JsonObject | InputRequiredAnswer>;

/** How a forwarded definition is served: where calls go, and what else its listing carries. */
export interface Forwarded {
  /** The upstream's name (for logs and metrics). */
  readonly upstream: string;
  readonly call: Forward;
  /** Listing fields the module contract has no place for (icons, _meta, annotations of resources, size...), passed through. */
  readonly listing: JsonObject;
}
