/** A tool: typed input, structured output, storage, and this module's config section (modules.greet). */
import type { ModuleKit } from 'mcp-server/module';

export default ({ z, defineTool }: ModuleKit) =>
  defineTool({
    name: 'greet',
    title: 'Greet someone',
    description: 'Greet a person by name and say how many times they have been greeted.',
    input: {
      name: z.string().min(1).max(100).describe('Who to greet, e.g. "Ada".'),
      excited: z.boolean().default(false).describe('End with an exclamation mark.'),
    },
    output: { greeting: z.string(), times: z.number().int() },
    async run({ name, excited }, ctx) {
      const greetings = ctx.storage.collection<{ times: number }>('greetings');
      const times = ((await greetings.get(name))?.data.times ?? 0) + 1;
      await greetings.put(name, { times });
      const salutation = typeof ctx.config.salutation === 'string' ? ctx.config.salutation : 'Hello';
      return { greeting: `${salutation}, ${name}${excited ? '!' : '.'}`, times };
    },
  });
