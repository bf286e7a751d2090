import type { ToolsDir } from './schema.js';

/** The directory of a `tools.dirs` entry (a path, or `{ path, isolation }`). */
export const toolsDirPath = (entry: ToolsDir): string => (typeof entry === 'string' ? entry : entry.path);

/** The directories of `tools.dirs`, without their settings. */
export const toolsDirPaths = (dirs: readonly ToolsDir[]): string[] => dirs.map(toolsDirPath);
