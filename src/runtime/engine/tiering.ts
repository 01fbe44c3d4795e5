/**
 * How V8 compiles a module: its baseline compiler (Liftoff) first, or its
 * optimizing compiler (TurboFan) from each function's first call (issues 6, 9).
 *
 * V8's flags are process-wide: this module never sets them. It says which
 * flags give which tier, which tier this process has, and which tier `auto`
 * prefers for a module; a library user starts Node with `v8FlagsFor(tier)`.
 * The `wasmer-ts` command sets them itself, once, before anything is compiled
 * (bin/bundle-loader.js before the CLI loads, src/commands/relaunch.ts's
 * switchFlags for a module that wants another mode), with what each flag
 * implies at start.
 *
 * Why never around a compile (the design of issue 6 flipped `--no-liftoff`
 * around each compile), and only so before the first:
 * - Node documents flag changes after start-up as undefined behaviour, and
 *   V8 14 (Node 26) aborts on `--no-liftoff` set at run time, even before any
 *   compile (`Check failed: function_feedback != ...` in TurboFan's inlining,
 *   which expects the type feedback Liftoff collects): given at start, the flag
 *   also turns `--wasm-dynamic-tiering` and `--wasm-deopt` off, and set at run
 *   time it does not, as the flag hash below shows: with those two set beside
 *   it at run time, the hash is a start's and nothing aborts (20.20.2 to
 *   26.12.1, test/cli/launcher.test.ts). Flags set at run time are only safe
 *   as the exact state of a start, before anything is compiled, which is what
 *   the CLI does; the library never sets them.
 * - Machine code carries a hash of *every* V8 flag (`FlagList::Hash`): measured
 *   on 11.3, code serialized under `--no-liftoff --no-wasm-lazy-compilation` is
 *   refused by a process that lacks either flag, or that merely adds
 *   `--max-old-space-size`. Flags that differ between the writer and the
 *   reader of a cache entry throw its code away, so they must be fixed per
 *   process, and the same for every run of one module.
 *
 * What V8 does, read in src/wasm/module-compiler.cc and flag-definitions.h of
 * 11.3 and 14.6 and checked with `--trace-wasm-compilation-times`:
 * - `--wasm-lazy-compilation` (default on): a module compile only validates;
 *   each function is compiled on its first call, with Liftoff, or with
 *   TurboFan under `--no-liftoff`.
 * - `--wasm-dynamic-tiering` (default on; `--no-liftoff` turns it off): a
 *   Liftoff function whose budget runs out is recompiled by TurboFan in the
 *   background and the *next* call uses it. V8 has no on-stack replacement for
 *   Wasm (still none in 14.6), so a `main` entered once that loops stays in
 *   Liftoff for the whole run, several times slower than TurboFan on our C
 *   kernels (bench/suites/kernels.js). `--wasm-tiering-budget=1` (accepted at
 *   run time on 14.6) only makes that worse: constant tier-up requests, and
 *   still no OSR.
 * - Compilation hints (`--experimental-wasm-compilation-hints`): the old
 *   `compilationHints` section (a tier per function) gives TurboFan on first
 *   call per module on 11.3-13.6, but 14.x replaced it with
 *   `metadata.code.compilation_priority`, whose optimization priority only
 *   queues a background TurboFan compile: `main` still starts in Liftoff, and
 *   with `--no-wasm-lazy-compilation` an async compile never settled. Not a
 *   basis for a default.
 * - Eager TurboFan (`--no-liftoff --no-wasm-lazy-compilation`) compiles every
 *   function up front: seconds per MB of code, where a lazy compile takes
 *   milliseconds (bench/suites/cache.js, `compile` against `cold`).
 *   `compile` uses it in a child process (machine-code.ts), whose
 *   artifacts then load in a process with the same flags.
 *
 * Hence, per process:
 * - `baseline`: V8's defaults (lazy Liftoff, dynamic tier-up).
 * - `optimizing`: `--no-liftoff`: every function compiled by TurboFan on its
 *   first call, nothing up front.
 * - `auto` (what the CLI does): `optimizing` for modules with at most
 *   `AUTO_OPTIMIZING_MAX_CODE_BYTES` of code, `baseline` above, where lazy
 *   TurboFan of every function run once costs more start-up than the hot loops
 *   gain (LLVM's clang as Wasm runs several times longer; the numbers are in
 *   the commit message that set the limit).
 */
import { SectionId } from '../parser/sections.js';

export type CompilerChoice = 'auto' | 'baseline' | 'optimizing';

export const COMPILER_CHOICES: readonly CompilerChoice[] = ['auto', 'baseline', 'optimizing'];

/** The tier V8 compiles a function with on its first call. */
export type Tier = 'baseline' | 'optimizing';

/** A tier, or `eager`: every function compiled by TurboFan before the first call (what `compile` does). */
export type CompileMode = Tier | 'eager';

