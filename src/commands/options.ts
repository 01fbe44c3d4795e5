/**
 * Flags shared by several commands, and the strict parsers of their values.
 * A bad value is an `ArgumentError` (exit 2) whose message names the flag and
 * shows the value, e.g. `--timeout "5 sec": expected a number and a unit (500ms, 5s, 2m, 1h)`.
 */
import { statSync } from 'node:fs';
// Type-only: the fast path of `run --invoke` (cli.ts) uses this file without loading commander.
import type { Command } from 'commander';
import { COMPILER_CHOICES, type CompilerChoice } from '../runtime/engine/tiering.js';
import { ArgumentError } from '../runtime/errors.js';
import { PAGE_SIZE } from '../runtime/parser/limits.js';

/** What `run` and `call` get from their flags, already checked. */
export interface RunOptions {
  readonly json: boolean;
  readonly compiler: CompilerChoice;
  readonly cacheDir: string | null;
  readonly cache: boolean;
  /** `--cache-max-size`; null when not given (then WASMER_TS_CACHE_MAX_SIZE, else the default). */
  readonly cacheMaxBytes: number | null;
  readonly timeoutMs: number | null;
  readonly maxMemoryBytes: number | null;
  /** guest path -> host path */
  readonly preopens: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  /** `--verbose` (`run` only): notes about the run on stderr even when it is not a terminal. */
  readonly verbose: boolean;
}

/** commander's raw option bag for the flags below. */
export interface RawRunOptions {
  json?: boolean;
  compiler?: CompilerChoice;
  cacheDir?: string;
  cache?: boolean;
  cacheMaxSize?: number;
  timeout?: number;
  maxMemory?: number;
  dir?: Preopen[];
  env?: [string, string][];
  forwardEnv?: string[];
  verbose?: boolean;
}

interface Preopen {
  readonly host: string;
  readonly guest: string;
}

/** `--json`: every command has it. */
export function addJsonOption(command: Command): Command {
  return command.option('--json', 'print one JSON document on stdout (shape in the README)');
}

/** `--compiler`, `--cache-dir`, `--no-cache`: every command that compiles a module. */
export function addCompileOptions(command: Command): Command {
  return command
    .addOption(
      command
        .createOption('--compiler <choice>', 'V8 compiler: auto, baseline (Liftoff) or optimizing (TurboFan)')
        .choices(COMPILER_CHOICES)
        .default('auto'),
    )
    .option('--cache-dir <dir>', 'directory of the compiled-module cache')
    .option('--no-cache', 'neither read nor fill the compiled-module cache');
}

/** `--cache-max-size`: the commands that fill the cache (run, call) and `cache ls`/`cache prune`. */
export function addCacheSizeOption(command: Command): Command {
  return command.option(
    '--cache-max-size <size>',
    `the cache's size limit, least recently used entries deleted first: 500MiB, 2GiB (default: $${CACHE_SIZE_ENV}, else 2GiB)`,
    (text: string) => parseCacheSize(text),
  );
}

/** The flags `run` and `call` share: WASI set-up and limits, plus the compile options. */
export function addRunOptions(command: Command): Command {
  addCompileOptions(command);
  addCacheSizeOption(command);
  return command
    .option('--dir <host[::guest]>', 'give the program a host directory (repeatable)', collect(parseDir))
    .option('--env <name=value>', 'set an environment variable for the program (repeatable)', collect(parseEnv))
    .option(
      '--forward-env <name>',
      "pass the host's variable NAME on to the program (repeatable)",
      collect((name) => parseEnvName(name)),
    )
    .option(
      '--timeout <duration>',
      'stop the program after this long: 500ms, 5s, 2m, 1h; at least 1ms (exit 124)',
      parseDuration,
    )
    .option(
      '--max-memory <size>',
      'cap the linear memory: 256MiB, 1GiB, 64KiB, 100pages (memory.grow fails beyond it)',
      parseMemorySize,
    );
}

/** `--dir` and `--env`, as `run` reads them: `create-exe` fixes them in the executable it writes. */
export function addProgramOptions(command: Command): Command {
  return command
    .option('--dir <host[::guest]>', 'give the program a host directory (repeatable)', collect(parseDir))
    .option('--env <name=value>', 'set an environment variable for the program (repeatable)', collect(parseEnv));
}

