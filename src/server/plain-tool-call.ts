import type { CallToolResult, RequestId } from '@modelcontextprotocol/server';

/** A tools/call that asks for nothing but the call: no task, no request state, no envelope. */
export interface PlainToolCall {
  id: RequestId;
  name: string;
  arguments: Record<string, unknown> | undefined;
  /** The request's `_meta` when it carries only a progress token. */
  meta: { progressToken: string | number } | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const onlyKeys = (value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean => {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
};

const CALL_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const PARAM_KEYS = new Set(['name', 'arguments', '_meta']);
const META_KEYS = new Set(['progressToken']);

/** A request id or progress token as the SDK's schemas take them: a string, or an integer. */
export const isIdLike = (value: unknown): value is string | number => typeof value === 'string' || Number.isSafeInteger(value);

/**
 * The call `message` makes when it is a well-formed 2025-era tools/call with nothing beyond a name,
 * arguments and a progress token; undefined for anything else (which the SDK then serves in full).
 * What it accepts is a valid JSON-RPC request by the SDK's own schema, which need not check it again.
 */
export function plainToolCall(message: unknown): PlainToolCall | undefined {
  if (!isRecord(message) || message.method !== 'tools/call' || message.jsonrpc !== '2.0' || !onlyKeys(message, CALL_KEYS)) return undefined;
  const { id, params } = message;
  if (!isIdLike(id) || !isRecord(params) || !onlyKeys(params, PARAM_KEYS)) return undefined;
  if (typeof params.name !== 'string') return undefined;
  if (params.arguments !== undefined && !isRecord(params.arguments)) return undefined;
  const meta = params._meta;
  if (meta !== undefined) {
    if (!isRecord(meta) || !onlyKeys(meta, META_KEYS)) return undefined;
    if (!isIdLike(meta.progressToken)) return undefined;
  }
  return { id, name: params.name, arguments: params.arguments as Record<string, unknown> | undefined, meta: meta as PlainToolCall['meta'] };
}

/** The request a notifications/cancelled names and why, or undefined when `message` is not one. */
export function cancelledRequest(message: unknown): { id: RequestId; reason: unknown } | undefined {
  if (!isRecord(message) || message.method !== 'notifications/cancelled' || !isRecord(message.params)) return undefined;
  const { requestId, reason } = message.params;
  return typeof requestId === 'string' || typeof requestId === 'number' ? { id: requestId, reason } : undefined;
}

/**
 * Whether a tool result is made only of text blocks (what a string, a JSON value or an error
 * becomes), the shape every protocol revision accepts as it is, with nothing to check or project.
 */
export function isPlainTextResult(result: CallToolResult): boolean {
  for (const key in result) if (key !== 'content' && key !== 'isError') return false;
  if (!Array.isArray(result.content)) return false;
  for (const block of result.content as unknown[]) {
    if (!isRecord(block) || block.type !== 'text' || typeof block.text !== 'string') return false;
    for (const key in block) if (key !== 'type' && key !== 'text') return false;
  }
  return result.isError === undefined || result.isError === true;
}
