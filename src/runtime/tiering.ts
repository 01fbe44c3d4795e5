/**
 * How V8 compiles a module: its baseline compiler (Liftoff), its optimizing
 * compiler (TurboFan), or a choice made per module (issue 6). V8's flags are
 * process-wide, so this is the one place in the library that sets them.
 *
 * What V8 11.3 (Node 20) does, read in src/wasm/module-compiler.cc and
 * src/flags/flag-definitions.h, then checked on this machine with
 * `--trace-wasm-compilation-times` (see test/runtime/tiering.test.ts):
 *
 * - `--wasm-lazy-compilation` is on by default. A module compile only decodes
 *   and validates; each function is compiled on its first call
 *   (`CompileLazy`). The flag is read when the module is compiled.
 * - The tier of a lazy compile comes from `GetLazyCompilationTiers`, which reads
 *   `v8_flags.liftoff` *at the time of that first call*, not at module compile:
 *   the NativeModule does not capture it. So `--no-liftoff` must still be set
 *   when the function first runs; restoring it right after the compile gives
 *   Liftoff code again (measured: 20 of 20 functions Liftoff).
 * - `--wasm-dynamic-tiering` is captured per NativeModule when it is created
 *   (`CompilationStateImpl::dynamic_tiering_`). With it, a Liftoff function is
 *   recompiled by TurboFan once its budget (`--wasm-tiering-budget`, ~1.8 M
 *   "bytes executed") runs out, and only the *next* call uses the new code: V8
 *   has no on-stack replacement for Wasm, so a `main` entered once and looping
 *   stays in Liftoff code for the whole run (kernels 1.5-4x slower than TurboFan).
 * - `--no-liftoff` implies `--no-wasm-dynamic-tiering`, and setting `--liftoff`
 *   again does not undo the implication: restoring the defaults means setting
 *   both flags back explicitly.
 * - Eager TurboFan (`--no-liftoff --no-wasm-lazy-compilation`, both read at
 *   module compile) compiles everything up front: 1.8 s for a 4.5 MB module
 *   (bench/kernels/big-module.mjs: 12,000 generated C functions) on this
 *   2-core machine, against 26 ms for the lazy compile. Lazy TurboFan moves
 *   that cost to first calls, so it is paid only for functions that run:
 *   `wasmer-ts run` of that module calling 10% of its functions once took
 *   0.47-0.57 s against 0.23-0.30 s with Liftoff; calling all of them,
 *   2.3-2.4 s against 0.39-0.46 s.
 * - `--wasm-tier-up-filter`, `--wasm-tier-mask-for-testing` and compilation
 *   hints are testing/experimental knobs and select functions by index, which
 *   we cannot know for a user's module: not used.
 * - Serialized machine code carries V8's flag hash; a module serialized or
 *   deserialized while `--no-liftoff` is set does not match a default process.
 *   `withDefaultFlags` runs serialization and deserialization under the defaults.
 * - The NativeModule cache shares compiled code between modules built from the
 *   same bytes in one process: a second compile of identical bytes reuses the
 *   first one's code and tiering state, whatever is chosen the second time.
 *
 * Hence:
 * - `baseline`: V8's defaults (lazy Liftoff, dynamic tier-up to TurboFan).
 * - `optimizing`: `--no-liftoff` with lazy compilation: every function is
 *   compiled by TurboFan on its first call, nothing up front. The flag stays set
 *   after the compile, since lazy compiles read it: **process-wide**, the last
 *   compile's tier decides what every module's not-yet-called functions get.
 *   A library user mixing choices in one process (an `optimizing` module and a
 *   `baseline` one) gets, for functions first called after the second compile,
 *   the second compile's tier; functions already compiled keep theirs, and a
 *   Liftoff function still tiers up when it is called often.
 * - `auto`: `optimizing` when machine code is at hand (nothing is compiled
 *   anyway; leftovers should be TurboFan too) or when the module's code is at
 *   most `AUTO_OPTIMIZING_MAX_CODE_BYTES` (then the worst case, every function
 *   run once, costs well under a second of TurboFan); `baseline` for bigger
 *   modules, whose start-up Liftoff keeps fast and whose hot functions are
 *   usually called often enough to tier up. Being a WASI command does not
 *   change the pick: a small library module gains from TurboFan too (an export
 *   called once that loops, as `run --invoke` does), and a big command loses
 *   as much start-up as any big module (measured above).
 *
 * Flags given on Node's command line win: when `execArgv` sets any of
 * `--liftoff`, `--wasm-lazy-compilation` or `--wasm-dynamic-tiering`, this
 * module leaves the flags alone.
 */
import v8 from 'node:v8';

export type CompilerChoice = 'auto' | 'baseline' | 'optimizing';

export const COMPILER_CHOICES: readonly CompilerChoice[] = ['auto', 'baseline', 'optimizing'];

