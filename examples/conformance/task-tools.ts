/**
 * Conformance fixtures (2026-07-28): the Tasks extension (SEP-2663). Tools declaring
 * `execution.taskSupport` answer a client that declared io.modelcontextprotocol/tasks with a task.
 */
import type { ElicitParams, InputAnswer, ModuleContext } from 'mcp-server/module';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
const form = (message: string, properties: Record<string, unknown>): ElicitParams => ({ message, requestedSchema: { type: 'object', properties } });
const accepted = (answer: InputAnswer): answer is Extract<InputAnswer, { kind: 'elicit' }> => answer.kind === 'elicit' && answer.action === 'accept';

export default [
  {
    name: 'greet',
    description: 'Greets someone (synchronous only)',
    input: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    run: ({ name }: { name: string }) => `Hello, ${name}!`,
  },
  {
    name: 'slow_compute',
    description: 'Sleeps for `seconds` seconds, then reports; runs as a task (seconds 0 answers at once)',
    input: { type: 'object', properties: { seconds: { type: 'number', minimum: 0, maximum: 90 }, label: { type: 'string' } }, required: ['seconds'] },
    timeoutSeconds: 120,
    execution: {
      taskSupport: 'optional',
      prepare: ({ seconds, label }: { seconds: number; label?: string }) => (seconds === 0 ? `Computed ${label ?? 'result'} instantly` : undefined),
    },
    async run({ seconds, label }: { seconds: number; label?: string }, ctx: ModuleContext) {
      await sleep(seconds * 1000, ctx.signal);
      return `Computed ${label ?? 'result'} after ${seconds} s`;
    },
  },
  {
    name: 'failing_job',
    description: 'Works for about a second, then reports a tool execution error (must run as a task)',
    input: { type: 'object', properties: {} },
    execution: { taskSupport: 'required' },
    async run(_args: unknown, ctx: ModuleContext) {
      await sleep(1000, ctx.signal);
      return { content: [{ type: 'text', text: 'Job failed: the simulated work did not succeed' }], isError: true };
    },
  },
  {
    name: 'protocol_error_job',
    description: 'Fails with an internal (protocol-level) error; runs as a task',
    input: { type: 'object', properties: {} },
    execution: { taskSupport: 'optional' },
    async run(_args: unknown, ctx: ModuleContext) {
      await sleep(200, ctx.signal);
      throw Object.assign(new Error('Simulated internal failure'), { code: -32603 });
    },
  },
  {
    name: 'confirm_delete',
    description: 'Asks the user to confirm, then "deletes" the file; runs as a task',
    input: { type: 'object', properties: { filename: { type: 'string' } }, required: ['filename'] },
    execution: { taskSupport: 'optional' },
    run({ filename }: { filename: string }, ctx: ModuleContext) {
      const answer = ctx.input('confirm');
      if (answer.kind !== 'elicit') return ctx.elicit('confirm', form(`Delete ${filename}?`, { confirm: { type: 'boolean' } }));
      return accepted(answer) && answer.content?.confirm === true ? `Deleted ${filename}` : `Kept ${filename}`;
    },
  },
  {
    name: 'multi_input',
    description: 'Asks two questions at once, then reports both answers; runs as a task',
    input: { type: 'object', properties: {} },
    execution: { taskSupport: 'optional' },
    run(_args: unknown, ctx: ModuleContext) {
      const first = ctx.input('first');
      const second = ctx.input('second');
      if (first.kind !== 'elicit' || second.kind !== 'elicit') {
        const name = form('Your name?', { name: { type: 'string' } });
        return ctx.ask({ first: { elicit: name }, second: { elicit: form('Confirm?', { confirm: { type: 'boolean' } }) } });
      }
      return `first: ${JSON.stringify(first.content ?? {})}; second: ${JSON.stringify(second.content ?? {})}`;
    },
  },
  {
    name: 'test_tool_with_task',
    description: 'Asks for the user name by multi-round-trip, then greets them from a task',
    input: { type: 'object', properties: {} },
    execution: {
      taskSupport: 'required',
      prepare: (_args: unknown, ctx: ModuleContext) => (ctx.input('user_name').kind === 'elicit' ? undefined : ctx.elicit('user_name', form('What is your name?', { name: { type: 'string' } }))),
    },
    async run(_args: unknown, ctx: ModuleContext) {
      const answer = ctx.input('user_name');
      await sleep(300, ctx.signal);
      return `Hello, ${accepted(answer) ? String(answer.content?.name ?? 'friend') : 'friend'}!`;
    },
  },
];
