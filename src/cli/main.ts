import { CommanderError } from 'commander';
import { buildProgram, type CliOptions, type Subcommand } from './program.js';
import { isServing, runAction } from './run-action.js';

const USAGE_ERROR = 2;

// `pidof mcp-server`, `ps` and `top` show the server by name rather than as "node".
process.title = 'mcp-server';

async function main(argv: string[]): Promise<number> {
  let subcommand: Subcommand | undefined;
  const program = buildProgram((command) => (subcommand = command));
  for (const command of [program, ...program.commands]) {
    command.exitOverride();
    command.configureOutput({
      writeErr: (text) => {
        // commander may add a suggestion on a second line; keep the error to one line
        const line = text.replace(/\s*\n\s*/g, ' ').trim();
        if (line) process.stderr.write(`mcp-server: ${line.replace(/^error: /, '')}\n`);
      },
    });
  }
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_ERROR;
    throw error;
  }
  // subcommands are loaded only when named: serving starts without them
  if (subcommand?.name === 'init') return (await import('./init.js')).init(subcommand.dir);
  if (subcommand?.name === 'dev') return (await import('./dev.js')).dev(subcommand.dir, subcommand.options);
  return runAction(program.opts<CliOptions>());
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // a server that stopped may still hold stdin or timers open; its work is done
    if (isServing()) setImmediate(() => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`mcp-server: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