/** What a choice resolves to: the tier V8 compiles functions with on their first call. */
export type Tier = 'baseline' | 'optimizing';

/** What `auto` may look at to choose. */
export interface TieringFacts {
  /** Size of the whole binary (custom sections such as DWARF included). */
  readonly byteLength: number;
  /** A WASI command: exports `_start`, so one long-running entry point. */
  readonly isWasiCommand: boolean;
  /** Size of the code section (the function bodies V8 compiles); `byteLength` when unknown. */
  readonly codeByteLength?: number | undefined;
  /** Machine code for the module (an artifact or cache entry) is at hand, so V8 compiles little or nothing. */
  readonly hasMachineCode?: boolean | undefined;
}

/**
 * `auto` compiles modules with at most this much code with TurboFan (lazily).
 * Lazy TurboFan cost about 0.45 s per MB of code actually run here (twice that
 * with the machine busy), Liftoff well under 0.1 s: 1 MiB bounds the worst case
 * (every function run once) near half a second, while the C kernels run up to
 * 2.4x faster than with Liftoff (1.6x on the geometric mean).
 */
export const AUTO_OPTIMIZING_MAX_CODE_BYTES = 1 << 20;

const CODE_SECTION_ID = 10;

/** The facts `auto` uses, from a binary and (when it parsed) our parser's sections and exports. */
export function tieringFacts(
  bytes: Uint8Array,
  info?: {
    readonly sections: readonly { readonly id: number; readonly size: number }[];
    readonly exports: readonly { readonly name: string; readonly desc: { readonly kind: string } }[];
  },
  hasMachineCode = false,
): TieringFacts {
  const code = info?.sections.find((s) => s.id === CODE_SECTION_ID);
  return {
    byteLength: bytes.byteLength,
    isWasiCommand: info?.exports.some((e) => e.name === '_start' && e.desc.kind === 'func') ?? false,
    codeByteLength: info === undefined ? bytes.byteLength : (code?.size ?? 0),
    hasMachineCode,
  };
}

/** The tier `choice` gives a module with these facts (what `auto` picks is documented above). */
export function resolveTier(choice: CompilerChoice, facts: TieringFacts): Tier {
  if (choice !== 'auto') return choice;
  if (facts.hasMachineCode === true) return 'optimizing';
  const codeBytes = facts.codeByteLength ?? facts.byteLength;
  return codeBytes <= AUTO_OPTIMIZING_MAX_CODE_BYTES ? 'optimizing' : 'baseline';
}

const TIERING_FLAG = /^--(no-)?(liftoff|wasm-lazy-compilation|wasm-dynamic-tiering)(=|$)/;

// Node's command line is read once: the user's own tiering flags win over ours.
const userSetsFlags = process.execArgv.some((f) => TIERING_FLAG.test(f));

// The tier V8's flags are set for right now ('baseline' = V8's defaults).
let active: Tier = 'baseline';

function apply(tier: Tier): void {
  if (tier === active || userSetsFlags) return;
  if (tier === 'optimizing') {
    v8.setFlagsFromString('--no-liftoff');
  } else {
    v8.setFlagsFromString('--liftoff');
    // `--no-liftoff` switched this off by implication; `--liftoff` does not switch it back.
    v8.setFlagsFromString('--wasm-dynamic-tiering');
  }
  active = tier;
}

/**
 * Runs `compile` (a synchronous or asynchronous V8 compile) under the flags
 * `choice` asks for, and returns its result. For `optimizing` (and `auto`
 * choosing it) the flags stay set afterwards, process-wide, because V8 reads
 * them when each function is first called; a later `baseline` compile sets the
 * defaults back. Never throws by itself.
 */
export function withTiering<T>(choice: CompilerChoice, facts: TieringFacts, compile: () => T): T {
  apply(resolveTier(choice, facts));
  return compile();
}

/**
 * Runs `fn` under V8's default tiering flags and then puts back the tier that
 * was active: for serializing and deserializing machine code, whose header
 * carries V8's flag hash (a mismatch makes V8 refuse the code).
 */
export function withDefaultFlags<T>(fn: () => T): T {
  const before = active;
  apply('baseline');
  let result: T;
  try {
    result = fn();
  } catch (e) {
    apply(before);
    throw e;
  }
  if (!isPromiseLike(result)) {
    apply(before);
    return result;
  }
  // An asynchronous (de)serialization reads the flags later: restore once it settles.
  const restore = () => apply(before);
  return result.then(
    (value) => {
      restore();
      return value;
    },
    (error: unknown) => {
      restore();
      throw error;
    },
  ) as T;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The tier V8's flags are set for now: what a function first called now is compiled with. */
export function activeTier(): Tier {
  if (!userSetsFlags) return active;
  return process.execArgv.includes('--no-liftoff') ? 'optimizing' : 'baseline';
}
