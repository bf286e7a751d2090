/** Conformance fixtures: static resources and a resource template. */
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

export default [
  {
    kind: 'resource',
    name: 'static-text',
    uri: 'test://static-text',
    title: 'Static Text Resource',
    description: 'A static text resource for testing',
    mimeType: 'text/plain',
    read: () => ({ text: 'This is the content of the static text resource.', mimeType: 'text/plain' }),
  },
  {
    kind: 'resource',
    name: 'static-binary',
    uri: 'test://static-binary',
    title: 'Static Binary Resource',
    description: 'A static binary resource (image) for testing',
    mimeType: 'image/png',
    read: () => ({ blob: PNG_1PX, mimeType: 'image/png' }),
  },
  {
    kind: 'resource',
    name: 'watched-resource',
    uri: 'test://watched-resource',
    title: 'Watched Resource',
    description: 'A resource clients may subscribe to',
    mimeType: 'text/plain',
    read: () => ({ text: 'Watched resource content', mimeType: 'text/plain' }),
  },
  {
    kind: 'resourceTemplate',
    name: 'template',
    uriTemplate: 'test://template/{id}/data',
    title: 'Resource Template',
    description: 'A resource template with parameter substitution',
    mimeType: 'application/json',
    complete: { id: (value: string) => ['123', '456', '789'].filter((id) => id.startsWith(value)) },
    read: (_uri: URL, { id }: { id: string }) => ({ text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }), mimeType: 'application/json' }),
  },
];
