import type { Hono, MiddlewareHandler } from 'hono';
import { describeSource } from '../../config/problems.js';
import { redactedConfig } from '../../config/redact.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Runtime } from '../../server/runtime.js';
import { ApiKeys, bearerToken } from './api-keys.js';
import { jsonRpcError, SERVER_ERROR } from './json-rpc-error.js';
import { fromConfig } from './live-config.js';
import type { AppEnv } from './types.js';

/**
 * POST /admin/reload (reload now; 200 with what changed, 422 when refused) and GET /admin/config
 * (the running config, secrets redacted as --print-config does). Open only with transport.adminKeys
 * (404 without), and only to those keys: an API key is not an admin key.
 */
export function mountAdmin(app: Hono<AppEnv>, runtime: Runtime, metrics: Metrics): void {
  const keys = fromConfig<readonly string[], ApiKeys>(
    () => runtime.config,
    (c) => c.transport.adminKeys,
    (list, previous) => new ApiKeys(list, previous, 'admin'),
  );
  const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
    const admin = keys();
    if (!admin.enabled) return jsonRpcError(404, SERVER_ERROR, 'Not found');
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined || !admin.verify(token)) {
      metrics.rejected.inc({ reason: 'auth' });
      const challenge = token === undefined ? 'Bearer realm="mcp-server admin"' : 'Bearer realm="mcp-server admin", error="invalid_token"';
      return jsonRpcError(401, SERVER_ERROR, 'Unauthorized: an admin key is required', { 'WWW-Authenticate': challenge });
    }
    return next();
  };

  app.post('/admin/reload', adminOnly, async (c) => {
    const report = await runtime.reload('admin');
    return c.json(report, report.result === 'applied' ? 200 : 422);
  });
  app.get('/admin/config', adminOnly, (c) => {
    const loaded = runtime.loadedConfig();
    const cwd = process.cwd();
    return c.json({
      generation: runtime.generation,
      configFile: loaded.configFile ?? null,
      config: redactedConfig(loaded.config),
      sources: Object.fromEntries(Object.entries(loaded.sources).map(([path, source]) => [path, describeSource(source, cwd)])),
    });
  });
}
