import { prepareStdoutMove } from '../transports/stdout-redirect.js';

/** Flags and subcommands that do something other than serve. */
const NOT_SERVING = new Set(['init', 'dev', '-h', '--help', '-v', '--version', '--validate-config', '--print-config', '--backup', '--restore', '--repair-database', '--migrate']);

/**
 * Whether these arguments and environment will probably serve over stdio (the default transport):
 * no other transport named by flag or environment (a config file may still name one), no action.
 */
export function probablyServesStdio(args: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (args.some((arg) => NOT_SERVING.has(arg))) return false;
  const flagged = args.findIndex((arg) => arg === '--transport' || arg === '-t');
  const inline = args.find((arg) => arg.startsWith('--transport='))?.slice('--transport='.length);
  const transport = inline ?? (flagged >= 0 ? args[flagged + 1] : undefined) ?? env.MCP_TRANSPORT_TYPE ?? env.MCP_TRANSPORT;
  return transport === undefined || transport.toLowerCase() === 'stdio';
}

// Runs before the rest of the CLI is even loaded (bin/mcp-server imports it first).
if (probablyServesStdio(process.argv.slice(2), process.env)) prepareStdoutMove();
