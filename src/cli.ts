/**
 * The `wasmer-ts` command: builds the commander program from one file per
 * subcommand and hands anything thrown to report.ts, the one place that prints
 * errors and chooses exit codes. Kept lean: each command imports the runtime
 * (and chalk, wabt, WASI) only inside its action, when it is needed.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  CommanderUsageError,
  EXIT,
  exitCodeHelp,
  isBrokenPipe,
  reportError,
  runCommandHint,
} from './commands/report.js';
import {
  commanderRunArguments,
  createRunCommand,
  fastRunArguments,
  type RunArguments,
  runFile,
} from './commands/run.js';
import { packageVersion } from './runtime/engine/paths.js';

/** Builds the program. `onError` collects commander's own messages so report.ts prints them. */
export async function buildProgram(onError: (message: string) => void): Promise<Command> {
  const [
    { Command },
    { callCommand },
    { inspectCommand },
    { validateCommand },
    { compileCommand },
    { createExeCommand },
    { cacheCommand },
    { typesCommand },
  ] = await Promise.all([
    import('commander'),
    import('./commands/call.js'),
    import('./commands/inspect.js'),
    import('./commands/validate.js'),
    import('./commands/compile.js'),
    import('./commands/create-exe.js'),
    import('./commands/cache.js'),
    import('./commands/types.js'),
  ]);
  const program = new Command('wasmer-ts')
    .description(
      'Run, call, inspect, validate and compile WebAssembly modules and components with V8, write .d.ts of them, or make executables of them.',
    )
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
  $ wasmer-ts run --dir .::/work app.wasm input.txt
  $ wasmer-ts inspect fixtures/simple.wasm --json

${exitCodeHelp()}`,
    );
  const runCommand = createRunCommand(Command);
  const commands = [
    runCommand,
    callCommand,
    inspectCommand,
    validateCommand,
    compileCommand,
    createExeCommand,
    cacheCommand,
    typesCommand,
  ];
  for (const command of commands) {
    inheritSettings(command, program);
    program.addCommand(command);
  }
  return program;
}

/** exitOverride and output settings for a command and its own subcommands (`cache ls`...). */
function inheritSettings(command: Command, parent: Command): void {
  command.copyInheritedSettings(parent);
  for (const sub of command.commands) inheritSettings(sub, command);
}

async function main(processArgv: readonly string[]): Promise<number> {
  // `| head` closing stdout is not an error: stop quietly. (commander's help and `-o -` write
  // through process.stdout; the fast path never builds it: commands/print.ts.)
  process.stdout.on('error', (error) => {
    if (isBrokenPipe(error)) process.exit(process.exitCode ?? EXIT.OK);
    throw error;
  });
  // Everything after run's FILE is the program's: commander gets a `--` before FILE (see run.ts).
  const argv =
    processArgv[2] === 'run'
      ? [...processArgv.slice(0, 3), ...commanderRunArguments(processArgv.slice(3))]
      : processArgv;
  let commanderMessage = '';
  const { CommanderError } = await import('commander');
  const program = await buildProgram((text) => {
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
      const hint = error.code === 'commander.unknownCommand' ? unknownCommandHint(argv.slice(2)) : null;
      const message = `${commanderMessage.trimEnd()}\n${hint === null ? '' : `${hint}\n`}(add --help for usage)`;
      return reportError(new CommanderUsageError(message, EXIT.USAGE), { json: wantsJson(argv) });
    }
    return reportError(error, { json: wantsJson(argv) });
  }
}

/** `wasmer-ts prog.wasm`: the word commander took for a command, when it names a module file. */
function unknownCommandHint(args: readonly string[]): string | null {
  const at = args.findIndex((arg) => !arg.startsWith('-'));
  const word = args[at];
  if (word === undefined) return null;
  return runCommandHint(word, args.slice(at + 1), existsSync(word));
}

/** `--json` given before any `--`: errors then also print a JSON document on stdout. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * The common cases skip commander and the command definitions (about a third
 * of the start-up time, and commander's files): every `run` that
 * `fastRunArguments` can read (FILE, what follows it, and the flags of `run`
 * before it: run.ts), and `call FILE FN ARGS...` with no flags. They call the
 * same code as the commands do, and leave anything else (help, a bad or unknown
 * flag, other commands) to commander, so both give the same results.
 * `WASMER_TS_FAST_PATH=0` sends everything through commander, to compare.
 */
export function fastCall(args: readonly string[]): { file: string; name: string; args: string[] } | null {
  const isOperand = (arg: string) => !arg.startsWith('-') || /^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/.test(arg);
  if (args[0] !== 'call') return null;
  const [file, name, ...rest] = args.slice(1);
  if (file === undefined || name === undefined || file.startsWith('-') || name.startsWith('-')) return null;
  if (!rest.every(isOperand)) return null;
  return { file, name, args: rest };
}

async function fastMain(fast: { file: string; name: string; args: string[] } | RunArguments): Promise<number> {
  try {
    if ('raw' in fast) {
      await runFile(fast.file, fast.rest, fast.raw);
    } else {
      const { DEFAULT_RUN_OPTIONS } = await import('./commands/options.js');
      const { invokeAndPrint } = await import('./commands/invoke.js');
      await invokeAndPrint(fast.file, fast.name, fast.args, DEFAULT_RUN_OPTIONS);
    }
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    return reportError(error, { json: 'raw' in fast && fast.raw.json === true });
  }
}

/**
 * Runs `wasmer-ts ARGS...` (`argv` as in `process.argv`) in this process and
 * returns its exit status. The entries call it: bin/wasmer-ts.js for the npm
 * package, src/standalone/main.ts for the standalone executable. Nothing runs
 * when this module is imported.
 */
export function cliMain(argv: readonly string[]): Promise<number> {
  const args = argv.slice(2);
  const fast =
    process.env.WASMER_TS_FAST_PATH === '0'
      ? null
      : args[0] === 'run'
        ? fastRunArguments(args.slice(1))
        : fastCall(args);
  return fast === null ? main(argv) : fastMain(fast);
}
