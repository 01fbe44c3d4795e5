/**
 * Gives a command the V8 flags its module wants: in this process, before anything
 * is compiled (switchFlags), or where V8 cannot take that, by running the command
 * again in a child Node started with them.
 *
 * The launcher (the shell part of bin/wasmer-ts.js) starts Node with V8's defaults
 * and marks the process, and bin/bundle-loader.js sets `run` and `call` for TurboFan
 * on first call before the CLI loads (`--compiler baseline` aside; an artifact named
 * `.wasmu` gets the eager flags). A module with more code than `auto` compiles with
 * TurboFan (tiering.ts: about 1 MiB) wants V8's defaults back, and an artifact the
 * eager flags its machine code was made under. Before 2026-12-03 such a command ran
 * once more, as a child (one Node start-up, 50-110 ms of CPU); now only the
 * standalone executable on Node 22-26 (its V8 starts from a snapshot) and a V8 this
 * does not know relaunch. Nothing is switched or relaunched for a module read from
 * stdin, a FIFO or a device (its bytes are gone once read), nor for `node
 * bin/wasmer-ts.js ...`, which runs under the flags node was given.
 *
 * The choice is made from the file's first bytes and section headers, read before
 * (and instead of) the whole file: a process that relaunches only starts the child
 * and waits. Reading clang's 72 MiB there, as this did first, cost 0.1 s of reading
 * and about 0.15 s more of system time, and the 72 MiB stayed resident for the whole run.
 */
import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import { requireBuiltin } from '../runtime/builtin.js';
import { isArtifact } from '../runtime/engine/artifact.js';
import { readAt } from '../runtime/engine/cache/files.js';
import { codeSectionSizeAt, type ReadAt } from '../runtime/engine/module-facts.js';
import { currentEmbedding, launchScript } from '../runtime/engine/paths.js';
import {
  type CompileMode,
  type CompilerChoice,
  isCodegenFlag,
  isTierFlag,
  processCompileMode,
  resolveTier,
  v8FlagsFor,
} from '../runtime/engine/tiering.js';

/** Set by the launcher to `1`; a relaunched child gets `2` and never relaunches. */
const LAUNCHER_ENV = 'WASMER_TS_LAUNCHER';

/** The compile mode an input wants under `choice`, or null when the bytes do not say (text, damaged). */
export function wantedCompileMode(bytes: Uint8Array, choice: CompilerChoice): CompileMode | null {
  return wantedFor(choice, bytes, (offset, length) => bytes.subarray(offset, offset + length), bytes.byteLength);
}

/** The first bytes of a file read at once: an artifact's magic, and most modules' section headers. */
const HEAD_BYTES = 4096;

/**
 * `wantedCompileMode` of the module in the regular file at `path`, read from its
 * first bytes and section headers only; null when it is not a regular file, cannot
 * be read, or does not say (then the command reads it and reports what is wrong).
 */
