import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import type { Metrics } from '../../../observability/metrics.js';
import { jsonRpcError, SERVER_ERROR } from '../json-rpc-error.js';
import type { AppEnv } from '../types.js';

/** 413 for request bodies over the current limit (declared Content-Length, or counted while streaming). */
export function bodyLimit(currentMaxBytes: () => number, metrics: Metrics): MiddlewareHandler<AppEnv> {
  let limit: { maxBytes: number; check: MiddlewareHandler<AppEnv> } | undefined;
  return (c, next) => {
    const maxBytes = currentMaxBytes();
    if (limit?.maxBytes !== maxBytes) {
      const check = honoBodyLimit({
        maxSize: maxBytes,
        onError: () => {
          metrics.rejected.inc({ reason: 'body_limit' });
          return jsonRpcError(413, SERVER_ERROR, bodyTooLarge(maxBytes));
        },
      });
      limit = { maxBytes, check };
    }
    return limit.check(c, next);
  };
}

/** What a body over transport.bodyLimitBytes is told (413). */
export const bodyTooLarge = (maxBytes: number) => `Request body larger than ${maxBytes} bytes`;
