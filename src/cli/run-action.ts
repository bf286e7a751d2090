import { loadConfig } from '../config/load.js';
import { formatProblems, formatWarnings } from '../config/problems.js';
import type { Config } from '../config/schema.js';
import type { LoadConfigOptions } from '../config/types.js';
import type { Host } from '../server/host.js';
import { logConfigWarnings } from './config-warnings.js';
import type { CliOptions } from './program.js';
import type { Profiles } from './profiles.js';
import { serve } from './serve.js';
import type { StorageCommand } from './storage-command.js';

const USAGE_ERROR = 2;

const ACTIONS = ['validateConfig', 'printConfig', 'backup', 'restore', 'repairDatabase', 'migrate'] as const;
const FLAG_OF: Record<(typeof ACTIONS)[number], string> = {
  validateConfig: '--validate-config',
  printConfig: '--print-config',
  backup: '--backup',
  restore: '--restore',
  repairDatabase: '--repair-database',
  migrate: '--migrate',
};

export interface ActionContext {
  /** Where relative paths and the default ./config.yaml are looked up (default: the working directory). */
  cwd?: string;
  /** Called once a server is up (mcp-server dev prints where it listens). */
  onServing?: (host: Host) => void;
}

/** Checks flag combinations, loads the config, and runs the one action the flags ask for. */
export async function runAction(options: CliOptions, context: ActionContext = {}): Promise<number> {
  const usage = usageProblem(options);
  if (usage) {
    process.stderr.write(`mcp-server: ${usage}\n`);
    return USAGE_ERROR;
  }
  const loadOptions: LoadConfigOptions = {
    ...(options.config ? { configPath: options.config } : {}),
    env: process.env,
    cwd: context.cwd ?? process.cwd(),
    flags: {
      transport: options.transport,
      host: options.host,
      port: options.port,
      toolsDirs: options.toolsDir.length > 0 ? options.toolsDir : undefined,
      storage: options.storage,
      dataDir: options.dataDir,
      logLevel: options.logLevel ?? (options.debug ? 'debug' : undefined),
      logFormat: options.logFormat,
      sslKeyfile: options.sslKeyfile,
      sslCertfile: options.sslCertfile,
      watch: options.watch,
      debug: options.debug,
      metricsPort: options.metricsPort,
    },
  };
  const loaded = loadConfig(loadOptions);
  const startsServer = !ACTIONS.some((action) => options[action]);
  // A server logs its warnings (once, at start); every other action prints them before anything else.
  if (loaded.warnings.length > 0 && (!startsServer || !loaded.ok)) process.stderr.write(`${formatWarnings(loaded.warnings)}\n`);
  if (!loaded.ok) {
    process.stderr.write(`${formatProblems(loaded.problems)}\n`);
    process.stderr.write(`mcp-server: configuration is invalid (${count(loaded.problems.length, 'problem')}${warningCount(loaded.warnings)})\n`);
    return 1;
  }
  // every action but serving is loaded when asked for: a server starts without their code
  if (options.printConfig) {
    const { formatCleanConfig, formatEffectiveConfig } = await import('../config/print.js');
    process.stdout.write(options.format === 'yaml' ? formatCleanConfig(loaded) : `${formatEffectiveConfig(loaded)}\n`);
    return 0;
  }
  if (options.validateConfig) return (await import('./validate.js')).validate(loaded);
  const config: Config = loaded.config;
  if (options.backup) return runStorageCommand('backup', config, options.output!);
  if (options.restore) return runStorageCommand(options.dryRun ? 'restore-dry-run' : 'restore', config, options.input!);
  if (options.repairDatabase) return runStorageCommand('repair', config);
  if (options.migrate) return runStorageCommand('migrate', config);
  logConfigWarnings(config, loaded.warnings);
  serving = true;
  const profiles = await startProfiles(options);
  try {
    // a reload reads the file and the environment again, with these same flags
    return await serve(loaded, () => loadConfig(loadOptions), context.onServing);
  } finally {
    await profiles.finish();
  }
}

const runStorageCommand = async (command: StorageCommand, config: Config, file?: string): Promise<number> => (await import('./storage-command.js')).runStorageCommand(command, config, file);

/** --profile / --memory-profile (the inspector is loaded only for them). */
async function startProfiles(options: CliOptions): Promise<Profiles> {
  if (!options.profile && !options.memoryProfile) return { finish: async () => undefined };
  const profiles = await import('./profiles.js');
  return profiles.startProfiles(profiles.profileOptions(options));
}

let serving = false;
export const isServing = (): boolean => serving;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const warningCount = (warnings: readonly unknown[]) => (warnings.length > 0 ? `, ${count(warnings.length, 'warning')}` : '');

function usageProblem(options: CliOptions): string | undefined {
  const chosen = ACTIONS.filter((action) => options[action]);
  if (chosen.length > 1) return `choose one of ${chosen.map((action) => FLAG_OF[action]).join(', ')}`;
  if (options.backup && !options.output) return '--backup needs --output FILE';
  if (options.restore && !options.input) return '--restore needs --input FILE';
  if (options.output && !options.backup) return '--output goes with --backup';
  if (options.input && !options.restore) return '--input goes with --restore';
  if (options.dryRun && !options.restore) return '--dry-run goes with --restore';
  if (options.format && !options.printConfig) return '--format goes with --print-config';
  const profiling = options.profile || options.memoryProfile;
  if (profiling && chosen.length > 0) return `--profile and --memory-profile go with serving, not with ${FLAG_OF[chosen[0]!]}`;
  if (options.duration && !profiling) return '--duration goes with --profile or --memory-profile';
  return undefined;
}
