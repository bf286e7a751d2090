/** A resource: a document clients can read (and attach to a conversation). */
import type { ModuleKit } from 'mcp-server/module';

export default ({ defineResource }: ModuleKit) =>
  defineResource({
    name: 'about',
    uri: 'about://greetings',
    title: 'About the greetings',
    description: 'How many people have been greeted so far.',
    mimeType: 'text/markdown',
    async read(_uri, ctx) {
      const people = await ctx.storage.collection('greetings').count();
      return `# Greetings\n\n${people} ${people === 1 ? 'person has' : 'people have'} been greeted so far.\n`;
    },
  });
