import type { ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../types.js';

const ALLOWED_HEADERS = ['authorization', 'content-type', 'accept', 'last-event-id', 'mcp-protocol-version', 'mcp-session-id', 'mcp-method', 'mcp-name'];
/** 2026-07-28 mirrors tool parameters into `Mcp-Param-<name>` headers; names vary per tool. */
const ALLOWED_HEADER_PREFIX = 'mcp-param-';
const EXPOSED_HEADERS = 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate, Retry-After';

/**
 * CORS for the origins `allowed` accepts (see corsOriginCheck).
 * Preflights are answered here (204) with the requested headers the MCP transports use; other
 * origins get no CORS headers, so browsers refuse.
 */
/** Whether an Origin may read answers, by the current `corsOrigins` (re-read per call, cached per list). */
export function corsOriginCheck(corsOrigins: () => readonly string[]): (origin: string | undefined) => origin is string {
  let seen: readonly string[] | undefined;
  let allowed: (origin: string) => boolean = () => false;
  return (origin): origin is string => {
    if (origin === undefined) return false;
    const origins = corsOrigins();
    if (origins !== seen) {
      seen = origins;
      const any = origins.includes('*');
      const listed = new Set(origins.map((o) => o.toLowerCase().replace(/\/$/, '')));
      allowed = (o) => any || listed.has(o.toLowerCase().replace(/\/$/, ''));
    }
    return allowed(origin);
  };
}

/** The CORS headers of an allowed origin's answer, set on the Node response (so streams written to it directly carry them too). */
export function exposeToOrigin(res: ServerResponse, origin: string): void {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  res.setHeader('Vary', 'Origin');
}

/**
 * CORS for the origins `allowed` accepts (see corsOriginCheck).
 * Preflights are answered here (204) with the requested headers the MCP transports use; other
 * origins get no CORS headers, so browsers refuse.
 */
export function cors(allowed: (origin: string | undefined) => origin is string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    const ok = allowed(origin);
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      if (!ok) return c.body(null, 204, { Vary: 'Origin' });
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': requestedHeaders(c.req.header('access-control-request-headers')),
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    if (ok) exposeToOrigin(c.env.outgoing, origin);
    return next();
  };
}

function requestedHeaders(header: string | undefined): string {
  const requested = (header ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const granted = requested.filter((h) => ALLOWED_HEADERS.includes(h) || (h.startsWith(ALLOWED_HEADER_PREFIX) && /^[a-z0-9-]+$/.test(h)));
  return [...new Set([...ALLOWED_HEADERS, ...granted])].join(', ');
}
