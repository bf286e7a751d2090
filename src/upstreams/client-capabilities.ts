import type { JsonObject } from '../modules/forwarded.js';

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The client capability an upstream's request to the client needs that `capabilities` does not
 * declare (e.g. "sampling", "elicitation.url"), or undefined when the client can answer it.
 */
export function missingCapability(method: string, params: JsonObject | undefined, capabilities: JsonObject | undefined): string | undefined {
  const caps = capabilities ?? {};
  switch (method) {
    case 'sampling/createMessage': {
      if (!isObject(caps.sampling)) return 'sampling';
      if (params?.tools !== undefined && !isObject(caps.sampling.tools)) return 'sampling.tools';
      return undefined;
    }
    case 'elicitation/create': {
      const elicitation = caps.elicitation;
      if (!isObject(elicitation)) return 'elicitation';
      if (params?.mode === 'url') return isObject(elicitation.url) ? undefined : 'elicitation.url';
      // an empty elicitation object means form mode (the 2025-06-18 shape)
      const formOnly = isObject(elicitation.form) || Object.keys(elicitation).length === 0;
      return formOnly ? undefined : 'elicitation.form';
    }
    case 'roots/list':
      return isObject(caps.roots) ? undefined : 'roots';
    default:
      return undefined;
  }
}

/** What this server declares to every upstream: it can pass each of these on to a client that can answer. */
export const UPSTREAM_CLIENT_CAPABILITIES = {
  sampling: {},
  elicitation: { form: {}, url: {} },
  roots: {},
} as const;
