/**
 * The options of `new Wasi(options)` and their one check, `checkWasiOptions`,
 * which `runProgram` calls too (on the caller's thread, so that a bad value is
 * reported before any worker starts, in the caller's words).
 */
import { statSync } from 'node:fs';
import { resolve as resolveHostPath } from 'node:path';
import { WasiError } from '../errors.js';
import {
  checkBoolean,
  checkObject,
  checkString,
  checkStringArray,
  checkStringRecord,
  invalidOption,
} from '../validate.js';
import type { OutputOption, StdinOption } from './stdio.js';

export type { OutputOption, StdinOption } from './stdio.js';

/** Options of `new Wasi(options)`. Every field is optional; nothing is inherited from the host process by default. */
export interface WasiOptions {
  /** The program's argv, including argv[0] (the program name). Default: `[]`. */
  readonly args?: readonly string[];
  /** Environment variables. Keys may not contain `=` or NUL. Default: `{}`. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Directories the guest may use: `{ guestPath: hostPath }`, e.g. `{ '/': './sandbox', '/tmp': '/tmp/x' }`.
   * The guest can reach nothing outside them (no `..`, absolute paths or symlinks out).
   * Each host path must be an existing directory. Default: none.
   */
  readonly preopens?: Readonly<Record<string, string>>;
  /** The guest's stdin: `'inherit'` (the host's fd 0), `'ignore'` (empty), a string or bytes, or `{ fd }`. Default `'inherit'`. */
  readonly stdin?: StdinOption;
  /**
   * With `stdin: 'inherit'` on a terminal: when a read has waited a second with no
   * input, write this line to the host's stderr (once per read), so a program
   * waiting on the keyboard does not look hung. Default: none (the library never
   * writes to stderr on its own).
   */
  readonly stdinWaitNotice?: string;
  /** The guest's stdout: `'inherit'` (unbuffered writes to fd 1), `'pipe'` (read `wasi.stdout`), `'ignore'`, a callback, or `{ fd }`. Default `'inherit'`. */
  readonly stdout?: OutputOption;
  /** The guest's stderr, as `stdout` (inherit writes to fd 2). Default `'inherit'`. */
  readonly stderr?: OutputOption;
  /**
   * When true (the default), `start()` returns the `proc_exit` code as a value.
   * When false, `proc_exit` surfaces as a thrown `WasiExit` carrying `exitCode`.
   */
  readonly returnOnExit?: boolean;
}

/** `WasiOptions` checked, with the defaults filled in and the preopens resolved. */
export interface CheckedWasiOptions {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** `[guestPath, absoluteHostPath]`, in fd order (fd 3, 4, ...). */
  readonly preopens: readonly (readonly [string, string])[];
  readonly stdin: StdinOption;
  readonly stdinWaitNotice: string | null;
  readonly stdout: OutputOption;
  readonly stderr: OutputOption;
  readonly returnOnExit: boolean;
}

function isFd(fd: unknown): boolean {
  return Number.isInteger(fd) && (fd as number) >= 0 && (fd as number) <= 0x7fffffff;
}

function hasFd(value: unknown): value is { readonly fd: number } {
  return typeof value === 'object' && value !== null && isFd((value as { fd?: unknown }).fd);
}

function checkOutput(value: unknown, name: string): OutputOption {
  if (value === undefined) return 'inherit';
  if (value === 'inherit' || value === 'ignore' || value === 'pipe' || typeof value === 'function' || hasFd(value)) {
    return value as OutputOption;
  }
  throw invalidOption(name, "'inherit', 'pipe', 'ignore', a function or { fd } (fd a non-negative integer)", value);
}

function checkStdin(value: unknown, name: string): StdinOption {
  if (value === undefined) return 'inherit';
  if (typeof value === 'string' || value instanceof Uint8Array || hasFd(value)) return value as StdinOption;
  throw invalidOption(name, "'inherit', 'ignore', a string, a Uint8Array or { fd } (fd a non-negative integer)", value);
}

/**
 * Checks `options` as `new Wasi(options)` takes them; `name` is how messages call
 * them (`Wasi: options`, `runProgram: options.wasi`). Throws `ArgumentError`
 * `ERR_INVALID_OPTION` for a bad value, `WasiError` `ERR_WASI_PREOPEN` naming a
 * host path that is not a directory.
 */
export function checkWasiOptions(options: unknown, name = 'Wasi: options'): CheckedWasiOptions {
  if (options === undefined) options = {};
  checkObject(options, name);
  const o = options as WasiOptions;
  const args = o.args ?? [];
  checkStringArray(args, `${name}.args`);
  const env = o.env ?? {};
  checkStringRecord(env, `${name}.env`);
  for (const key of Object.keys(env)) {
    if (key === '' || key.includes('=') || key.includes('\0')) {
      throw invalidOption(`${name}.env key`, 'a variable name (not empty, no "=" or NUL)', key);
    }
  }
  const preopenMap = o.preopens ?? {};
  checkObject(preopenMap, `${name}.preopens`, 'an object mapping guest paths to host directories');
  const preopens: [string, string][] = [];
  for (const [guest, hostPath] of Object.entries(preopenMap)) {
    if (guest === '' || guest.includes('\0')) {
      throw invalidOption(`${name}.preopens key`, 'a guest path (not empty, no NUL)', guest);
    }
    if (typeof hostPath !== 'string' || hostPath === '') {
      throw invalidOption(`${name}.preopens[${JSON.stringify(guest)}]`, 'a host directory path', hostPath);
    }
    const absolute = resolveHostPath(hostPath);
    let isDir = false;
    try {
      isDir = statSync(absolute).isDirectory();
    } catch (cause) {
      throw new WasiError('ERR_WASI_PREOPEN', `preopen ${guest}: cannot open host directory ${hostPath}`, { cause });
    }
    if (!isDir) throw new WasiError('ERR_WASI_PREOPEN', `preopen ${guest}: host path ${hostPath} is not a directory`);
    preopens.push([guest, absolute]);
  }
  if (o.returnOnExit !== undefined) checkBoolean(o.returnOnExit, `${name}.returnOnExit`);
  if (o.stdinWaitNotice !== undefined) checkString(o.stdinWaitNotice, `${name}.stdinWaitNotice`);
  return {
    args: [...args],
    env: { ...env },
    preopens,
    stdin: checkStdin(o.stdin, `${name}.stdin`),
    stdinWaitNotice: o.stdinWaitNotice ?? null,
    stdout: checkOutput(o.stdout, `${name}.stdout`),
    stderr: checkOutput(o.stderr, `${name}.stderr`),
    returnOnExit: o.returnOnExit ?? true,
  };
}
