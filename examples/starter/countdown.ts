/** TypeScript with zod and defineTool from the kit: progress notifications, cancellation and storage. */
import type { ModuleKit } from 'mcp-server/module';

export default ({ z, defineTool }: ModuleKit) =>
  defineTool({
    name: 'countdown',
    title: 'Count down',
    description: 'Count down from a number, one step per 100 ms, reporting progress; remembers the last finished countdown.',
    input: { from: z.number().int().min(1).max(50).default(5).describe('Number to count down from.') },
    async run({ from }, ctx) {
      for (let left = from; left > 0; left--) {
        if (ctx.signal.aborted) return 'Cancelled.';
        await ctx.progress(from - left + 1, from, `${left}…`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const last = ctx.storage.collection<{ from: number; at: string }>('countdown');
      const previous = await last.get('last');
      await last.put('last', { from, at: new Date().toISOString() });
      return `Lift-off from ${from}!${previous ? ` (last time from ${previous.data.from})` : ''}`;
    },
  });
