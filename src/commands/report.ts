/**
 * The one place that turns errors into text and exit codes. Commands throw;
 * `cli.ts` hands whatever escapes to `reportError`, which prints it on stderr and
 * returns the exit status. Nothing else in the CLI decides an exit code, except
 * a WASI program's own status, which `run` passes through.
 */
import {
  ArgumentError,
  ArtifactError,
  CompileError,
  InputError,
  LinkError,
  OutOfMemoryError,
  TimeoutError,
  Trap,
  WasiError,
  WasiExit,
  WasmException,
  WasmerError,
  WasmParseError,
  WatError,
} from '../runtime/errors.js';
import { printableText } from './format.js';
import { printErr, printOut } from './print.js';

/** Exit statuses of every command. `n` (a WASI program's `proc_exit(n)`) is passed through as is. */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  INPUT: 3,
  INVALID_MODULE: 4,
  LINK: 5,
  OUT_OF_MEMORY: 6,
  TIMEOUT: 124,
  TRAP: 134,
} as const;

/** The table shown by `--help` and in the README. */
export const EXIT_CODE_TABLE: readonly (readonly [code: string, meaning: string])[] = [
  ['0', 'success'],
  ['1', 'internal error (a bug in wasmer-ts: the stack is printed, please report it)'],
  ['2', 'usage error (unknown flag, bad value, unknown export, wrong argument count or type)'],
  ['3', 'input unreadable (missing file, directory, permission denied, empty file)'],
  ['4', 'invalid module (parse, validation or .wat error; `validate` when any file is invalid)'],
  ['5', 'link error (a missing or mistyped import, or no memory export for WASI)'],
  ['6', 'out of memory (V8 could not allocate the Wasm memory of the instance)'],
  ['124', 'time limit reached (--timeout)'],
  ['134', 'the guest trapped, or threw a Wasm exception nothing caught (message and Wasm backtrace on stderr)'],
  ['n', 'a WASI program exited with proc_exit(n) (`run` passes it through)'],
];

/** The exit-code table as help text. */
export function exitCodeHelp(): string {
  const width = Math.max(...EXIT_CODE_TABLE.map(([code]) => code.length));
  return `Exit status:\n${EXIT_CODE_TABLE.map(([code, meaning]) => `  ${code.padStart(width)}  ${meaning}`).join('\n')}`;
}

/**
 * An error that happened while reading, loading or running one named file. The
 * reporter prints `FILE: message` (or the message alone, `isBare`), takes the exit
 * code from the wrapped error, and names the file in `--json`'s `file`.
 */
export class InFile extends Error {
  readonly file: string;
  readonly error: unknown;
  /**
   * The wrapped message is printed as it is, without `FILE: `: it names the file
   * itself, or it is about a run of the file (a trap), which `--json`'s `file` names.
   */
  readonly isBare: boolean;
  constructor(file: string, error: unknown, options: { readonly isBare?: boolean } = {}) {
    const isBare = options.isBare === true;
    super(isBare ? messageOf(error) : `${file}: ${messageOf(error)}`);
    this.name = 'InFile';
    this.file = file;
    this.error = error;
    this.isBare = isBare;
  }
}

/** Commander's own errors (unknown flag, missing argument, bad choice), already worded by commander. */
export class CommanderUsageError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CommanderUsageError';
    this.exitCode = exitCode;
  }
}

/**
 * The hint for `wasmer-ts WORD ARGS...` when WORD is no command but looks like a
 * module file (it exists, or ends in .wasm, .wat or .wasmu): `(did you mean:
 * wasmer-ts run prog.wasm?)`, with ARGS after it. Null when it does not look like one.
 */
export function runCommandHint(word: string, rest: readonly string[], isExisting: boolean): string | null {
  if (!isExisting && !/\.(wasm|wat|wasmu)$/i.test(word)) return null;
  return `(did you mean: wasmer-ts run ${[word, ...rest].map(shellWord).join(' ')}?)`;
}

/** `prog.wasm` as is, `it's` as `'it'\''s'`: a word to paste into a POSIX shell. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * Not a failure: the command ran in a child Node started with other V8 flags
 * (relaunch.ts), which printed everything itself. Its exit status is ours.
 */
export class Relaunched extends Error {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super(`the command ran in a relaunched Node and exited with ${exitCode}`);
    this.name = 'Relaunched';
    this.exitCode = exitCode;
  }
}

