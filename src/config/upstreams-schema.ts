import { z } from 'zod';
import { anyBoolean, anyString, described, integer, nameGlobs, nonEmptyString, numberIn, positiveUpTo, secret } from './schema-parts.js';

/**
 * The `upstreams:` section: other MCP servers served behind this one, by name. Each is a stdio child
 * (`command`) or a remote server (`url`); its definitions join the module definitions under a prefix.
 * Kept apart from schema.ts so the section reads as one unit; schema.ts mounts it.
 */

/** An upstream's name: also the default prefix of its definitions (`<name>_`) and its label in logs and metrics. */
export const UPSTREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const seconds = positiveUpTo(86_400);

const restartSchema = z
  .strictObject({
    maxRetries: integer(0, 1000).default(10).apply(described, 'Failed starts in a row (or connections lost before they stayed up a minute) before the upstream is given up (state failed).'),
    initialDelaySeconds: seconds.default(1).apply(described, 'Delay before the first restart; doubled after each failure in a row, with jitter.'),
    maxDelaySeconds: seconds.default(60).apply(described, 'Longest delay between two restarts.'),
  })
  .prefault({});

export const upstreamSchema = z
  .strictObject({
    command: nonEmptyString.optional().apply(described, 'Program that runs a stdio MCP server, looked up on PATH (a stdio upstream).'),
    args: z.array(anyString).default([]).apply(described, 'Arguments of command. ${VAR} is replaced by the environment variable VAR.'),
    env: z.record(anyString, anyString).default({}).apply(described, 'Environment of command, added to a minimal inherited one (HOME, PATH, ...). ${VAR} expands; credential-like names are redacted.'),
    cwd: nonEmptyString.optional().apply(described, "Working directory of command (default: the server's)."),
    url: anyString
      .url()
      .refine((value) => /^https?:\/\//i.test(value), 'must be an http:// or https:// URL')
      .optional()
      .apply(described, 'Streamable HTTP endpoint of a remote MCP server (legacy HTTP+SSE is tried when Streamable HTTP is refused).'),
    headers: secret(z.record(anyString, anyString).default({}).apply(described, 'HTTP headers sent to url, e.g. Authorization: "Bearer ${TOKEN}" (${VAR} expands; values are never printed).')),
    prefix: anyString
      .regex(/^[A-Za-z0-9_.-]{0,64}$/, 'letters, digits, _ . and - only')
      .optional()
      .apply(described, 'Put before every tool, prompt, resource and template name of this upstream (default "<name>_"; "" for none).'),
    enabled: nameGlobs.default(['*']).apply(described, "Names or globs (the upstream's own names, without prefix) to serve."),
    disabled: nameGlobs.default([]).apply(described, "Names or globs (the upstream's own names) never served; wins over enabled."),
    timeoutSeconds: seconds.default(60).apply(described, 'Bound for connecting and for each call; a call running longer is cancelled upstream and answered with an error.'),
    required: anyBoolean.default(false).apply(described, 'Whether /ready waits for this upstream (503 until it is ready).'),
    pingIntervalSeconds: numberIn(0, 3600).default(30).apply(described, 'How often a ready upstream is pinged; one that does not answer within timeoutSeconds is restarted (0: never).'),
    restart: restartSchema,
  })
  .superRefine((upstream, ctx) => {
    const has = (key: 'command' | 'url') => upstream[key] !== undefined;
    if (has('command') && has('url')) ctx.addIssue({ code: 'custom', path: ['url'], message: 'set either command (a stdio server) or url (a remote server), not both' });
    if (!has('command') && !has('url')) ctx.addIssue({ code: 'custom', path: [], message: 'set command (a stdio server) or url (a remote server)' });
    if (has('url')) {
      for (const key of ['args', 'cwd'] as const) {
        const value = upstream[key];
        if (value !== undefined && (!Array.isArray(value) || value.length > 0)) ctx.addIssue({ code: 'custom', path: [key], message: `${key} goes with command, not url` });
      }
      if (Object.keys(upstream.env).length > 0) ctx.addIssue({ code: 'custom', path: ['env'], message: 'env goes with command, not url' });
    }
    if (has('command') && Object.keys(upstream.headers).length > 0) ctx.addIssue({ code: 'custom', path: ['headers'], message: 'headers go with url, not command' });
  });

export const upstreamsSchema = z
  .record(anyString, upstreamSchema)
  .superRefine((upstreams, ctx) => {
    for (const name of Object.keys(upstreams)) {
      if (!UPSTREAM_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'an upstream name is letters, digits, _ and - (at most 64, starting with a letter or digit)' });
    }
  })
  .default({})
  .apply(described, 'Other MCP servers (stdio children or remote URLs) whose tools, resources and prompts are served here, by name.');

export type UpstreamConfig = z.infer<typeof upstreamSchema>;
