/** Conformance fixtures: tools returning each kind of content, and one that fails. */
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const WAV_TINY = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=';

export default [
  {
    name: 'test_simple_text',
    description: 'Returns simple text content',
    run: () => 'This is a simple text response for testing.',
  },
  {
    name: 'test_image_content',
    description: 'Returns image content',
    run: () => [{ type: 'image', data: PNG_1PX, mimeType: 'image/png' }],
  },
  {
    name: 'test_audio_content',
    description: 'Returns audio content',
    run: () => [{ type: 'audio', data: WAV_TINY, mimeType: 'audio/wav' }],
  },
  {
    name: 'test_embedded_resource',
    description: 'Returns an embedded resource',
    run: () => [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
  },
  {
    name: 'test_multiple_content_types',
    description: 'Returns text, image and resource content together',
    run: () => [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG_1PX, mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) } },
    ],
  },
  {
    name: 'test_error_handling',
    description: 'Always fails (answered as an isError result)',
    run: () => {
      throw new Error('This tool intentionally returns an error for testing');
    },
  },
];
