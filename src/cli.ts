/**
 * The `wasmer-ts` command: builds the commander program from one file per
 * subcommand and hands anything thrown to report.ts, the one place that prints
 * errors and chooses exit codes. Kept lean: each command imports the runtime
 * (and chalk, wabt, WASI) only inside its action, when it is needed.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { callCommand } from './commands/call.js';
import { compileCommand } from './commands/compile.js';
import { inspectCommand } from './commands/inspect.js';
import { CommanderUsageError, EXIT, exitCodeHelp, isBrokenPipe, reportError } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { validateCommand } from './commands/validate.js';

function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** Builds the program. `onError` collects commander's own messages so report.ts prints them. */
export function buildProgram(onError: (message: string) => void): Command {
  const program = new Command('wasmer-ts')
    .description('Run, call, inspect, validate and compile WebAssembly modules with V8.')
    .version(packageVersion(), '-V, --version', 'print the wasmer-ts version')
    .helpOption('-h, --help', 'show help (every command has its own: wasmer-ts run --help)')
    .exitOverride()
    .configureOutput({ outputError: (text) => onError(text) })
    .addHelpText(
      'after',
      `
Examples:
  $ wasmer-ts run fixtures/simple.wasm --invoke sum 5 37
  42
  $ wasmer-ts run app.wasm --dir .::/work -- input.txt
  $ wasmer-ts inspect fixtures/simple.wasm --json

${exitCodeHelp()}`,
    );
  for (const command of [runCommand, callCommand, inspectCommand, validateCommand, compileCommand]) {
    command.copyInheritedSettings(program);
    program.addCommand(command);
  }
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  let commanderMessage = '';
  const program = buildProgram((text) => {
    commanderMessage += text;
  });
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; every other commander error is a usage error.
      if (error.exitCode === 0) return EXIT.OK;
      if (commanderMessage === '') return EXIT.USAGE; // help shown for a missing subcommand
      return reportError(new CommanderUsageError(`${commanderMessage.trimEnd()}\n(add --help for usage)`, EXIT.USAGE));
    }
    return reportError(error);
  }
}

// `| head` closing stdout is not an error: stop quietly.
process.stdout.on('error', (error) => {
  if (isBrokenPipe(error)) process.exit(process.exitCode ?? EXIT.OK);
  throw error;
});

process.exitCode = await main(process.argv);
