/**
 * `wasmer-ts run [OPTIONS] FILE [ARGS...]`: runs a WASI program's `_start`
 * (exit status = the program's), or calls one export with `--invoke NAME` and
 * prints its results.
 *
 * Everything after FILE is the program's, as with wasmtime: `run pandoc.wasm
 * --version` asks pandoc, `run icepll.wasm -i 12 -o 48` gives icepll its `-i`.
 * Our flags go before FILE, and a `--` ends them. After FILE only two things
 * are ours:
 * - `--invoke NAME` (or `--invoke=NAME`) right after FILE, the documented
 *   `run simple.wasm --invoke sum 5 37`;
 * - a `--` right after FILE, which ends our flags there (`run app.wasm --
 *   --invoke` gives the program `--invoke`); after a `--` before FILE nothing
 *   is ours. With `--invoke`, the first `--` among the function's arguments
 *   is skipped as it always was (no literal is `--`), so `run m.wasm --invoke
 *   f -- -inf` still works, though `-inf` no longer needs it.
 * A flag of ours found among the program's arguments is the program's; on a
 * terminal, a one-line note says so (once), since it used to be ours.
 *
 * This file does not load commander (only its types): cli.ts parses the common
 * command lines itself (`fastRunArguments`) and calls the same `runFile` as the
 * commander command from `createRunCommand`, which gets argv with a `--` put
 * before FILE (`commanderRunArguments`) so that it leaves the rest alone.
 */
import type { Command } from 'commander';
import { ArgumentError } from '../runtime/errors.js';
import { exportedFunctions } from '../runtime/find-export.js';
import { formatExportSignature } from './format.js';
import { inputLabel, loadModuleOrComponent } from './input.js';
import { invokeAndPrint, wasiOptions } from './invoke.js';
import {
  addJsonOption,
  addRunOptions,
  applyRunFlag,
  type RawRunOptions,
  RUN_BOOLEAN_FLAGS,
  RUN_VALUE_FLAGS,
  runOptionsFrom,
} from './options.js';
import { noteMemoryCap, printJson } from './output.js';
import { printErr } from './print.js';
import { CommanderUsageError, EXIT, fromRun } from './report.js';

export interface RawOptions extends RawRunOptions {
  invoke?: string;
}

/** Flags of `run` that take a value, with their short forms (`-i`). */
const VALUE_FLAGS: ReadonlySet<string> = new Set(['-i', '--invoke', ...RUN_VALUE_FLAGS]);
const BOOLEAN_FLAGS: ReadonlySet<string> = new Set(RUN_BOOLEAN_FLAGS);
/** Shown and exited on by commander (the program's `-V` too), wherever they are before FILE. */
const HELP_FLAGS: ReadonlySet<string> = new Set(['-h', '--help', '-V', '--version']);
/** Every flag `run` took before FILE became the boundary: the ones worth a note when they follow FILE. */
const OUR_FLAGS: ReadonlySet<string> = new Set([...VALUE_FLAGS, ...BOOLEAN_FLAGS, ...HELP_FLAGS]);

/** Commander's test for an operand that looks like an option but is a negative number (`-5`, `-.5e3`). */
const NEGATIVE_NUMBER = /^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/;

/** Where FILE is in `run`'s arguments, read the way commander reads them. */
export type FileAt =
  /** `args[index]` is FILE. `afterDashes`: a `--` came just before it. `unknown`: the first unknown flag before it. */
  | { readonly index: number; readonly afterDashes: boolean; readonly unknown: string | null }
  /** No FILE, a value missing, or help or version asked for before FILE: commander decides alone. */
  | null;

/** Finds FILE in `args` (argv after `run`): the first operand, skipping our flags and their values. */
export function findFile(args: readonly string[]): FileAt {
  let unknown: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') return i + 1 < args.length ? { index: i + 1, afterDashes: true, unknown } : null;
    if (arg.length < 2 || !arg.startsWith('-') || NEGATIVE_NUMBER.test(arg)) {
      return { index: i, afterDashes: false, unknown };
    }
    if (HELP_FLAGS.has(arg) || /^-[hV]/.test(arg)) return null; // -h, -V, and groups such as -hx
    if (VALUE_FLAGS.has(arg)) {
      if (++i >= args.length) return null; // commander: "argument missing"
    } else if (/^-i./.test(arg)) {
      // -iNAME
    } else if (arg.startsWith('--') && arg.includes('=') && VALUE_FLAGS.has(arg.slice(0, arg.indexOf('=')))) {
      // --flag=value
    } else if (!BOOLEAN_FLAGS.has(arg)) {
      // Commander takes an unknown flag to have no value, and fails on it.
      unknown ??= arg;
    }
  }
  return null;
}

/**
 * `run`'s arguments as commander should get them: a `--` before FILE, so that
 * it reads none of the program's arguments as flags, or, when an unknown flag
 * comes before FILE, only what precedes FILE (commander then fails on that flag;
 * given the rest, a `--help` of the program's would have shown our help instead).
 */
