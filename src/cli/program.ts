import { Command, InvalidArgumentError, Option } from 'commander';
import { canonicalEnumValue, logFormats, logLevels, logLevelSynonyms, storageTypes, transportTypes } from '../config/schema.js';
import { serverVersion } from '../version.js';

export interface CliOptions {
  config?: string;
  transport?: string;
  host?: string;
  port?: string;
  toolsDir: string[];
  storage?: string;
  dataDir?: string;
  logLevel?: string;
  logFormat?: string;
  sslKeyfile?: string;
  sslCertfile?: string;
  watch?: boolean;
  debug?: boolean;
  metricsPort?: string;
  profile?: boolean;
  memoryProfile?: boolean;
  duration?: string;
  validateConfig?: boolean;
  printConfig?: boolean;
  format?: PrintFormat;
  backup?: boolean;
  output?: string;
  restore?: boolean;
  input?: string;
  dryRun?: boolean;
  repairDatabase?: boolean;
  migrate?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const printFormats = ['annotated', 'yaml'] as const;
export type PrintFormat = (typeof printFormats)[number];

/** One of `values`, in any case (`--log-level DEBUG`); help still lists the choices. */
function choice(flags: string, description: string, values: readonly string[], synonyms: Readonly<Record<string, string>> = {}): Option {
  return new Option(flags, description).choices(values).argParser((raw: string) => {
    const value = canonicalEnumValue(raw, values, synonyms);
    if (typeof value === 'string' && values.includes(value)) return value;
    throw new InvalidArgumentError(`Allowed choices are ${values.join(', ')}.`);
  });
}

function portNumber(value: string): string {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be an integer from 0 to 65535.');
  return value;
}

function positiveSeconds(value: string): string {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new InvalidArgumentError('must be a positive number of seconds.');
  return value;
}

/** `mcp-server dev`'s own options. */
export interface DevOptions {
  port?: string;
  host?: string;
  config?: string;
}

/** A command given by name (`mcp-server init DIR`, `mcp-server dev DIR`) instead of flags. */
export type Subcommand = { name: 'init'; dir: string } | { name: 'dev'; dir: string; options: DevOptions };

/**
 * The command line. Flags parse to raw strings; config loading owns their meaning. A subcommand is
 * handed to `onSubcommand` (commander's parse is synchronous; the caller runs it).
 */
export function buildProgram(onSubcommand: (command: Subcommand) => void = () => undefined): Command {
  const program = new Command('mcp-server')
    .description('Serve a directory of tool, resource and prompt modules as a Model Context Protocol server.')
    .version(serverVersion, '-v, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show this help and exit')
    .option('-c, --config <file>', 'YAML config file (default: ./config.yaml if present; env MCP_CONFIG_PATH)')
    .addOption(choice('-t, --transport <type>', 'how clients connect', transportTypes))
    .option('--host <address>', 'address the HTTP transports bind (default 127.0.0.1)')
    .option('-p, --port <number>', 'port the HTTP transports bind (default 8000)', portNumber)
    .option('--tools-dir <dir>', 'directory of modules to serve (repeatable; replaces tools.dirs)', collect, [])
    .addOption(choice('--storage <engine>', 'storage engine', storageTypes))
    .option('--data-dir <dir>', 'data directory (default ./data)')
    .addOption(choice('--log-level <level>', 'log level (any case)', logLevels, logLevelSynonyms))
    .addOption(choice('--log-format <format>', 'json lines, or pretty lines for people (logging.format)', logFormats))
    .option('--ssl-keyfile <file>', 'PEM private key: serve HTTPS (with --ssl-certfile)')
    .option('--ssl-certfile <file>', 'PEM certificate chain: serve HTTPS (with --ssl-keyfile)')
    .option('--watch', 'reload when a module file or the config file changes (module development)')
    .option('--debug', 'debug logs, and stack traces in tool error results (server.debug)')
    .option('--metrics-port <number>', 'also serve /metrics on 127.0.0.1:<port>, e.g. under stdio (metrics.port)', portNumber)
    .option('--profile', 'write a CPU profile (.cpuprofile) after --duration seconds of serving, or at shutdown')
    .option('--memory-profile', 'write a sampling heap profile (.heapprofile) after --duration seconds, or at shutdown')
    .option('--duration <seconds>', 'how long --profile / --memory-profile record', positiveSeconds)
    .option('--validate-config', 'check the config and modules, print every problem, exit non-zero on any')
    .option('--print-config', 'print the effective config and where each value came from')
    .addOption(choice('--format <format>', "with --print-config: annotated (default) or yaml (a clean config file in today's keys)", printFormats))
    .option('--backup', 'write a portable backup of the data directory (with --output)')
    .option('--output <file>', 'backup archive to write (.tar.gz)')
    .option('--restore', 'restore a backup into the configured engine (with --input)')
    .option('--input <file>', 'backup archive to restore')
    .option('--dry-run', 'with --restore: verify and report, change nothing')
    .option('--repair-database', 'check the data directory and repair what can be repaired')
    .option('--migrate', 'upgrade the data directory to the current schema version')
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .helpCommand(false)
    // `mcp-server dev --port N`: options after a command name are that command's
    .enablePositionalOptions()
    // without a subcommand, the flags are the command (main runs it)
    .action(() => undefined);
  program
    .command('init')
    .description('write a starter tools directory (a tool, a resource, a prompt, a test, config.yaml, package.json) that serves and passes its test at once')
    .argument('[dir]', 'directory to write (created if missing; must not hold the starter files yet)', '.')
    .action((dir: string) => onSubcommand({ name: 'init', dir }));
  program
    .command('dev')
    .description('serve a tools directory over Streamable HTTP for development: reloads on every change, pretty logs, prints the URL and client configs')
    .argument('[dir]', 'tools directory (its config.yaml is used when it has one)', '.')
    .option('-p, --port <number>', 'port to listen on (default 8000)', portNumber)
    .option('--host <address>', 'address to bind (default 127.0.0.1)')
    .option('-c, --config <file>', 'config file (default: <dir>/config.yaml when present)')
    .action((dir: string, options: DevOptions) => onSubcommand({ name: 'dev', dir, options }));
  return program;
}
