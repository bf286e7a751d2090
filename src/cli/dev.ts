import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Host } from '../server/host.js';
import { packageRoot } from '../version.js';
import { serverName, stdioSnippets, urlSnippets, type StdioLaunch } from './client-config.js';
import type { DevOptions } from './program.js';
import { runAction } from './run-action.js';

/**
 * `mcp-server dev [dir]`: serves a tools directory over Streamable HTTP, reloading on every change
 * (--watch), with pretty logs, and prints the URL and what to paste into a client. The directory's
 * config.yaml is used when it has one (as `init` writes it); otherwise the directory itself is the
 * tools directory, and its data lives in `<dir>/.data`.
 */
export async function dev(dir: string, options: DevOptions, out: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const target = path.resolve(dir);
  if (!existsSync(target) || !statSync(target).isDirectory()) {
    process.stderr.write(`mcp-server: dev: ${target} is not a directory (create one with mcp-server init ${dir})\n`);
    return 1;
  }
  const ownConfig = path.join(target, 'config.yaml');
  const config = options.config ? path.resolve(options.config) : existsSync(ownConfig) ? ownConfig : undefined;
  const serving = config ? { config, toolsDir: [] } : { toolsDir: [target], dataDir: path.join(target, '.data') };
  const launch: StdioLaunch = {
    command: 'node',
    args: [path.join(packageRoot, 'bin', 'mcp-server'), ...(config ? ['--config', config] : ['--tools-dir', target, '--data-dir', serving.dataDir!]), '--watch'],
  };
  return runAction(
    { ...serving, transport: 'http-stream', watch: true, logFormat: 'pretty', port: options.port, host: options.host },
    { cwd: target, onServing: (host) => out(banner(target, host, launch)) },
  );
}

function banner(target: string, host: Host, launch: StdioLaunch): string {
  const { transport } = host.runtime.config;
  const url = `${host.url}${[transport.endpoint].flat()[0]}`;
  const name = serverName(target);
  return [
    '',
    `mcp-server dev: serving ${target}`,
    `  at ${url} (Streamable HTTP); a change to a module or the config reloads it; Ctrl-C stops it.`,
    '',
    'Connect a client to this server by URL:',
    ...urlSnippets(name, url, transport.apiKeys.length > 0),
    '',
    'Or let a client start the server itself over stdio (it reloads on changes too; one process at a time',
    'owns the data directory, so not while this one runs):',
    ...stdioSnippets(name, launch),
    '',
  ].join('\n');
}