export function commanderRunArguments(args: readonly string[]): string[] {
  const at = findFile(args);
  if (at === null) return [...args];
  if (at.unknown !== null) return args.slice(0, at.index);
  const before = at.afterDashes ? args.slice(0, at.index - 1) : args.slice(0, at.index);
  return [...before, '--', args[at.index] as string, ...afterFile(args, at)];
}

/**
 * The arguments after FILE, for `runFile`. A `--` before FILE ended our flags, so
 * nothing after FILE is ours either: that is said with a `--` in front, which
 * `splitAfterFile` takes the way it takes a `--` written right after FILE.
 */
function afterFile(args: readonly string[], at: { readonly index: number; readonly afterDashes: boolean }): string[] {
  const rest = args.slice(at.index + 1);
  return at.afterDashes ? ['--', ...rest] : rest;
}

export interface RunArguments {
  readonly file: string;
  /** Everything after FILE, as given (after a `--` of its own when a `--` came before FILE). */
  readonly rest: readonly string[];
  readonly raw: RawOptions;
}

/**
 * `run`'s arguments parsed without commander, or null when commander should
 * parse them: help, version, an unknown flag, a flag group (`-isum`), a value
 * that starts with `-` (commander's program-level `-V` would take it), a
 * refused `--compiler` choice or any other bad value. Whatever it accepts,
 * commander parses the same way (test/cli/fast-path.test.ts); whatever it
 * refuses, commander reports in its own words.
 */
export function fastRunArguments(args: readonly string[]): RunArguments | null {
  const at = findFile(args);
  if (at === null || at.unknown !== null) return null;
  const flags = args.slice(0, at.afterDashes ? at.index - 1 : at.index);
  const raw: RawOptions = {};
  try {
    for (let i = 0; i < flags.length; i++) {
      let flag = flags[i] as string;
      let value: string | undefined;
      const equals = flag.startsWith('--') ? flag.indexOf('=') : -1;
      if (equals !== -1) {
        value = flag.slice(equals + 1);
        flag = flag.slice(0, equals);
        if (!VALUE_FLAGS.has(flag)) return null;
      } else if (VALUE_FLAGS.has(flag)) {
        value = flags[++i] as string;
        if (value.startsWith('-')) return null;
      }
      if (flag === '-i' || flag === '--invoke') raw.invoke = value as string;
      else if (!applyRunFlag(raw, flag, value)) return null;
    }
  } catch {
    return null;
  }
  return { file: args[at.index] as string, rest: afterFile(args, at), raw };
}

/** What follows FILE, split into ours and the program's (see the top of this file). */
export interface AfterFile {
  /** `--invoke NAME` right after FILE. */
  readonly invoke: string | undefined;
  /** The program's arguments, or the function's. */
  readonly args: string[];
  /** The first of our flags among them, unless a `--` of ours said they are the program's. */
  readonly strayFlag: string | null;
}

/** Splits the arguments after FILE; `invoking`: `--invoke` was given before FILE. */
export function splitAfterFile(rest: readonly string[], invoking: boolean): AfterFile {
  let start = 0;
  let invoke: string | undefined;
  const first = rest[0];
  if (first === '--invoke') {
    if (rest.length < 2) {
      // As commander says it for `--invoke` with nothing after it before FILE.
      throw new CommanderUsageError(
        "error: option '-i, --invoke <function>' argument missing\n(add --help for usage)",
        EXIT.USAGE,
      );
    }
    invoke = rest[1];
    start = 2;
  } else if (first?.startsWith('--invoke=')) {
    invoke = first.slice('--invoke='.length);
    start = 1;
  }
  const args = rest.slice(start);
  const dashes = args.indexOf('--');
  if (dashes === 0) return { invoke, args: args.slice(1), strayFlag: null };
  const strayFlag = (dashes === -1 ? args : args.slice(0, dashes)).find(isOurFlag) ?? null;
  // A function's arguments never include "--": the first one is a separator, as it always was.
  if ((invoking || invoke !== undefined) && dashes !== -1) args.splice(dashes, 1);
  return { invoke, args, strayFlag: strayFlag === null ? null : strayFlag.replace(/=.*/s, '') };
}

function isOurFlag(arg: string): boolean {
  return OUR_FLAGS.has(arg.startsWith('--') ? arg.replace(/=.*/s, '') : arg);
}

/** The note for a flag of ours after FILE; cli.ts prints it only when stderr is a terminal. */
export function strayFlagNote(flag: string, invoking: boolean): string {
  const owner = invoking ? 'the function' : 'the program';
  return `note: ${flag} after FILE goes to ${owner}; put wasmer-ts flags before FILE\n`;
}

