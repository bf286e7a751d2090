import { readFileSync } from 'node:fs';
import { chooseConfigFile } from '../config/config-path.js';
import { prepareStdoutMove } from '../transports/stdout-redirect.js';

/** Flags and subcommands that do something other than serve. */
const NOT_SERVING = new Set(['init', 'dev', '-h', '--help', '-v', '--version', '--validate-config', '--print-config', '--backup', '--restore', '--repair-database', '--migrate']);

export type ProbableStart = 'stdio' | 'network' | 'command';

/**
 * What these arguments, environment and config file will probably do: serve over stdio (the
 * default transport: no other named), serve over the network, or run a command or subcommand.
 * A guess, read before the CLI is loaded: the CLI reads and checks everything again, and a wrong
 * guess costs only what it would have saved.
 */
export async function probableStart(args: readonly string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<ProbableStart> {
  if (args.some((arg) => NOT_SERVING.has(arg))) return 'command';
  const transport = optionValue(args, '--transport', '-t') ?? env.MCP_TRANSPORT_TYPE ?? env.MCP_TRANSPORT ?? (await transportInConfigFile(optionValue(args, '--config', '-c'), env, cwd));
  return transport === undefined || transport.toLowerCase() === 'stdio' ? 'stdio' : 'network';
}

function optionValue(args: readonly string[], long: string, short: string): string | undefined {
  const inline = args.find((arg) => arg.startsWith(`${long}=`))?.slice(long.length + 1);
  const flagged = args.findIndex((arg) => arg === long || arg === short);
  return inline ?? (flagged >= 0 ? args[flagged + 1] : undefined);
}

/** A network transport's name, as a config file would spell it (transport types are case-insensitive). */
const NETWORK_TRANSPORT = /\b(?:http-stream|streamable-http|sse)\b/i;

/**
 * `transport.type` of the config file the CLI will read; undefined when there is none or it does
 * not parse. The YAML parser loads (early) only for a file that names a network transport
 * somewhere: a stdio server's cold start does not wait for it.
 */
async function transportInConfigFile(configPath: string | undefined, env: NodeJS.ProcessEnv, cwd: string): Promise<string | undefined> {
  try {
    const choice = chooseConfigFile({ configPath, env, cwd });
    const text = choice ? readFileSync(choice.file, 'utf8') : '';
    if (!NETWORK_TRANSPORT.test(text)) return undefined;
    const { parse } = await import('yaml');
    const type = (parse(text) as { transport?: { type?: unknown } } | null)?.transport?.type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

// Runs before the rest of the CLI is even loaded (bin/mcp-server imports it first).
export const start: ProbableStart = await probableStart(process.argv.slice(2), process.env);
if (start === 'stdio') prepareStdoutMove();
