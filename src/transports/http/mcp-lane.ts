import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../../observability/metrics.js';
import type { Runtime } from '../../server/runtime.js';
import type { Guards } from './app.js';
import type { Inflight } from './inflight.js';
import { requestTimedOut, sendJsonRpcError, sendRefusal } from './json-rpc-error.js';
import { authenticate } from './middleware/auth.js';
import { exposeToOrigin } from './middleware/cors.js';
import { SHUTTING_DOWN, type DrainState } from './middleware/drain.js';
import { endWhenSent } from './middleware/hold-until-sent.js';
import { hostOriginRefusal } from './middleware/host-origin.js';
import { rateLimitRefusal } from './middleware/rate-limit.js';
import type { StreamableEndpoint } from './streamable.js';

/** Serves a request itself and returns true, or returns false (Hono serves it). */
export type Lane = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * POSTs to the Streamable HTTP endpoints, served without Hono: the same checks as the app's
 * middleware chain for that route, in the same order and from the same live policies (metrics,
 * drain, Host/Origin, CORS, auth, caller tracking, rate limit, timeout), as plain calls on Node's
 * request and response. Every other request (GET, DELETE, OPTIONS, the ops routes) goes to Hono.
 */
export function createMcpLane(runtime: Runtime, metrics: Metrics, guards: Guards, state: DrainState, inflight: Inflight, endpoint: StreamableEndpoint, paths: readonly string[]): Lane {
  const served = new Set(paths);
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (!served.has(path) || !PLAIN_URL.test(url) || DOT_SEGMENT.test(url) || !PLAIN_HOST.test(req.headers.host ?? '')) return false;
    const done = guards.timing(path, 'POST');
    const finish = () => {
      done(res.statusCode);
      if (!req.readableEnded) discardUnread(req, res);
    };
    if (state.closing) {
      sendRefusal(res, SHUTTING_DOWN);
      finish();
      return true;
    }
    // counted until the response has been sent, so shutdown can wait for it (the drain middleware's job on Hono)
    const end = inflight.begin();
    endWhenSent(res, end);
    const fail = (error: unknown) => {
      end();
      runtime.log.error({ err: error, path }, 'HTTP request failed');
      sendJsonRpcError(res, 500, -32603, 'Internal error');
      done(500);
    };
    try {
      const handled = guarded(req, res, path);
      if (handled) handled.then(finish, fail);
      else finish();
    } catch (error) {
      fail(error);
    }
    return true;
  };

  /** The checks, then the endpoint: undefined when refused (answered already), else the handling under the timeout. */
  function guarded(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> | undefined {
    const origin = fetchHeader(req, 'origin');
    const hostRefusal = hostOriginRefusal(guards.policy(), metrics, fetchHeader(req, 'host'), origin);
    if (hostRefusal) return void sendRefusal(res, hostRefusal);
    if (guards.corsAllowed(origin)) exposeToOrigin(res, origin);
    const caller = authenticate(guards.keys(), metrics, guards.clientAddressOf(), {
      get socketAddress() {
        return req.socket.remoteAddress;
      },
      get authorization() {
        return fetchHeader(req, 'authorization');
      },
      get forwardedFor() {
        return fetchHeader(req, 'x-forwarded-for');
      },
    });
    if ('refusal' in caller) return void sendRefusal(res, caller.refusal);
    guards.responses.track(caller.authInfo?.clientId, res);
    const rateRefusal = rateLimitRefusal(guards.limiter(), metrics, caller.clientId);
    if (rateRefusal) return void sendRefusal(res, rateRefusal);
    return withinTimeout(res, endpoint.handle({ req, res, path, ...(caller.authInfo ? { authInfo: caller.authInfo } : {}), caller: caller.clientId }));
  }

  /** 504 when no response has started within the current request timeout (what Hono's timeout middleware does on the other routes). */
  function withinTimeout(res: ServerResponse, handled: Promise<void>): Promise<void> {
    const limit = runtime.config.transport.requestTimeoutSeconds;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        sendRefusal(res, requestTimedOut(limit));
        resolve();
      }, limit * 1000);
      handled.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}

/**
 * Hono's Node adapter answers 400 to a request whose Host or target it cannot make a URL of, and
 * normalizes unusual targets; what these do not plainly match is left to it (its own checks:
 * @hono/node-server buildUrl).
 */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;
const PLAIN_URL = /^\/[!#$&-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;

/** A body refused unread is read and dropped (keep-alive) for at most DISCARD_MS, as Hono's adapter does; then the connection closes. */
const DISCARD_MS = 500;

function discardUnread(req: IncomingMessage, res: ServerResponse): void {
  const discard = () => {
    if (req.readableEnded || req.destroyed) return;
    const timer = setTimeout(() => req.socket.destroySoon(), DISCARD_MS);
    timer.unref();
    req.once('end', () => clearTimeout(timer));
    req.resume();
  };
  if (res.writableFinished) discard();
  else res.once('finish', discard);
}

/**
 * A request header as fetch's Headers.get (what Hono's middleware reads) gives it: every line of
 * that name joined with ", ". Node's own req.headers keeps only the first of a repeated Host or
 * Authorization, so it is not used for the checks.
 */
function fetchHeader(req: IncomingMessage, name: string): string | undefined {
  const raw = req.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}
