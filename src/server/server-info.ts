import type { Runtime } from './runtime.js';

/** Who this server says it is: the configured name, version and description (the version defaults to mcp-server's own). */
export function serverInfo(runtime: Runtime): { name: string; version: string; description?: string } {
  const { name, version, description } = runtime.config.server;
  return { name, version: version ?? runtime.version, ...(description ? { description } : {}) };
}
