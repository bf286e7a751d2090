import { isInputRequiredResult, type CallToolResult, type GetPromptResult, type InputRequiredResult, type ReadResourceResult } from '@modelcontextprotocol/server';
import type { PromptMessage, ResourceReadReturn } from '../modules/types.js';

const CONTENT_TYPES = new Set(['text', 'image', 'audio', 'resource', 'resource_link']);

const isContentBlock = (value: unknown): boolean => typeof value === 'object' && value !== null && CONTENT_TYPES.has((value as { type?: unknown }).type as string);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Turns whatever a tool's run returned into an MCP tool result (see ToolReturn in the module contract). */
export function toToolResult(value: unknown, hasOutputSchema: boolean): CallToolResult | InputRequiredResult {
  if (isInputRequiredResult(value)) return value;
  if (value === undefined || value === null) return { content: [] };
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (Array.isArray(value) && value.length > 0 && value.every(isContentBlock)) return { content: value as CallToolResult['content'] };
  if (isRecord(value) && Array.isArray(value.content)) return value as CallToolResult;
  const text = JSON.stringify(value, null, 2);
  if (hasOutputSchema && isRecord(value)) return { content: [{ type: 'text', text }], structuredContent: value };
  return { content: [{ type: 'text', text }] };
}

export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

export function toResourceResult(uri: URL, value: ResourceReadReturn, mimeType: string | undefined): ReadResourceResult {
  const href = uri.href;
  if (typeof value === 'string') return { contents: [{ uri: href, mimeType: mimeType ?? 'text/plain', text: value }] };
  if (value instanceof Uint8Array) {
    return { contents: [{ uri: href, mimeType: mimeType ?? 'application/octet-stream', blob: Buffer.from(value).toString('base64') }] };
  }
  if (Array.isArray(value)) return { contents: value as ReadResourceResult['contents'] };
  if ('blob' in value) return { contents: [{ uri: href, mimeType: value.mimeType ?? mimeType ?? 'application/octet-stream', blob: value.blob }] };
  return { contents: [{ uri: href, mimeType: value.mimeType ?? mimeType ?? 'text/plain', text: value.text }] };
}

type PromptReturn = string | PromptMessage[] | { description?: string; messages: PromptMessage[] };

export function toPromptResult(value: PromptReturn): GetPromptResult {
  if (typeof value === 'string') return { messages: [{ role: 'user', content: { type: 'text', text: value } }] };
  if (Array.isArray(value)) return { messages: value as GetPromptResult['messages'] };
  return value as GetPromptResult;
}