/** The exit status for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof InFile) return exitCodeFor(error.error);
  if (error instanceof Relaunched) return error.exitCode;
  if (error instanceof WasiExit) return error.exitCode;
  if (error instanceof CommanderUsageError) return error.exitCode;
  if (error instanceof ArgumentError || error instanceof WasiError) return EXIT.USAGE;
  if (error instanceof InputError) return EXIT.INPUT;
  if (
    error instanceof WasmParseError ||
    error instanceof CompileError ||
    error instanceof WatError ||
    error instanceof ArtifactError
  ) {
    return EXIT.INVALID_MODULE;
  }
  if (error instanceof LinkError) return EXIT.LINK;
  // By code too: a WasmerError of another class may carry this code.
  if (error instanceof OutOfMemoryError || (error instanceof WasmerError && error.code === 'ERR_OUT_OF_MEMORY')) {
    return EXIT.OUT_OF_MEMORY;
  }
  if (error instanceof TimeoutError) return EXIT.TIMEOUT;
  // An uncaught Wasm exception ends the guest like a trap (wasmtime reports it as one too).
  if (error instanceof Trap || error instanceof WasmException) return EXIT.TRAP;
  return EXIT.INTERNAL;
}

/** True for an error of ours about the user's input; false for a bug (which gets its stack printed). */
export function isUserError(error: unknown): boolean {
  return exitCodeFor(error) !== EXIT.INTERNAL;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A red `error:` label, or a plain one; the caller decides from the stream whether colour is on. */
export type Paint = (text: string) => string;
const plain: Paint = (text) => text;

/**
 * The text printed for an error: `error: MESSAGE`, then each `cause` indented one
 * level deeper. Internal errors get their stack and a request to report them.
 */
export function formatError(error: unknown, paint: Paint = plain): string {
  if (error instanceof CommanderUsageError) {
    // Commander's messages already start with "error: ".
    return printableText(error.message)
      .replace(/^error:/, paint('error:'))
      .trimEnd();
  }
  const lines: string[] = [];
  const user = isUserError(error);
  if (user) {
    lines.push(`${paint('error:')} ${printableText(messageOf(error))}`);
  } else {
    lines.push(`${paint('error:')} internal error: ${printableText(messageOf(error))}`);
    const stack = error instanceof Error ? error.stack : undefined;
    if (stack) lines.push(stack.split('\n').slice(1).join('\n'));
    lines.push('This is a bug in wasmer-ts. Please report it with the command you ran and the input file.');
  }
  const inner = error instanceof InFile ? error.error : error;
  if (inner instanceof WatError && error instanceof InFile && !error.isBare) {
    lines.push(`  (${error.file} is not a WebAssembly binary, so it was read as WebAssembly text)`);
  }
  // A mistyped import here can only be a WASI one, which the hint would not explain; a
  // component's link errors say themselves what the CLI gives a component.
  if (inner instanceof LinkError && inner.code !== 'ERR_IMPORT_TYPE' && !/\bcomponent\b/.test(inner.message)) {
    lines.push(
      '  (the CLI provides only WASI imports, wasi_snapshot_preview1 and wasi_unstable; other imports need the library)',
    );
  }
  // An input error's cause is Node's errno text, which the message already says in words.
  if (inner instanceof InputError) return lines.join('\n');
  let cause = causeOf(error);
  let depth = 1;
  const seen = new Set<unknown>([error]);
  while (cause !== undefined && !seen.has(cause) && depth <= 8) {
    seen.add(cause);
    const text = printableText(messageOf(cause).trim());
    // Skip a cause that only repeats what is already printed (wabt's text), and V8's own
    // WebAssembly errors, which our Trap/CompileError/LinkError already rephrase with offsets.
    if (!isNativeWasmError(cause) && !lines.some((line) => line.includes(text))) {
      const indent = '  '.repeat(depth);
      lines.push(`${indent}caused by: ${text.split('\n').join(`\n${indent}  `)}`);
      depth++;
    }
    cause = causeOf(cause);
  }
  return lines.join('\n');
}

function isNativeWasmError(error: unknown): boolean {
  return (
    error instanceof WebAssembly.CompileError ||
    error instanceof WebAssembly.LinkError ||
    error instanceof WebAssembly.RuntimeError ||
    // A WasmException's cause: it prints as [object WebAssembly.Exception], and the message says what it holds.
    error instanceof WebAssembly.Exception
  );
}

function causeOf(error: unknown): unknown {
  const inner = error instanceof InFile ? error.error : error;
  if (inner instanceof Error && 'cause' in inner) return inner.cause;
  return undefined;
}

/** Prints `error` on stderr (a red label only when stderr takes colour) and returns the exit status. */
export async function reportError(error: unknown, options: { json?: boolean } = {}): Promise<number> {
  const code = exitCodeFor(error);
  if (error instanceof WasiExit || error instanceof Relaunched) return code;
  if (isBrokenPipe(error)) return EXIT.OK;
  // chalk decides: colour on a TTY, off when piped or with NO_COLOR, forced by FORCE_COLOR.
  const { chalkStderr } = await import('chalk');
  const paint: Paint = chalkStderr.level > 0 ? (text) => chalkStderr.red.bold(text) : plain;
  printErr(`${formatError(error, paint)}\n`);
  // With --json, stdout still gets its one document, so a script can read the failure too.
  if (options.json === true) printOut(`${JSON.stringify({ error: jsonError(error, code) }, null, 2)}\n`);
  return code;
}

/** `error` as it happened running `file`: a trap names the file for `--json` (its text stays as it is). */
export function fromRun(file: string, error: unknown): unknown {
  return error instanceof Trap ? new InFile(file, error, { isBare: true }) : error;
}

/** The `--json` form of a failure: `{ code, message, exitCode }` (plus `offset` and `file` when known). */
export function jsonError(error: unknown, exitCode: number): Record<string, unknown> {
  const file = error instanceof InFile ? error.file : null;
  const inner = error instanceof InFile ? error.error : error;
  const code =
    inner instanceof CommanderUsageError
      ? 'ERR_USAGE'
      : typeof (inner as { code?: unknown })?.code === 'string'
        ? (inner as { code: string }).code
        : 'ERR_INTERNAL';
  const offset = inner instanceof WasmParseError || inner instanceof CompileError ? inner.offset : null;
  return { code, message: messageOf(error), exitCode, file, offset };
}

/** `| head` closed our stdout: stop quietly, the reader has what it wanted. */
export function isBrokenPipe(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EPIPE';
}