/** What `auto` looks at to choose. */
export interface TieringFacts {
  /** Size of the whole binary (custom sections such as DWARF included). */
  readonly byteLength: number;
  /** A WASI command: exports `_start`, so one long-running entry point. */
  readonly isWasiCommand: boolean;
  /** Size of the code section (the function bodies V8 compiles); `byteLength` when unknown. */
  readonly codeByteLength?: number | undefined;
}

/**
 * `auto` prefers TurboFan (lazily) for modules with at most this much code.
 * Lazy TurboFan cost about 0.45 s per MB of code actually run here (twice that
 * with the machine busy), Liftoff well under 0.1 s: 1 MiB bounds the worst case
 * (every function run once) near half a second, while the C kernels run up to
 * 2.4x faster than with Liftoff (1.6x on the geometric mean).
 */
export const AUTO_OPTIMIZING_MAX_CODE_BYTES = 1 << 20;

const CODE_SECTION_ID = SectionId.code;

/** The facts `auto` uses, from a binary and (when it parsed) our parser's sections and exports. */
export function tieringFacts(
  bytes: { readonly byteLength: number },
  info?: {
    readonly sections: readonly { readonly id: number; readonly size: number }[];
    readonly exports: readonly { readonly name: string; readonly desc: { readonly kind: string } }[];
  },
): TieringFacts {
  const code = info?.sections.find((s) => s.id === CODE_SECTION_ID);
  return {
    byteLength: bytes.byteLength,
    isWasiCommand: info?.exports.some((e) => e.name === '_start' && e.desc.kind === 'func') ?? false,
    codeByteLength: info === undefined ? bytes.byteLength : (code?.size ?? 0),
  };
}

/** The tier `choice` asks for, for a module with these facts (what `auto` prefers is documented above). */
export function resolveTier(choice: CompilerChoice, facts: TieringFacts): Tier {
  if (choice !== 'auto') return choice;
  const codeBytes = facts.codeByteLength ?? facts.byteLength;
  return codeBytes <= AUTO_OPTIMIZING_MAX_CODE_BYTES ? 'optimizing' : 'baseline';
}

/**
 * The V8 flags to start Node with for `mode`, on every supported Node (20-26):
 * `node ${v8FlagsFor('optimizing').join(' ')} app.js`. The same list is
 * hard-wired in the launcher at the top of bin/wasmer-ts.js, which cannot load
 * this module before Node starts (test/cli/launcher.test.ts keeps them equal).
 */
export function v8FlagsFor(mode: CompileMode): string[] {
  if (mode === 'baseline') return [];
  if (mode === 'optimizing') return ['--no-liftoff'];
  return ['--no-liftoff', '--no-wasm-lazy-compilation'];
}

/**
 * Flags the CLI adds, before any Wasm is compiled, to a process in `mode`:
 * `--wasm-inlining` on V8 11 for TurboFan on first call, for a module with code enough
 * (`wantsEntryInlining`). Kept here so that the cache can name the entries of every mode.
 */
export function entryFlags(mode: CompileMode, v8Version: string = process.versions.v8): string[] {
  return mode === 'optimizing' && v8Version.startsWith('11.') ? ['--wasm-inlining'] : [];
}

/** A flag of the user's about Wasm inlining (`--trace-wasm-inlining` is none). */
const INLINING_FLAG = /^--(no-)?(experimental-)?wasm-inlining/;

/** A module with less code than this gets no `--wasm-inlining` from the CLI on V8 11. */
export const ENTRY_INLINING_MIN_CODE_BYTES = 1024;

/**
 * Whether the CLI turns on Wasm-into-Wasm inlining, before it compiles a module with
 * `codeByteLength` bytes of code (null: not known, as for text or a component), in a
 * process started with `execArgv`. V8 11 (Node 20) leaves inlining off; on, the C
 * kernels ran 1.38x -> 1.22x native (geometric mean) with the same spec-suite results,
 * but clang as Wasm (over 1 MiB of code, so V8's defaults) ran its C++ compile 1.34x
 * slower: so only a process started for TurboFan on first call (--no-liftoff, lazily)
 * gets it, and none where the user chose an inlining flag. V8 12 has it only as an
 * experimental flag (no gain measured), V8 13+ turns it on by default.
 * Not below ENTRY_INLINING_MIN_CODE_BYTES, code too small to hold calls worth inlining
 * (`fixtures/simple.wasm` has 9 bytes). Without the native addon turning it on loads node:v8,
 * whose twenty-odd Node modules are compiled from source under --no-liftoff (11 ms of a 60 ms
 * start on Node 20); with it, the addon sets the flag (a C hello world's run: 94 -> 73 ms).
 * The CLI's bundle loader asks the same question with the code size not yet known (null),
 * before it loads the bundle, and with the addon turns the flag on then
 * (bin/bundle-loader.js, wantsEarlyInlining: its tests keep the two equal).
 */
