import { loadConfig } from '../config/load.js';
import { formatEffectiveConfig, formatProblems } from '../config/print.js';
import type { Config } from '../config/schema.js';
import type { CliOptions } from './program.js';
import { serve } from './serve.js';
import { runStorageCommand } from './storage-command.js';
import { validate } from './validate.js';

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

/** Checks flag combinations, loads the config, and runs the one action the flags ask for. */
export async function runAction(options: CliOptions): Promise<number> {
  const usage = usageProblem(options);
  if (usage) {
    process.stderr.write(`mcp-server: ${usage}\n`);
    return USAGE_ERROR;
  }
  const loaded = loadConfig({
    ...(options.config ? { configPath: options.config } : {}),
    env: process.env,
    cwd: process.cwd(),
    flags: {
      transport: options.transport,
      host: options.host,
      port: options.port,
      toolsDirs: options.toolsDir.length > 0 ? options.toolsDir : undefined,
      storage: options.storage,
      dataDir: options.dataDir,
      logLevel: options.logLevel,
      sslKeyfile: options.sslKeyfile,
      sslCertfile: options.sslCertfile,
    },
  });
  if (!loaded.ok) {
    process.stderr.write(`${formatProblems(loaded.problems)}\n`);
    process.stderr.write(`mcp-server: configuration is invalid (${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'})\n`);
    return 1;
  }
  if (options.printConfig) {
    process.stdout.write(`${formatEffectiveConfig(loaded)}\n`);
    return 0;
  }
  if (options.validateConfig) return validate(loaded);
  const config: Config = loaded.config;
  if (options.backup) return runStorageCommand('backup', config, options.output!);
  if (options.restore) return runStorageCommand(options.dryRun ? 'restore-dry-run' : 'restore', config, options.input!);
  if (options.repairDatabase) return runStorageCommand('repair', config);
  if (options.migrate) return runStorageCommand('migrate', config);
  serving = true;
  return serve(config);
}

let serving = false;
export const isServing = (): boolean => serving;

function usageProblem(options: CliOptions): string | undefined {
  const chosen = ACTIONS.filter((action) => options[action]);
  if (chosen.length > 1) return `choose one of ${chosen.map((action) => FLAG_OF[action]).join(', ')}`;
  if (options.backup && !options.output) return '--backup needs --output FILE';
  if (options.restore && !options.input) return '--restore needs --input FILE';
  if (options.output && !options.backup) return '--output goes with --backup';
  if (options.input && !options.restore) return '--input goes with --restore';
  if (options.dryRun && !options.restore) return '--dry-run goes with --restore';
  return undefined;
}
