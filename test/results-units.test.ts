import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inputRequired } from '@modelcontextprotocol/server';
import { toolError, toPromptResult, toResourceResult, toToolResult } from '../src/server/results.js';

/** How what a handler returns becomes an MCP result (ToolReturn, ResourceReadReturn, PromptReturn), in-process. */
describe('tool results', () => {
  it('text, content blocks, nothing', () => {
    assert.deepEqual(toToolResult('hi', false), { content: [{ type: 'text', text: 'hi' }] });
    const blocks = [
      { type: 'text', text: 'a' },
      { type: 'image', data: 'AA==', mimeType: 'image/png' },
    ];
    assert.deepEqual(toToolResult(blocks, false), { content: blocks });
    assert.deepEqual(toToolResult(undefined, false), { content: [] });
    assert.deepEqual(toToolResult(null, true), { content: [] });
  });

  it('a full result passes through; an input request is not touched', () => {
    const full = { content: [{ type: 'text', text: 'x' }], structuredContent: { a: 1 }, isError: false };
    assert.equal(toToolResult(full, true), full);
    const ask = inputRequired({ inputRequests: { name: inputRequired.elicit({ message: 'Name?', requestedSchema: { type: 'object', properties: { n: { type: 'string' } } } }) } });
    assert.equal(toToolResult(ask, false), ask);
  });

  it('other JSON: structured content with an output schema, JSON text without', () => {
    assert.deepEqual(toToolResult({ sum: 3 }, true), { content: [{ type: 'text', text: '{\n  "sum": 3\n}' }], structuredContent: { sum: 3 } });
    assert.deepEqual(toToolResult({ sum: 3 }, false), { content: [{ type: 'text', text: '{\n  "sum": 3\n}' }] });
    assert.deepEqual(toToolResult([1, 2], true), { content: [{ type: 'text', text: '[\n  1,\n  2\n]' }] }, 'an array is never structured content');
    assert.deepEqual(toToolResult([], false), { content: [{ type: 'text', text: '[]' }] }, 'an empty array is JSON, not an empty content list');
    assert.deepEqual(toToolResult(42, false), { content: [{ type: 'text', text: '42' }] });
  });

  it('an error result carries the message', () => {
    assert.deepEqual(toolError('boom'), { content: [{ type: 'text', text: 'boom' }], isError: true });
  });
});

describe('resource results', () => {
  const uri = new URL('notes://1');
  it('text and bytes take the declared MIME type or a default', () => {
    assert.deepEqual(toResourceResult(uri, '# hi', 'text/markdown'), { contents: [{ uri: 'notes://1', mimeType: 'text/markdown', text: '# hi' }] });
    assert.deepEqual(toResourceResult(uri, 'plain', undefined), { contents: [{ uri: 'notes://1', mimeType: 'text/plain', text: 'plain' }] });
    assert.deepEqual(toResourceResult(uri, new Uint8Array([1, 2, 3]), undefined), { contents: [{ uri: 'notes://1', mimeType: 'application/octet-stream', blob: 'AQID' }] });
  });

  it('objects choose their own MIME type; a list is passed as the contents', () => {
    assert.deepEqual(toResourceResult(uri, { text: '{}', mimeType: 'application/json' }, 'text/plain'), { contents: [{ uri: 'notes://1', mimeType: 'application/json', text: '{}' }] });
    assert.deepEqual(toResourceResult(uri, { blob: 'AQID' }, 'image/png'), { contents: [{ uri: 'notes://1', mimeType: 'image/png', blob: 'AQID' }] });
    const list = [
      { uri: 'notes://1/a', text: 'a' },
      { uri: 'notes://1/b', blob: 'AA==' },
    ];
    assert.deepEqual(toResourceResult(uri, list, undefined), { contents: list });
  });
});

describe('prompt results', () => {
  it('a string is one user message; a list or { description, messages } as given', () => {
    assert.deepEqual(toPromptResult('Write a haiku'), { messages: [{ role: 'user', content: { type: 'text', text: 'Write a haiku' } }] });
    const messages = [{ role: 'assistant' as const, content: { type: 'text' as const, text: 'Sure.' } }];
    assert.deepEqual(toPromptResult(messages), { messages });
    assert.deepEqual(toPromptResult({ description: 'd', messages }), { description: 'd', messages });
  });
});
