/** Conformance fixtures: prompts, with arguments, completion, embedded resources and images. */
import type { ModuleContext } from 'mcp-server/module';

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

export default [
  {
    kind: 'prompt',
    name: 'test_simple_prompt',
    title: 'Simple Test Prompt',
    description: 'A simple prompt without arguments',
    get: () => 'This is a simple prompt for testing.',
  },
  {
    kind: 'prompt',
    name: 'test_prompt_with_arguments',
    title: 'Prompt With Arguments',
    description: 'A prompt with required arguments',
    arguments: [
      { name: 'arg1', description: 'First test argument', required: true },
      { name: 'arg2', description: 'Second test argument', required: true },
    ],
    complete: { arg1: (value: string) => ['paris', 'park', 'party'].filter((word) => word.startsWith(value)) },
    get: ({ arg1, arg2 }: Record<string, string>) => `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`,
  },
  {
    kind: 'prompt',
    name: 'test_prompt_with_embedded_resource',
    title: 'Prompt With Embedded Resource',
    description: 'A prompt that includes an embedded resource',
    arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
    get: ({ resourceUri }: Record<string, string>) => [
      { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
      { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
    ],
  },
  {
    kind: 'prompt',
    name: 'test_prompt_with_image',
    title: 'Prompt With Image',
    description: 'A prompt that includes image content',
    get: () => [
      { role: 'user', content: { type: 'image', data: PNG_1PX, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ],
  },
  {
    kind: 'prompt',
    name: 'test_input_required_result_prompt',
    title: 'Prompt needing input',
    description: 'Asks the user for context before producing its messages (2026-07-28 input requests)',
    get: (_args: Record<string, string>, ctx: ModuleContext) => {
      const answer = ctx.input('user_context');
      if (answer.kind !== 'elicit') {
        return ctx.elicit('user_context', {
          message: 'What context should the prompt use?',
          requestedSchema: { type: 'object', properties: { context: { type: 'string' } }, required: ['context'] },
        });
      }
      return `Use this context: ${String(answer.content?.context ?? '')}`;
    },
  },
];