export function wantedCompileModeOfFile(path: string, choice: CompilerChoice): CompileMode | null {
  let fd: number;
  try {
    // Not opened unless a regular file: opening a FIFO waits for its writer, and reading it would take its bytes.
    if (statSync(path, { throwIfNoEntry: false })?.isFile() !== true) return null;
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const info = fstatSync(fd);
    const head = readAt(fd, 0, Math.min(info.size, HEAD_BYTES));
    const readRange: ReadAt = (offset, length) =>
      offset + length <= head.byteLength ? head.subarray(offset, offset + length) : readAt(fd, offset, length);
    return wantedFor(choice, head, readRange, info.size);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** What `choice` wants for a module of `byteLength` bytes that starts with `head`, the rest read through `readAt`. */
function wantedFor(choice: CompilerChoice, head: Uint8Array, readAt: ReadAt, byteLength: number): CompileMode | null {
  // Whatever the input (text too: the standalone executable has no launcher to have chosen the defaults).
  if (choice === 'baseline') return 'baseline';
  if (isArtifact(head)) return 'eager';
  const codeByteLength = codeSectionSizeAt(readAt, byteLength);
  if (codeByteLength === null) return null;
  return resolveTier(choice, { byteLength, isWasiCommand: false, codeByteLength });
}

/** Where bin/bundle-loader.js lists the V8 flags it added to this process (settleV8Flags). */
export const ADDED_V8_FLAGS_KEY = Symbol.for('wasmer-ts.addedV8Flags');

/** The V8 flags bin/bundle-loader.js added to this process; none where it did not run. */
function addedV8Flags(): string[] {
  return (process as unknown as Record<symbol, string[] | undefined>)[ADDED_V8_FLAGS_KEY] ?? [];
}

/**
 * The flags a relaunch in `wanted` mode starts Node with: this process's, less its tier flags
 * and the flags the CLI added itself (`added`: a big module run with V8's defaults gets no
 * Wasm inlining), then the mode's.
 */
export function relaunchFlags(execArgv: readonly string[], wanted: CompileMode, added: readonly string[]): string[] {
  return [...execArgv.filter((f) => !isTierFlag(f) && !added.includes(f)), ...v8FlagsFor(wanted)];
}

/**
 * What undoes, at run time, a flag bin/bundle-loader.js added: on V8 11 `--wasm-inlining` also
 * turns `--experimental-wasm-inlining` on (flag-definitions.h), which `--no-wasm-inlining`
 * leaves on. A flag missing here is never switched in process: the command is relaunched.
 */
const UNDO_ADDED: Readonly<Record<string, readonly string[]>> = {
  '--wasm-inlining': ['--no-wasm-inlining', '--no-experimental-wasm-inlining'],
};

/**
 * The V8 flags that give a mode when set at run time, per V8 major: what the mode's flags
 * (v8FlagsFor) give at start, their implications included, which V8 applies at start only.
 * `--no-liftoff` given at start also turns `--wasm-dynamic-tiering` off, and on V8 14
 * `--wasm-deopt` (Wasm deoptimization needs Liftoff's feedback); set alone at run time it
 * leaves them on, and V8 14 aborts in TurboFan's inlining (tiering.ts). Back to the defaults,
 * every tier flag is set to its default. Found and checked by the flag hash V8 puts in code
 * caches, which covers every flag: after these, a process has the hash of one started with
 * the mode's flags, on 20.20.2, 22.23.5, 24.22.3 and 26.12.1 (test/cli/launcher.test.ts, on
 * each Node CI runs). bin/bundle-loader.js sets the same flags (tierFlags; its test keeps the
 * two equal). A V8 not listed is relaunched.
 */
export function runtimeModeFlags(mode: CompileMode, v8Major: number): string[] | null {
  if (v8Major < 11 || v8Major > 14) return null;
  const deopt = v8Major >= 14;
  if (mode === 'baseline') {
    return ['--liftoff', '--wasm-lazy-compilation', '--wasm-dynamic-tiering', ...(deopt ? ['--wasm-deopt'] : [])];
  }
  return [
    '--no-liftoff',
    '--no-wasm-dynamic-tiering',
    ...(deopt ? ['--no-wasm-deopt'] : []),
    mode === 'eager' ? '--no-wasm-lazy-compilation' : '--wasm-lazy-compilation',
  ];
}

/**
 * The V8 flags that take a process started with `execArgv`, to which `added` was added, to the
 * flags a relaunch in `wanted` mode starts with (relaunchFlags), when set before any Wasm is
 * compiled; null when that cannot be done exactly, and the command must be relaunched.
 *
 * V8 reads its tier flags where it uses them (a module's compile, a tier-up, a deopt), not once
 * at start, so flags set before the first compile act as the same flags given at start, once
 * every flag has the value such a start gives it (runtimeModeFlags). Not:
 * - in the standalone executable on V8 12+ (`embedded`), whose V8 starts from a snapshot and
 *   relaunches;
 * - beside a codegen flag of the user's (`--liftoff-only`, say, whose implications a reset
 *   would not redo), or with an added flag UNDO_ADDED lacks, or on a V8 not known.
 */
export function switchFlags(
  execArgv: readonly string[],
  wanted: CompileMode,
  added: readonly string[],
  v8Version: string = process.versions.v8,
  embedded: boolean = currentEmbedding() !== null,
): string[] | null {
  const major = Number.parseInt(v8Version, 10);
  const reset = runtimeModeFlags('baseline', major);
  const mode = runtimeModeFlags(wanted, major);
  if (reset === null || mode === null || (embedded && major > 11)) return null;
  if (execArgv.some((f) => isCodegenFlag(f) && !isTierFlag(f) && !added.includes(f))) return null;
  const undo: string[] = [];
  for (const flag of added) {
    const flags = UNDO_ADDED[flag];
    if (flags === undefined) return null;
    undo.push(...flags);
  }
  return wanted === 'baseline' ? [...reset, ...undo] : [...reset, ...undo, ...mode];
}

/**
 * Gives this process, before any Wasm is compiled, the flags a relaunch in `wanted` mode would
 * start with (switchFlags), and records them as a relaunch would have: process.execArgv becomes
 * relaunchFlags's list, which the tier, the engine fingerprint of cache entries and the CLI's
 * code cache read. False when it cannot (the caller relaunches). bin/bundle-loader.js writes its
 * code cache of the files loaded so far first, under the flags they were compiled with.
 */
async function switchInProcess(wanted: CompileMode): Promise<boolean> {
  const added = addedV8Flags();
  const flags = switchFlags(process.execArgv, wanted, added);
  if (flags === null) return false;
  await setV8FlagsBeforeCompile(flags);
  const execArgv = relaunchFlags(process.execArgv, wanted, added);
  process.execArgv.splice(0, process.execArgv.length, ...execArgv);
  added.splice(0, added.length);
  return true;
}

/**
 * Sets V8 flags in this process, before any Wasm is compiled (the CLI's inlining flag, a
 * switch of tier): bin/bundle-loader.js first writes its code cache of the files loaded so
 * far, under the flags they were compiled with (V8 refuses a cache made under others). The
 * addon sets them, mapped already by the loader, without loading node:v8 (11 ms on Node 20
 * under --no-liftoff); else node:v8.
 */
export async function setV8FlagsBeforeCompile(flags: readonly string[]): Promise<void> {
  (process as NodeJS.EventEmitter).emit('wasmer-ts:before-v8-flags');
  const { nativeAddon } = await import('../runtime/engine/native.js');
  const set = nativeAddon()?.setV8Flags ?? requireBuiltin<typeof import('node:v8')>('node:v8').setFlagsFromString;
  set(flags.join(' '));
}

/**
 * When this process, marked by the launcher, has other flags than the module in
 * `path` wants, gives it the right ones: in this process where V8
 * allows (switchInProcess, before anything is compiled), else by running the same
 * command in a child with them, whose exit status it returns (the caller sets
 * it and does nothing else). Otherwise, and after a switch, null. Call it
 * before reading the file. Signals that end a command are passed on to the
 * child while it runs.
 */
export async function relaunchIfNeeded(path: string, choice: CompilerChoice): Promise<number | null> {
  if (process.env[LAUNCHER_ENV] !== '1' || path === '-') return null;
  const wanted = wantedCompileModeOfFile(path, choice);
  if (wanted === null || wanted === processCompileMode()) return null;
  if (process.argv[1] === undefined) return null;
  // Decided before any compile, so commands/input.ts has turned no inlining flag on yet;
  // bin/bundle-loader.js may have, before the CLI loaded.
  if (await switchInProcess(wanted)) return null;
  const execArgv = relaunchFlags(process.execArgv, wanted, addedV8Flags());
  const launch = launchScript(null, execArgv, process.argv.slice(2));
  // Loaded only here: child_process costs start-up time, and most runs never relaunch.
  const { spawn } = await import('node:child_process');
  const child = spawn(launch.command, launch.args, {
    stdio: 'inherit',
    env: { ...process.env, ...launch.env, [LAUNCHER_ENV]: '2' },
  });
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      // A child ended by a signal: end this process the same way, so the caller sees it.
      if (signal !== null) process.kill(process.pid, signal);
      resolve(code ?? 128);
    });
  });
}