function collect<T>(parse: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

/**
 * The flags defined by `addRunOptions` and `addJsonOption` that take a value, and those
 * that do not, for code that reads argv without commander: `run`'s fast path and the
 * scan that finds where `run`'s FILE is (run.ts). test/cli/run-args.test.ts checks
 * them against commander's definitions.
 */
export const RUN_VALUE_FLAGS: readonly string[] = [
  '--compiler',
  '--cache-dir',
  '--cache-max-size',
  '--dir',
  '--env',
  '--forward-env',
  '--timeout',
  '--max-memory',
];
/** `--verbose` is `run`'s alone (run.ts defines it); `call` has no notes to print. */
export const RUN_BOOLEAN_FLAGS: readonly string[] = ['--json', '--no-cache', '--verbose'];

/**
 * Applies one flag of `addRunOptions`/`addJsonOption` to `raw` as commander's
 * parsers would (the same parse functions, the same accumulation). Returns false
 * for a flag it does not know or a `--compiler` choice commander would refuse;
 * a bad value throws the same `ArgumentError` as under commander.
 */
export function applyRunFlag(raw: RawRunOptions, flag: string, value: string | undefined): boolean {
  if (value === undefined) {
    if (flag === '--json') raw.json = true;
    else if (flag === '--no-cache') raw.cache = false;
    else if (flag === '--verbose') raw.verbose = true;
    else return false;
    return true;
  }
  switch (flag) {
    case '--compiler':
      if (!(COMPILER_CHOICES as readonly string[]).includes(value)) return false;
      raw.compiler = value as CompilerChoice;
      return true;
    case '--cache-dir':
      raw.cacheDir = value;
      return true;
    case '--cache-max-size':
      raw.cacheMaxSize = parseCacheSize(value);
      return true;
    case '--dir':
      raw.dir = [...(raw.dir ?? []), parseDir(value)];
      return true;
    case '--env':
      raw.env = [...(raw.env ?? []), parseEnv(value)];
      return true;
    case '--forward-env':
      raw.forwardEnv = [...(raw.forwardEnv ?? []), parseEnvName(value)];
      return true;
    case '--timeout':
      raw.timeout = parseDuration(value);
      return true;
    case '--max-memory':
      raw.maxMemory = parseMemorySize(value);
      return true;
    default:
      return false;
  }
}

/** The options of a `run`/`call` given no flags. */
export const DEFAULT_RUN_OPTIONS: RunOptions = {
  json: false,
  compiler: 'auto',
  cacheDir: null,
  cache: true,
  cacheMaxBytes: null,
  timeoutMs: null,
  maxMemoryBytes: null,
  preopens: {},
  env: {},
  verbose: false,
};

/** Turns commander's option bag into checked `RunOptions`. `env` is the host environment for `--forward-env`. */
export function runOptionsFrom(raw: RawRunOptions, env: NodeJS.ProcessEnv = process.env): RunOptions {
  const guestEnv: Record<string, string> = {};
  for (const name of raw.forwardEnv ?? []) {
    const value = env[name];
    if (value !== undefined) guestEnv[name] = value;
  }
  for (const [name, value] of raw.env ?? []) guestEnv[name] = value;
  const preopens: Record<string, string> = {};
  for (const { host, guest } of raw.dir ?? []) {
    if (preopens[guest] !== undefined) {
      throw invalid('--dir', `${host}::${guest}`, `guest path ${guest} is already mapped to ${preopens[guest]}`);
    }
    preopens[guest] = host;
  }
  return {
    json: raw.json === true,
    compiler: raw.compiler ?? 'auto',
    cacheDir: raw.cacheDir ?? null,
    cache: raw.cache !== false,
    cacheMaxBytes: raw.cacheMaxSize ?? null,
    timeoutMs: raw.timeout ?? null,
    maxMemoryBytes: raw.maxMemory ?? null,
    preopens,
    env: guestEnv,
    verbose: raw.verbose === true,
  };
}

function invalid(flag: string, value: string, expected: string): ArgumentError {
  return new ArgumentError('ERR_INVALID_OPTION', `${flag} ${JSON.stringify(value)}: ${expected}`);
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The smallest `--timeout`: the limit is kept in whole milliseconds. */
export const MIN_TIMEOUT_MS = 1;

/**
 * `500ms`, `5s`, `1.5s`, `2m`, `1h` -> milliseconds. A unit is required; junk and
 * anything under 1ms (`0s`, `0.5ms`) are refused, and a longer limit is rounded to
 * the nearest millisecond (`1.5ms` = 2).
 */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)$/.exec(text.trim());
  if (match === null) throw invalid('--timeout', text, 'expected a number and a unit (500ms, 5s, 2m, 1h)');
  const exact = Number(match[1]) * (DURATION_UNITS[match[2] as string] as number);
  // Compared before rounding, so that 0.5ms is refused as 0.4ms is.
  if (!(exact >= MIN_TIMEOUT_MS))
    throw invalid('--timeout', text, `the time limit must be at least ${MIN_TIMEOUT_MS}ms`);
  const ms = Math.round(exact);
  if (ms > 2 ** 31 - 1) throw invalid('--timeout', text, 'the time limit must be under 24 days');
  return ms;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  page: PAGE_SIZE,
  pages: PAGE_SIZE,
};

