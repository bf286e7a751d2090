// `npm test` (node --test): the modules in this directory, served in-process by the real server on
// throwaway storage and called through a real MCP client. No process, no port, no data left behind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testServer } from 'mcp-server/testing';

const here = new URL('.', import.meta.url);

/** A fresh server (and empty storage) for one test, closed when it ends. */
async function serve(t) {
  const server = await testServer({ tools: here, config: new URL('config.yaml', here) });
  t.after(() => server.close());
  return server;
}

test('greet greets, counting in storage', async (t) => {
  const { client } = await serve(t);
  const first = await client.callTool({ name: 'greet', arguments: { name: 'Ada' } });
  assert.deepEqual(first.structuredContent, { greeting: 'Hello, Ada.', times: 1 });
  const second = await client.callTool({ name: 'greet', arguments: { name: 'Ada', excited: true } });
  assert.deepEqual(second.structuredContent, { greeting: 'Hello, Ada!', times: 2 });
});

test('greet refuses input that does not match its schema', async (t) => {
  const { client } = await serve(t);
  const result = await client.callTool({ name: 'greet', arguments: { name: '' } });
  assert.equal(result.isError, true);
  assert.match(result.content[0].text, /Input validation error/);
});

test('the about resource counts the people greeted', async (t) => {
  const { client, storage } = await serve(t);
  await storage.collection('greetings').put('Ada', { times: 3 });
  await storage.collection('greetings').put('Grace', { times: 1 });
  const { contents } = await client.readResource({ uri: 'about://greetings' });
  assert.match(contents[0].text, /2 people have been greeted/);
});

test('the welcome prompt fills in its arguments and completes team names', async (t) => {
  const { client } = await serve(t);
  const prompt = await client.getPrompt({ name: 'welcome', arguments: { name: 'Grace', team: 'design' } });
  assert.match(prompt.messages[0].content.text, /Grace, who joins the design team/);
  const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'welcome' }, argument: { name: 'team', value: 'e' } });
  assert.deepEqual(completion.completion.values, ['engineering']);
});
