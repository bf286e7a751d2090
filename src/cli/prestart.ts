import { prepareStdoutMove } from '../transports/stdout-redirect.js';

/** Flags and subcommands that do something other than serve. */
const NOT_SERVING = new Set(['init', 'dev', '-h', '--help', '-v', '--version', '--validate-config', '--print-config', '--backup', '--restore', '--repair-database', '--migrate']);

export type ProbableStart = 'stdio' | 'network' | 'command';

/**
 * What these arguments and environment will probably do: serve over stdio (the default transport:
 * no other named by flag or environment), serve over the network, or run a command or subcommand.
 * A config file may still name another transport.
 */
export function probableStart(args: readonly string[], env: NodeJS.ProcessEnv): ProbableStart {
  if (args.some((arg) => NOT_SERVING.has(arg))) return 'command';
  const flagged = args.findIndex((arg) => arg === '--transport' || arg === '-t');
  const inline = args.find((arg) => arg.startsWith('--transport='))?.slice('--transport='.length);
  const transport = inline ?? (flagged >= 0 ? args[flagged + 1] : undefined) ?? env.MCP_TRANSPORT_TYPE ?? env.MCP_TRANSPORT;
  return transport === undefined || transport.toLowerCase() === 'stdio' ? 'stdio' : 'network';
}

// Runs before the rest of the CLI is even loaded (bin/mcp-server imports it first).
export const start: ProbableStart = probableStart(process.argv.slice(2), process.env);
if (start === 'stdio') prepareStdoutMove();
