import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { UpstreamConfig } from '../config/upstreams-schema.js';
import { missingVariables, type Env } from './expand-env.js';

/**
 * What --validate-config says about the `upstreams:` section beyond its shape (the schema checks
 * that, and that each url parses): every command is found (on PATH, or at its path) and executable,
 * and every ${VAR} it uses is set. Upstreams are not started.
 */
export function upstreamProblems(upstreams: Config['upstreams'], env: Env = process.env): string[] {
  return Object.entries(upstreams).flatMap(([name, upstream]) => [...variableProblems(name, upstream, env), ...commandProblems(name, upstream, env)]);
}

function variableProblems(name: string, upstream: UpstreamConfig, env: Env): string[] {
  const texts: Array<[string, string | undefined]> = [
    ['command', upstream.command],
    ['url', upstream.url],
    ...upstream.args.map((arg, i): [string, string] => [`args[${i}]`, arg]),
    ...Object.entries(upstream.env).map(([key, value]): [string, string] => [`env.${key}`, value]),
    ...Object.entries(upstream.headers).map(([key, value]): [string, string] => [`headers.${key}`, value]),
  ];
  return texts.flatMap(([where, text]) => {
    const missing = text === undefined ? [] : missingVariables(text, env);
    return missing.length > 0 ? [`upstreams.${name}.${where}: uses ${missing.map((variable) => `\${${variable}}`).join(', ')}, which is not set`] : [];
  });
}

function commandProblems(name: string, upstream: UpstreamConfig, env: Env): string[] {
  const command = upstream.command;
  if (command === undefined || command.includes('${')) return [];
  const where = `upstreams.${name}.command`;
  if (command.includes('/')) {
    const file = path.resolve(upstream.cwd ?? process.cwd(), command);
    return isExecutable(file) ? [] : [`${where}: ${file} is not an executable file`];
  }
  const searchPath = upstream.env.PATH ?? env.PATH ?? '';
  const found = searchPath.split(path.delimiter).some((dir) => dir !== '' && isExecutable(path.join(dir, command)));
  return found ? [] : [`${where}: "${command}" was not found on PATH`];
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
