import type { ServerResponse } from 'node:http';

/** The JSON-RPC error body MCP clients expect on any endpoint. */
export function jsonRpcErrorBody(code: number, message: string, id: string | number | null = null, data?: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', error: { code, message, ...(data === undefined ? {} : { data }) }, id });
}

/** An HTTP error answer with a JSON-RPC error body, the shape MCP clients expect on any endpoint. */
export function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}, id: string | number | null = null): Response {
  return new Response(jsonRpcErrorBody(code, message, id), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** jsonRpcError, written to a Node response (nothing is written once the response has started). */
export function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}, id: string | number | null = null): void {
  sendJson(res, status, jsonRpcErrorBody(code, message, id), headers);
}

/** A whole JSON answer in one write. */
export function sendJson(res: ServerResponse, status: number, json: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  // with a length (not chunked), Node writes the head and body in one piece
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json), ...headers });
  res.end(json);
}

/** A refusal before any handler ran (403, 401, 429, 503...): Hono answers it as a Response, the MCP lane on Node's response. */
export interface Refusal {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

export const refusalResponse = (refusal: Refusal) => jsonRpcError(refusal.status, SERVER_ERROR, refusal.message, refusal.headers);

export const sendRefusal = (res: ServerResponse, refusal: Refusal) => sendJsonRpcError(res, refusal.status, SERVER_ERROR, refusal.message, refusal.headers);

/** No response started within transport.requestTimeoutSeconds (on either path). */
export const requestTimedOut = (seconds: number): Refusal => ({ status: 504, message: `Request timed out after ${seconds} s` });

// JSON-RPC 2.0's own codes (the SDK exports them too; this module stays free of it: stdio answers before the SDK loads)
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
/** Implementation-defined server error (transport-level refusals). */
export const SERVER_ERROR = -32000;
export const SESSION_NOT_FOUND = -32001;
