/** Conformance fixtures: tool input schemas that must reach clients unchanged. */
export default [
  {
    name: 'json_schema_2020_12_tool',
    description: 'Tool with JSON Schema 2020-12 features',
    input: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { address: { $anchor: 'addressDef', type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
      properties: {
        name: { type: 'string' },
        address: { $ref: '#/$defs/address' },
        contactMethod: { type: 'string', enum: ['phone', 'email'] },
        phone: { type: 'string' },
        email: { type: 'string' },
      },
      allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
      if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keyword
      then: { required: ['phone'] },
      else: { required: ['email'] },
      additionalProperties: false,
    },
    run: (args: unknown) => `JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`,
  },
  {
    name: 'test_custom_headers',
    description: 'Parameters mirrored into Mcp-Param-* headers (2026-07-28, SEP-2243)',
    input: {
      type: 'object',
      properties: {
        region: { type: 'string', description: 'Plain string value', 'x-mcp-header': 'Region' },
        priority: { type: 'integer', description: 'Integer value', 'x-mcp-header': 'Priority' },
        query: { type: 'string', description: 'Not mirrored' },
      },
      required: ['region'],
    },
    run: (args: Record<string, unknown>) => `Custom headers received: ${JSON.stringify(args)}`,
  },
];
