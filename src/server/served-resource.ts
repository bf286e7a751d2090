import { UriTemplate } from '@modelcontextprotocol/server';
import type { LoadedDefinition, LoadedResource, LoadedTemplate } from '../modules/normalize.js';
import type { RegistrySnapshot } from '../modules/registry.js';

const templates = new WeakMap<LoadedTemplate, UriTemplate | null>();

function uriTemplateOf(template: LoadedTemplate): UriTemplate | null {
  let parsed = templates.get(template);
  if (parsed === undefined) {
    try {
      parsed = new UriTemplate(template.def.uriTemplate);
    } catch {
      parsed = null;
    }
    templates.set(template, parsed);
  }
  return parsed;
}

/** The definition that answers resources/read for `uri` in a snapshot: its resource, else the first matching template. */
export function servedResource(snapshot: RegistrySnapshot, uri: string): LoadedResource | LoadedTemplate | undefined {
  for (const resource of snapshot.resources.values()) if (resource.def.uri === uri) return resource;
  for (const template of snapshot.templates.values()) if (uriTemplateOf(template)?.match(uri)) return template;
  return undefined;
}

/** Whether one of `definitions` (a resource with this URI, or a template it matches) serves `uri`. */
export function servesUri(definitions: readonly LoadedDefinition[], uri: string): boolean {
  return definitions.some((definition) => (definition.kind === 'resource' ? definition.def.uri === uri : definition.kind === 'resourceTemplate' && !!uriTemplateOf(definition)?.match(uri)));
}

/** URIs of fixed resources whose definition a reload removed or replaced: their content may differ now. */
export function replacedResourceUris(before: RegistrySnapshot, after: RegistrySnapshot): string[] {
  const uris: string[] = [];
  for (const resource of before.resources.values()) {
    if (servedResource(after, resource.def.uri) !== resource) uris.push(resource.def.uri);
  }
  return uris;
}
