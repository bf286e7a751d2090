/** Conformance fixtures (2026-07-28): multi-round-trip input requests (SEP-2322). */
import type { ElicitParams, InputAnswer, ModuleContext } from 'mcp-server/module';

const nameForm = (message: string): ElicitParams => ({
  message,
  requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
});
const accepted = (answer: InputAnswer): answer is Extract<InputAnswer, { kind: 'elicit' }> => answer.kind === 'elicit' && answer.action === 'accept';

export default [
  {
    name: 'test_input_required_result_elicitation',
    description: 'Asks for the user name, then greets',
    input: { type: 'object', properties: {} },
    run(_args: unknown, ctx: ModuleContext) {
      const answer = ctx.input('user_name');
      if (answer.kind !== 'elicit') return ctx.elicit('user_name', nameForm('What is your name?'));
      return `Hello, ${accepted(answer) ? String(answer.content?.name ?? 'friend') : 'friend'}!`;
    },
  },
  {
    name: 'test_input_required_result_sampling',
    description: 'Asks the client model a question, then reports the answer',
    input: { type: 'object', properties: {} },
    run(_args: unknown, ctx: ModuleContext) {
      const answer = ctx.input('capital_question');
      if (answer.kind !== 'sampling') {
        return ctx.sample('capital_question', { messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }], maxTokens: 100 });
      }
      const content = answer.result.content as { text?: string } | Array<{ text?: string }>;
      return `Sampling response: ${(Array.isArray(content) ? content[0]?.text : content?.text) ?? ''}`;
    },
  },
  {
    name: 'test_input_required_result_list_roots',
    description: 'Asks the client for its roots, then lists them',
    input: { type: 'object', properties: {} },
    run(_args: unknown, ctx: ModuleContext) {
      const answer = ctx.input('client_roots');
      if (answer.kind !== 'roots') return ctx.ask({ client_roots: { roots: true } });
      return `Roots: ${answer.roots.map((root: { uri: string }) => root.uri).join(', ') || '(none)'}`;
    },
  },
  {
    name: 'test_input_required_result_request_state',
    description: 'Round-trips signed request state',
    input: { type: 'object', properties: {} },
    run(_args: unknown, ctx: ModuleContext) {
      const answer = ctx.input('confirm');
      const state = ctx.state<{ step: string }>();
      if (answer.kind !== 'elicit' || state?.step !== 'confirm') {
        return ctx.elicit('confirm', { message: 'Please confirm', requestedSchema: { type: 'object' as const, properties: { ok: { type: 'boolean' } }, required: ['ok'] } }, { step: 'confirm' });
      }
      return `state-ok: confirmed=${String(answer.content?.ok)}`;
    },
  },
  {
    name: 'test_input_required_result_multiple_inputs',
    description: 'Asks for an elicitation, a sampling and the roots in one round',
    input: { type: 'object', properties: {} },
    run(_args: unknown, ctx: ModuleContext) {
      const keys = ['user_name', 'greeting', 'client_roots'];
      if (ctx.state<{ round: number }>()?.round === 1 && keys.every((key) => ctx.input(key).kind !== 'missing')) return 'All inputs received';
      return ctx.ask(
        {
          user_name: { elicit: nameForm('What is your name?') },
          greeting: { sample: { messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }], maxTokens: 50 } },
          client_roots: { roots: true },
        },
        { round: 1 },
      );
    },
  },
  {
    name: 'test_input_required_result_multi_round',
    description: 'Two rounds of questions with evolving request state',
    input: { type: 'object', properties: {} },
    run(_args: unknown, ctx: ModuleContext) {
      const state = ctx.state<{ round: number; name?: string }>();
      const step2 = ctx.input('step2');
      if (state?.round === 2 && step2.kind === 'elicit') return `Done: ${state.name} likes ${String(step2.content?.color ?? 'no colour')}`;
      const step1 = ctx.input('step1');
      if (state?.round === 1 && step1.kind === 'elicit') {
        return ctx.elicit(
          'step2',
          { message: 'Step 2: What is your favorite color?', requestedSchema: { type: 'object' as const, properties: { color: { type: 'string' } }, required: ['color'] } },
          { round: 2, name: String(step1.content?.name ?? '') },
        );
      }
      return ctx.elicit('step1', nameForm('Step 1: What is your name?'), { round: 1 });
    },
  },
  {
    name: 'test_input_required_result_tampered_state',
    description: 'Signs its request state; a tampered state is refused',
    input: { type: 'object', properties: {} },
    run(_args: unknown, ctx: ModuleContext) {
      const answer = ctx.input('confirm');
      if (answer.kind !== 'elicit' || ctx.state<{ issued: boolean }>()?.issued !== true) {
        return ctx.elicit('confirm', { message: 'Please confirm', requestedSchema: { type: 'object' as const, properties: { ok: { type: 'boolean' } }, required: ['ok'] } }, { issued: true });
      }
      return 'state verified';
    },
  },
];
