/**
 * Type tests of the published module contract (`mcp-server/module`), checked by `npm test`
 * (tsc -p tsconfig.check.json). Every line must type-check, and every `@ts-expect-error` must meet
 * an error: a case that stops failing fails the check. Nothing here runs.
 */
import { z } from 'zod';
import { definePrompt, defineResource, defineResourceTemplate, defineTool, type Definition, type ModuleContext, type ModuleKit, type StoredDocument, type ToolDefinition } from 'mcp-server/module';

/** Compiles only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(check: Equal<A, B>) => check;

interface Note {
  title: string;
  tags: string[];
  pinned?: boolean;
}

// --- run's arguments are inferred from `input` ---------------------------------------------------

defineTool({
  name: 'shape',
  description: 'zod shape: defaults make a field required in run, optional fields stay optional',
  input: { city: z.string(), days: z.number().int().default(1), unit: z.enum(['c', 'f']).optional() },
  run(args) {
    same<typeof args.city, string>(true);
    same<typeof args.days, number>(true);
    same<typeof args.unit, 'c' | 'f' | undefined>(true);
    // @ts-expect-error not declared in input
    void args.country;
    return `${args.city} in ${args.days} days`;
  },
});

defineTool({
  name: 'object',
  description: 'zod object (any Standard Schema)',
  input: z.object({ ids: z.array(z.string()).min(1) }),
  run({ ids }) {
    same<typeof ids, string[]>(true);
    return ids.join(',');
  },
});

defineTool({
  name: 'json_schema',
  description: 'JSON Schema input is validated at run time, not typed: values are unknown',
  input: { type: 'object', properties: { count: { type: 'integer' } } },
  run(args) {
    same<typeof args, Record<string, unknown>>(true);
    // @ts-expect-error unknown until checked
    const count: number = args.count;
    return typeof count;
  },
});

defineTool({
  name: 'no_input',
  description: 'no input: an empty object',
  run(args) {
    same<typeof args, Record<string, never>>(true);
    return 'ok';
  },
});

// --- what run returns is checked ------------------------------------------------------------------

defineTool({
  name: 'structured',
  description: 'with output, run returns that shape, a full result or an input request',
  input: { id: z.string() },
  output: { id: z.string(), found: z.boolean() },
  async run({ id }, ctx) {
    if (id === 'ask') return ctx.elicit('sure', { message: 'Sure?', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } });
    if (id === 'error') return { content: [{ type: 'text', text: 'no' }], isError: true };
    return { id, found: true };
  },
});

// @ts-expect-error id must be a string
defineTool({
  name: 'structured_wrong',
  description: 'a result that does not fit output',
  output: { id: z.string() },
  run() {
    return { id: 42 };
  },
});

defineTool({
  name: 'plain_returns',
  description: 'without output: text, content blocks, nothing, or any JSON-shaped value (interfaces too)',
  input: { mode: z.enum(['text', 'content', 'none', 'note', 'list']) },
  async run({ mode }, ctx) {
    if (mode === 'text') return 'text';
    if (mode === 'content') return [{ type: 'text', text: 'block' }];
    if (mode === 'none') return undefined;
    const doc = await ctx.storage.collection<Note>('notes').get('1');
    if (mode === 'note') return doc?.data ?? null;
    return { notes: doc ? [doc.data] : [], total: doc ? 1 : 0 };
  },
});

// @ts-expect-error a Date is not JSON (it would come back as a string)
defineTool({
  name: 'date',
  description: 'not JSON',
  run() {
    return { at: new Date() };
  },
});

// @ts-expect-error a function is not JSON
defineTool({
  name: 'function',
  description: 'not JSON',
  run() {
    return { later: () => 1 };
  },
});

// --- ctx.elicit / sample / ask: return what they give, nothing else ----------------------------

defineTool({
  name: 'confirm',
  description: 'the answer arrives on the next round, in ctx.input',
  input: { id: z.string() },
  async run({ id }, ctx) {
    const answer = ctx.input('sure');
    if (answer.kind === 'missing') {
      const request = await ctx.elicit('sure', { message: `Delete ${id}?`, requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } });
      // @ts-expect-error the request holds no answer
      void request.content;
      return request;
    }
    if (answer.kind === 'elicit' && answer.action === 'accept') return 'deleted';
    return 'kept';
  },
});

// --- storage: collections of any JSON shape, interfaces included, without casts --------------------

async function storage(ctx: ModuleContext) {
  const notes = ctx.storage.collection<Note>('notes');
  const saved: StoredDocument<Note> = await notes.put('1', { title: 't', tags: ['a'] });
  same<typeof saved.data.tags, string[]>(true);
  const hits = await notes.search([1, 0], { k: 3, filter: { tags: { $contains: 'a' } } });
  same<(typeof hits)[number]['data'], Note>(true);
  // @ts-expect-error title is required by Note
  await notes.put('2', { tags: [] });
  // @ts-expect-error a Date is not JSON
  ctx.storage.collection<{ at: Date }>('dates');
  // @ts-expect-error unknown is not known to be JSON
  ctx.storage.collection<{ value: unknown }>('anything');
  // @ts-expect-error modules see collections, not the engine's backup/close methods
  await ctx.storage.close();
}
void storage;

// --- resource templates: variables from the URI template -------------------------------------------

defineResourceTemplate({
  name: 'note',
  uriTemplate: 'notes://{id}{?lang}',
  complete: {
    id: (value) => [value],
    // @ts-expect-error not a variable of the template
    other: (value) => [value],
  },
  read(uri, variables) {
    same<typeof variables.id, string>(true);
    same<typeof variables.lang, string | undefined>(true);
    return `${uri.href} ${variables.id}`;
  },
});

// --- prompts: arguments from the argument list or a zod shape --------------------------------------

definePrompt({
  name: 'summary',
  arguments: [
    { name: 'topic', required: true },
    { name: 'tone', description: 'optional' },
  ],
  complete: { tone: (value) => ['dry', 'warm'].filter((t) => t.startsWith(value)) },
  get(args) {
    same<typeof args.topic, string>(true);
    same<typeof args.tone, string | undefined>(true);
    // @ts-expect-error not an argument
    void args.other;
    return `Summarize ${args.topic}`;
  },
});

definePrompt({
  name: 'shaped',
  arguments: { language: z.string() },
  get: ({ language }) => [{ role: 'user', content: { type: 'text', text: language } }],
});

// --- the kit: a module's default export, with nothing imported at run time --------------------------

const module = ({ z, defineTool, defineResource }: ModuleKit) => [
  defineTool({ name: 'echo', description: 'echo', input: { text: z.string() }, run: ({ text }) => text }),
  defineResource({ name: 'motd', uri: 'info://motd', read: () => 'hello' }),
];
const definitions: Definition[] = [...module({ z, defineTool, defineResource, defineResourceTemplate, definePrompt })];
const tool: ToolDefinition = defineTool({ name: 'plain', description: 'assignable to the erased type', input: { n: z.number() }, run: ({ n }) => n * 2 });
void definitions;
void tool;

// @ts-expect-error a tool needs a description
defineTool({ name: 'nameless', run: () => 'x' });
