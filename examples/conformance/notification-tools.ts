/** Conformance fixtures: tools that talk to the client while they run. */
import type { ModuleContext } from 'mcp-server/module';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default [
  {
    name: 'test_tool_with_logging',
    description: 'Sends three info log notifications while it runs',
    input: { type: 'object', properties: {} },
    async run(_args: unknown, ctx: ModuleContext) {
      ctx.log.info('Tool execution started');
      await sleep(50);
      ctx.log.info('Tool processing data');
      await sleep(50);
      ctx.log.info('Tool execution completed');
      return 'Tool with logging executed successfully';
    },
  },
  {
    name: 'test_tool_with_progress',
    description: 'Reports progress 0, 50 and 100 of 100',
    input: { type: 'object', properties: {} },
    async run(_args: unknown, ctx: ModuleContext) {
      for (const done of [0, 50, 100]) {
        await ctx.progress(done, 100, `Completed step ${done} of 100`);
        if (done !== 100) await sleep(50);
      }
      return 'Progress reported';
    },
  },
  {
    name: 'test_reconnection',
    description: 'Closes its SSE stream mid-call; the result reaches the client after it reconnects with Last-Event-ID',
    input: { type: 'object', properties: {} },
    async run(_args: unknown, ctx: ModuleContext) {
      ctx.closeStream();
      await sleep(100);
      return 'Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.';
    },
  },
];
