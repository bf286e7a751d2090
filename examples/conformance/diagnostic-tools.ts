/** Conformance fixtures (2026-07-28): diagnostic tools the stateless-server scenario probes. */
import type { ElicitParams, InputAsk, ModuleContext } from 'mcp-server/module';

const nameForm: ElicitParams = {
  message: 'What is your name?',
  requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
};

export default [
  {
    name: 'test_missing_capability',
    description: 'Needs sampling; a client that did not declare it gets MissingRequiredClientCapability (-32021)',
    input: { type: 'object', properties: {} },
    run: (_args: unknown, ctx: ModuleContext) =>
      ctx.input('draft').kind === 'sampling' ? 'Thanks' : ctx.sample('draft', { messages: [{ role: 'user', content: { type: 'text', text: 'Draft a reply' } }], maxTokens: 50 }),
  },
  {
    name: 'test_streaming_elicitation',
    description: 'Reports progress, then asks for input through an input_required result (never a request on the stream)',
    input: { type: 'object', properties: {} },
    async run(_args: unknown, ctx: ModuleContext) {
      await ctx.progress(1, 2, 'Preparing the question');
      if (ctx.input('user_name').kind === 'elicit') return 'Thanks';
      return ctx.elicit('user_name', nameForm);
    },
  },
  {
    name: 'test_logging_tool',
    description: 'Logs while it runs (sent to the client only when the request asked for a log level)',
    input: { type: 'object', properties: {} },
    run(_args: unknown, ctx: ModuleContext) {
      ctx.log.info('test_logging_tool ran');
      return 'Logged';
    },
  },
  {
    name: 'test_input_required_result_capabilities',
    description: 'Asks for sampling and, only when the client declared it, elicitation',
    input: { type: 'object', properties: {} },
    run(_args: unknown, ctx: ModuleContext) {
      if (ctx.input('summary').kind === 'sampling') return 'Done';
      const asks: Record<string, InputAsk> = {
        summary: { sample: { messages: [{ role: 'user', content: { type: 'text', text: 'Summarize the request' } }], maxTokens: 50 } },
      };
      if (ctx.clientCapabilities?.elicitation) asks.user_name = { elicit: nameForm };
      return ctx.ask(asks);
    },
  },
  listChangeTrigger('tool', 'tools'),
  listChangeTrigger('prompt', 'prompts'),
];

/** A diagnostic hook that tells subscribed clients one of the served lists changed. */
function listChangeTrigger(kind: string, list: 'tools' | 'prompts') {
  return {
    name: `test_trigger_${kind}_change`,
    description: `Tells subscribed clients that the ${kind} list changed`,
    input: { type: 'object', properties: {} },
    run(_args: unknown, ctx: ModuleContext) {
      ctx.notify.listChanged(list);
      return `${kind} list change announced`;
    },
  };
}