/**
 * `256MiB`, `1GiB`, `64KiB`, `1000000B`, `100pages`, `100 pages`, `4MB` -> bytes.
 * A unit is required (a bare number is ambiguous between bytes and pages).
 * The cap must hold at least one 64 KiB page.
 */
export function parseMemorySize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  const factor = match === null ? undefined : SIZE_UNITS[(match[2] as string).toLowerCase()];
  if (match === null || factor === undefined) {
    throw invalid('--max-memory', text, 'expected a size with a unit: 256MiB, 1GiB, 64KiB, 4MB, 100pages or 1000000B');
  }
  const bytes = Math.floor(Number(match[1]) * factor);
  if (bytes < PAGE_SIZE) throw invalid('--max-memory', text, 'the cap must be at least one 64KiB page');
  if (!Number.isSafeInteger(bytes)) throw invalid('--max-memory', text, 'the size is too large');
  return bytes;
}

/** The environment variable that sets the cache's size limit when `--cache-max-size` is not given. */
export const CACHE_SIZE_ENV = 'WASMER_TS_CACHE_MAX_SIZE';

/**
 * `2GiB`, `500MiB`, `100MB`, `1TiB` -> bytes, for `--cache-max-size` or (`name`) the
 * environment variable. A unit is required, as for --max-memory (but no pages).
 */
export function parseCacheSize(text: string, name = '--cache-max-size'): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  const unit = match === null ? '' : (match[2] as string).toLowerCase();
  const factor = unit.startsWith('page') ? undefined : SIZE_UNITS[unit];
  if (match === null || factor === undefined) {
    throw invalid(name, text, 'expected a size with a unit: 2GiB, 500MiB, 100MB or 1000000B');
  }
  const bytes = Math.floor(Number(match[1]) * factor);
  if (bytes < 1) throw invalid(name, text, 'the limit must be at least 1B (--no-cache turns the cache off)');
  if (!Number.isSafeInteger(bytes)) throw invalid(name, text, 'the size is too large');
  return bytes;
}

/** The cache's size limit: the flag's value, else the environment variable's, else null (the default). */
export function cacheMaxBytesFrom(
  flag: number | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
): number | null {
  if (flag !== null && flag !== undefined) return flag;
  const text = env[CACHE_SIZE_ENV];
  return text === undefined || text === '' ? null : parseCacheSize(text, CACHE_SIZE_ENV);
}

/** `HOST` or `HOST::GUEST`; the host directory must exist. The guest path defaults to HOST as written. */
export function parseDir(text: string): Preopen {
  const at = text.indexOf('::');
  const host = at === -1 ? text : text.slice(0, at);
  const guest = at === -1 ? text : text.slice(at + 2);
  if (host === '' || guest === '') throw invalid('--dir', text, 'expected HOST or HOST::GUEST');
  let isDirectory = false;
  try {
    isDirectory = statSync(host).isDirectory();
  } catch {
    throw invalid('--dir', text, `host directory ${host} does not exist`);
  }
  if (!isDirectory) throw invalid('--dir', text, `${host} is not a directory`);
  return { host, guest };
}

/** `NAME=VALUE` (VALUE may be empty or contain `=`). */
export function parseEnv(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw invalid('--env', text, 'expected NAME=VALUE');
  return [parseEnvName(text.slice(0, at), '--env'), text.slice(at + 1)];
}

function parseEnvName(name: string, flag = '--forward-env'): string {
  if (name === '' || name.includes('=') || name.includes('\0')) {
    throw invalid(flag, name, 'a variable name must be non-empty and contain no "=" or NUL');
  }
  return name;
}
