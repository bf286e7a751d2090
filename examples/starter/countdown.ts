/** TypeScript with zod from the kit: progress notifications, cancellation and storage. */
export default ({ z }: { z: typeof import('zod').z }) => ({
  name: 'countdown',
  title: 'Count down',
  description: 'Count down from a number, one step per 100 ms, reporting progress; remembers the last finished countdown.',
  input: { from: z.number().int().min(1).max(50).default(5).describe('Number to count down from.') },
  async run({ from }: { from: number }, ctx: any) {
    for (let left = from; left > 0; left--) {
      if (ctx.signal.aborted) return 'Cancelled.';
      await ctx.progress(from - left + 1, from, `${left}…`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const previous = await ctx.storage.collection('countdown').get('last');
    await ctx.storage.collection('countdown').put('last', { from, at: new Date().toISOString() });
    return `Lift-off from ${from}!${previous ? ` (last time from ${(previous.data as { from: number }).from})` : ''}`;
  },
});
