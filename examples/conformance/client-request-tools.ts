/**
 * Conformance fixtures (2025-11-25): tools that ask the client for input. Written once in the
 * multi-round-trip style; on a 2025 session the server turns each ask into a real request.
 */
import type { ModuleContext } from 'mcp-server/module';

const text = (value: unknown) => JSON.stringify(value ?? {});

export default [
  {
    name: 'test_sampling',
    description: 'Asks the client to sample a completion for the prompt',
    input: { type: 'object', properties: { prompt: { type: 'string', description: 'The prompt to send to the LLM' } }, required: ['prompt'] },
    run({ prompt }: { prompt: string }, ctx: ModuleContext) {
      const answer = ctx.input('llm');
      if (answer.kind !== 'sampling') return ctx.sample('llm', { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 });
      const content = answer.result.content as { text?: string } | Array<{ text?: string }>;
      return `LLM response: ${(Array.isArray(content) ? content[0]?.text : content?.text) ?? 'No response'}`;
    },
  },
  {
    name: 'test_elicitation',
    description: 'Asks the user for input',
    input: { type: 'object', properties: { message: { type: 'string', description: 'The message to show the user' } }, required: ['message'] },
    run({ message }: { message: string }, ctx: ModuleContext) {
      const answer = ctx.input('response');
      if (answer.kind !== 'elicit') {
        return ctx.elicit('response', {
          message,
          requestedSchema: {
            type: 'object',
            properties: { username: { type: 'string', description: "User's response" }, email: { type: 'string', description: "User's email address" } },
            required: ['username', 'email'],
          },
        });
      }
      return `User response: action=${answer.action}, content=${text(answer.content)}`;
    },
  },
  {
    name: 'test_elicitation_sep1034_defaults',
    description: 'Elicitation with a default for every primitive type (SEP-1034)',
    input: { type: 'object', properties: {} },
    run(_args: unknown, ctx: ModuleContext) {
      const answer = ctx.input('form');
      if (answer.kind !== 'elicit') {
        return ctx.elicit('form', {
          message: 'Please review and update the form fields with defaults',
          requestedSchema: {
            type: 'object',
            properties: {
              name: { type: 'string', description: 'User name', default: 'John Doe' },
              age: { type: 'integer', description: 'User age', default: 30 },
              score: { type: 'number', description: 'User score', default: 95.5 },
              status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
              verified: { type: 'boolean', description: 'Verification status', default: true },
            },
            required: [],
          },
        });
      }
      return `Elicitation completed: action=${answer.action}, content=${text(answer.content)}`;
    },
  },
  {
    name: 'test_elicitation_sep1330_enums',
    description: 'Elicitation with every enum form (SEP-1330)',
    input: { type: 'object', properties: {} },
    run(_args: unknown, ctx: ModuleContext) {
      const answer = ctx.input('form');
      if (answer.kind !== 'elicit') {
        return ctx.elicit('form', {
          message: 'Please select options from the enum fields',
          requestedSchema: {
            type: 'object',
            properties: {
              untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
              titledSingle: {
                type: 'string',
                description: 'Select one option with titles',
                oneOf: [
                  { const: 'value1', title: 'First Option' },
                  { const: 'value2', title: 'Second Option' },
                  { const: 'value3', title: 'Third Option' },
                ],
              },
              legacyEnum: { type: 'string', description: 'Select one option (legacy)', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
              untitledMulti: { type: 'array', description: 'Select multiple options', minItems: 1, maxItems: 3, items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
              titledMulti: {
                type: 'array',
                description: 'Select multiple options with titles',
                minItems: 1,
                maxItems: 3,
                items: {
                  anyOf: [
                    { const: 'value1', title: 'First Choice' },
                    { const: 'value2', title: 'Second Choice' },
                    { const: 'value3', title: 'Third Choice' },
                  ],
                },
              },
            },
            required: [],
          },
        });
      }
      return `Elicitation completed: action=${answer.action}, content=${text(answer.content)}`;
    },
  },
];
