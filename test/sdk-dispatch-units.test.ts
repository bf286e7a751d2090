import { InMemoryTransport } from '@modelcontextprotocol/client';
import { McpServer, ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { checkToolsCallDispatch, dispatchProblem, wrapToolsCall } from '../src/server/tools-call-dispatch.js';
import { ERAS, newClient, textOf } from './helpers/stdio-server.js';

/**
 * Tasks and the requestState guard replace the SDK's private tools/call dispatch entry. These tests
 * fail when an SDK upgrade changes it: update src/server/tools-call-dispatch.ts (the one file that
 * touches it) before anything else.
 */
describe("the SDK's tools/call dispatch (src/server/tools-call-dispatch.ts)", () => {
  it('has the shape mcp-server patches, in the installed SDK (start-up would refuse otherwise)', () => {
    assert.doesNotThrow(() => checkToolsCallDispatch());
    assert.equal(dispatchProblem(new McpServer({ name: 't', version: '1' }, { capabilities: { tools: {} } })), undefined);
  });

  for (const era of ERAS) {
    it(`puts the wrapper in front of every tools/call, ahead of the SDK's result shaping (${era} client)`, async () => {
      const seen: string[] = [];
      const serve = () => {
        const server = new McpServer({ name: 't', version: '1' }, { capabilities: { tools: {} } });
        server.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, ({ text }) => ({ content: [{ type: 'text', text }] }));
        server.registerTool('refuse_inside', { inputSchema: z.object({}) }, () => {
          throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'refused inside the tool');
        });
        wrapToolsCall(server, (next) => async (message, ctx) => {
          const name = (message.params as { name: string }).name;
          seen.push(name);
          if (name === 'refuse_outside') throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'refused by the wrapper');
          return next(message, ctx);
        });
        return server;
      };
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      // the entry that serves both eras over one connection, as stdio and mcp-server/testing do
      const handle = serveStdio(serve, { transport: serverSide });
      const client = newClient(era);
      await client.connect(clientSide);
      try {
        assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'hi' } })), 'hi', 'the SDK handler runs behind the wrapper');
        // thrown inside the SDK's handler, an error becomes an isError result; thrown in front of it, a JSON-RPC error
        assert.equal((await client.callTool({ name: 'refuse_inside', arguments: {} })).isError, true);
        await assert.rejects(
          client.callTool({ name: 'refuse_outside', arguments: {} }),
          (error: Error & { code?: number }) => error.code === ProtocolErrorCode.InvalidParams && /refused by the wrapper/.test(error.message),
        );
        assert.deepEqual(seen, ['echo', 'refuse_inside', 'refuse_outside']);
      } finally {
        await client.close();
        await handle.close();
      }
    });
  }

  it('refuses loudly, naming the private field and the SDK version, when the dispatch table is not there', () => {
    const changed = { server: {} } as unknown as McpServer;
    assert.match(dispatchProblem(changed)!, /has no _requestHandlers Map .*written against @modelcontextprotocol\/server 2\.4\.0/);
    assert.throws(() => wrapToolsCall(changed, (next) => next), /_requestHandlers/);
  });
});