export function wantsEntryInlining(
  codeByteLength: number | null,
  execArgv: readonly string[] = process.execArgv,
  v8Version: string = process.versions.v8,
): boolean {
  return (
    v8Version.startsWith('11.') &&
    processCompileMode(execArgv) === 'optimizing' &&
    !execArgv.some((f) => INLINING_FLAG.test(normalizeFlag(f))) &&
    (codeByteLength === null || codeByteLength >= ENTRY_INLINING_MIN_CODE_BYTES)
  );
}

// Every pattern over V8 flags lives here, matched against `normalizeFlag(arg)`.
// Flags that decide the tier; a later occurrence wins, as in V8's own parsing.
const LIFTOFF_FLAG = /^--(no-)?liftoff(?:=(true|false))?$/;
const LAZY_FLAG = /^--(no-)?wasm-lazy-compilation(?:=(true|false))?$/;
const DYNAMIC_TIERING_FLAG = /^--(no-)?wasm-dynamic-tiering(=|$)/;
/**
 * Flags that change the code V8 generates for Wasm or the shape of a serialized
 * module (the tier flags among them): the engine fingerprint hashes them, and
 * the compile child is started with them.
 */
const CODEGEN_FLAG = /^--(no-)?(wasm|liftoff|turbo|experimental-wasm|jitless|single-threaded|predictable|max-wasm)/;

/** `arg` as V8 reads it: V8 takes `_` and `-` in flag names alike. */
export function normalizeFlag(arg: string): string {
  return arg.replaceAll('_', '-');
}

/** True for a flag that decides the tier (`v8FlagsFor` sets these; nothing else should). */
export function isTierFlag(arg: string): boolean {
  const flag = normalizeFlag(arg);
  return LIFTOFF_FLAG.test(flag) || LAZY_FLAG.test(flag) || DYNAMIC_TIERING_FLAG.test(flag);
}

/** True for a command-line flag that changes the code V8 generates for Wasm (tier flags included). */
export function isCodegenFlag(arg: string): boolean {
  return CODEGEN_FLAG.test(normalizeFlag(arg));
}

function lastBool(argv: readonly string[], flag: RegExp, fallback: boolean): boolean {
  let value = fallback;
  for (const raw of argv) {
    const m = flag.exec(normalizeFlag(raw));
    if (m === null) continue;
    value = m[2] === undefined ? m[1] === undefined : (m[1] === undefined) === (m[2] === 'true');
  }
  return value;
}

/**
 * How this process compiles Wasm, from the flags Node was started with
 * (JS cannot read V8's flags; V8 options are not allowed in NODE_OPTIONS).
 */
export function processCompileMode(execArgv: readonly string[] = process.execArgv): CompileMode {
  if (lastBool(execArgv, LIFTOFF_FLAG, true)) return 'baseline';
  return lastBool(execArgv, LAZY_FLAG, true) ? 'optimizing' : 'eager';
}

/** The tier a function first called in this process is compiled with (`eager` compiles are TurboFan too). */
export function processTier(execArgv: readonly string[] = process.execArgv): Tier {
  return processCompileMode(execArgv) === 'baseline' ? 'baseline' : 'optimizing';
}

/**
 * Why `choice` is not what this process does for a module with `facts`, or
 * null when it is: the library cannot change V8's flags, so a `compiler`
 * option that asks for another tier is a documented no-op, reported through
 * this one line (for `onNotice`).
 */
export function tierNotice(choice: CompilerChoice, facts: TieringFacts): string | null {
  const wanted = resolveTier(choice, facts);
  const actual = processTier();
  if (wanted === actual || choice === 'auto') return null;
  const flags = v8FlagsFor(wanted);
  return (
    `compiler '${choice}' is not in effect: this Node was started for ${actual} code, and V8's flags are fixed ` +
    `when Node starts (${flags.length === 0 ? 'start node without --no-liftoff' : `start node with ${flags.join(' ')}`})`
  );
}

/**
 * `WebAssembly.compile(bytes)`, except in a process started with the eager flags:
 * there V8 14.6 (Node 26) never settles an asynchronous compile (nor a streaming
 * one that falls back to the Wasm bytes), measured with `--no-liftoff
 * --no-wasm-lazy-compilation` and with `--no-wasm-lazy-compilation` alone. The
 * eager compile is then done synchronously, on this thread, as V8 does it anyway.
 */
export function compileOffThread(bytes: Uint8Array): Promise<WebAssembly.Module> {
  if (lastBool(process.execArgv, LAZY_FLAG, true)) return WebAssembly.compile(bytes);
  try {
    return Promise.resolve(new WebAssembly.Module(bytes));
  } catch (error) {
    return Promise.reject(error);
  }
}
