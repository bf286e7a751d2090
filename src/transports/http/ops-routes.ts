import type { Hono } from 'hono';
import type { Metrics } from '../../observability/metrics.js';
import { serverInfoOf } from '../../server/initialize-answer.js';
import type { Runtime } from '../../server/runtime.js';
import type { AppEnv } from './types.js';

export interface OpsState {
  closing: boolean;
  sessions(): number;
}

/** Liveness: the process answers. Always open (no auth, no Host check), for probes. */
export function mountHealth(app: Hono<AppEnv>, runtime: Runtime, state: OpsState): void {
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    const problems = await readinessProblems(runtime, state);
    const upstreams = upstreamSummaries(runtime);
    const extra = upstreams.length > 0 ? { upstreams } : {};
    return problems.length === 0 ? c.json({ status: 'ready', ...extra }) : c.json({ status: 'unavailable', problems, ...extra }, 503);
  });
}

/** /info and /metrics: behind the API keys when keys are configured (they describe the deployment). */
export function mountInfo(app: Hono<AppEnv>, runtime: Runtime, state: OpsState, metrics: Metrics): void {
  app.get('/info', (c) => {
    const snapshot = runtime.registry();
    return c.json({
      ...serverInfoOf(runtime.config.server, runtime.version),
      mcpServerVersion: runtime.version,
      transport: runtime.config.transport.type,
      ...(runtime.config.transport.replicaId ? { replica: runtime.config.transport.replicaId } : {}),
      storage: runtime.storage.engine,
      tools: snapshot.tools.size,
      resources: snapshot.resources.size + snapshot.templates.size,
      prompts: snapshot.prompts.size,
      sessions: state.sessions(),
      generation: runtime.generation,
      upstreams: runtime.upstreams.statuses(),
      workers: runtime.workers(),
    });
  });
  app.get('/metrics', async (c) => c.body(await metrics.render(), 200, { 'Content-Type': metrics.registry.contentType }));
}

async function readinessProblems(runtime: Runtime, state: OpsState): Promise<string[]> {
  if (state.closing) return ['shutting down'];
  const problems: string[] = [];
  try {
    runtime.registry();
  } catch {
    problems.push('modules not loaded');
  }
  // Storage answers a cheap query and reports no fault it is recovering from (e.g. DuckDB reopening after a full disk).
  const probe = runtime.storage.health().then(
    (health) => (health.ok ? undefined : `storage unavailable: ${health.problem}`),
    (error: unknown) => `storage unavailable: ${error instanceof Error ? error.message : String(error)}`,
  );
  const timeout = new Promise<string>((resolve) => setTimeout(resolve, 2000, 'storage did not answer within 2 s').unref());
  const storageProblem = await Promise.race([probe, timeout]);
  if (storageProblem) problems.push(storageProblem);
  problems.push(...runtime.upstreams.readinessProblems());
  return problems;
}

/** Each upstream's state and tool count: /ready is open, so no more than that (/info has the rest). */
function upstreamSummaries(runtime: Runtime) {
  return runtime.upstreams.statuses().map(({ name, state, required, tools }) => ({ name, state, required, tools }));
}