/** The `run` command: FILE and what follows it, and the flags before FILE (`raw`). */
export async function runFile(file: string, rest: readonly string[], raw: RawOptions): Promise<void> {
  const after = splitAfterFile(rest, raw.invoke !== undefined);
  const name = after.invoke ?? raw.invoke;
  if (after.strayFlag !== null && process.stderr.isTTY) {
    printErr(strayFlagNote(after.strayFlag, name !== undefined));
  }
  const options = runOptionsFrom(raw);
  if (name !== undefined) {
    await invokeAndPrint(file, name, after.args, options);
    return;
  }

  const loaded = await loadModuleOrComponent(file, options);
  const label = inputLabel(file);
  const isModule = 'info' in loaded;
  if (!isModule) {
    // component-invoke.js (its chunk took 2.5 ms to load on Node 20) only to list the functions of a non-command.
    const { isWasiCommand } = await import('../runtime/program/run-component.js');
    if (!isWasiCommand(loaded)) {
      const { checkCommand } = await import('./component-invoke.js');
      checkCommand(loaded, label);
    }
  }
  const functions = isModule ? exportedFunctions(loaded.info) : [];
  if (isModule && !functions.some((f) => f.name === '_start')) {
    const list = functions.map((f) => `  ${formatExportSignature(f.name, f.type)}`).join('\n');
    throw new ArgumentError(
      'ERR_NO_EXPORT',
      `${label} has no _start function to run; call one of its exports with --invoke FUNCTION [ARGS...]` +
        (functions.length === 0 ? ' (it exports no functions)' : `:\n${list}`),
    );
  }
  const { runProgram } = await import('../runtime/program/run-program.js');
  const { exitCode } = await runProgram({
    // A component runs with the WASI 0.2 host, a module with preview1's.
    ...(isModule ? { module: loaded, compiler: options.compiler } : { component: loaded }),
    wasi: wasiOptions([file, ...after.args], options),
    ...(options.timeoutMs !== null ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxMemoryBytes !== null ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
    // Only a cap can be reached; process.stderr is not looked at otherwise (see print.ts).
    ...(isModule && options.maxMemoryBytes !== null && (options.verbose || process.stderr.isTTY)
      ? { onMemoryCap: noteMemoryCap }
      : {}),
  }).catch((error: unknown) => {
    throw fromRun(label, error);
  });
  if (options.json) printJson({ exitCode });
  // The program's own status is the command's (WASI proc_exit passes through).
  process.exitCode = exitCode;
}

/** The commander definition of `run`, for `--help` and whatever `fastRunArguments` leaves to commander. */
export function createRunCommand(CommandClass: typeof Command): Command {
  return addJsonOption(
    addRunOptions(
      new CommandClass('run')
        .description('Run a WebAssembly program (WASI _start), or call one exported function with --invoke')
        .argument('<file>', '.wasm, .wat, or a module compiled by `wasmer-ts compile`')
        .argument('[args...]', "everything after FILE: the program's arguments, or the function's with --invoke")
        .option(
          '-i, --invoke <function>',
          'call this exported function instead of _start and print its results (also right after FILE)',
        )
        .option(
          '--verbose',
          'print notes about the run on stderr even when it is not a terminal (the program reaching --max-memory)',
        ),
    ),
  )
    .addHelpText(
      'after',
      `
Flags of wasmer-ts go before FILE; everything after FILE goes to the program
(run pandoc.wasm --version asks pandoc). After FILE, only --invoke NAME right
after FILE is ours. "--" ends our flags, before FILE or right after it
(run app.wasm -- --invoke gives the program --invoke).

Arguments of --invoke are parsed by the function's parameter types: i32/i64 in
decimal or 0x hex (negative and unsigned forms both accepted), f32/f64 as 1.5,
-0, 1e10, 0x1.8p3, nan, inf, -inf, v128 as a 128-bit integer or lanes
(i32x4:1,2,3,4). A "--" among them is skipped. Results print one per line.

For a component, each argument is one WAVE literal parsed by the parameter's
type: "text", 5, -1.5, true, 'c', [1, 2], (1, "a"), {x: 1, y: 2}, red,
{read, write} for flags, some(3), none, ok("y"), err(5); the result prints in
WAVE (an err(...) result too, with exit status 0). Name a function of an
exported interface INTERFACE#NAME (wasi:cli/run@0.2.3#run, or without the
version). A WASI 0.2 command component (exporting wasi:cli/run) runs as a
WASI program does, with the same flags; a component gets the WASI 0.2 host
for its wasi:*@0.2.x imports, and one with other imports exits with 5.

Examples:
  $ wasmer-ts run fixtures/simple.wasm --invoke sum 5 37
  42
  $ wasmer-ts run --dir ./data::/data --env GREETING=hi hello.wasm --verbose input.txt
  $ wasmer-ts run --timeout 5s --max-memory 256MiB loop.wasm
  $ wasmer-ts run fixtures/components/greet.wasm --invoke greet '"world"'
  "Hello, world!"
  $ wasmer-ts run --dir ./data::/data app.component.wasm input.txt`,
    )
    .action((file: string, rest: string[], raw: RawOptions) => runFile(file, rest, raw));
}
