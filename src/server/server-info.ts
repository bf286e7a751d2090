import { serverInfoOf } from './initialize-answer.js';
import type { Runtime } from './runtime.js';

/** Who this server says it is: the configured name, version and description (the version defaults to mcp-server's own). */
export const serverInfo = (runtime: Runtime): ReturnType<typeof serverInfoOf> => serverInfoOf(runtime.config.server, runtime.version);
