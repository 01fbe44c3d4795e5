import { describe } from '../describe.js';
import { ArgumentError, compileErrorFrom } from '../errors.js';
import {
  type ArtifactHeader,
  type ArtifactParts,
  decodeArtifact,
  type EngineFingerprint,
  encodeArtifactFor,
  type LenientDecodedArtifact,
} from './artifact.js';
import { currentEngine, engineMismatch, v8FlagFingerprint } from './fingerprint.js';
import { type NativeStatus, nativeAddon, nativeStatus } from './native.js';
import { launchScript } from './paths.js';
import { compileOffThread, isCodegenFlag, isTierFlag, processCompileMode, v8FlagsFor } from './tiering.js';

/**
 * Builds an artifact from a Wasm binary and, optionally, V8's serialized machine
 * code for it (the format: ./artifact.ts). `engine` defaults to this process's
 * fingerprint (tests override it). `includeWasm: false` leaves the Wasm out (a
 * cache entry: only its length and SHA-256 are kept, and reading needs the
 * bytes); `source` is recorded as where the Wasm came from (shown by `cache ls`).
 */
export function encodeArtifact(input: ArtifactParts & { engine?: EngineFingerprint }): Uint8Array {
  return encodeArtifactFor(input.engine ?? currentEngine(), input);
}

/** A module loaded from an artifact. */
export interface LoadedArtifact {
  readonly module: WebAssembly.Module;
  readonly wasm: Uint8Array;
  /** True when V8 accepted the saved machine code (no compile happened). */
  readonly usedMachineCode: boolean;
  /** Why saved machine code was not used, in one line; null when it was used or there was none. */
  readonly notice: string | null;
  readonly header: ArtifactHeader;
}

export interface LoadOptions {
  /** How to compile the Wasm when the machine code cannot be used (defaults to `WebAssembly.compile`). */
  readonly compile?: (wasm: Uint8Array) => Promise<WebAssembly.Module>;
  /**
   * The caller hands the Wasm over: when V8 takes the machine code path, the Wasm's buffer is
   * detached as soon as V8 has copied it (see the addon's `arm`), so that a big module's load
   * does not hold a third copy. Its views then read as empty; a fallback compile still gets them whole.
   */
  readonly releaseWasm?: boolean;
}

/** `WebAssembly.compile`, with V8 errors as `CompileError`. */
export async function defaultCompile(wasm: Uint8Array): Promise<WebAssembly.Module> {
  try {
    return await compileOffThread(wasm);
  } catch (error) {
    throw compileErrorFrom(error instanceof Error ? error.message : String(error), error);
  }
}

/**
 * V8 starts serialized code with a 16-byte header (magic, version hash, CPU
 * features, flag hash; src/wasm/wasm-serialization.cc) that it compares with its
 * own before using the code. Under the eager flags a refusal must not reach V8:
 * V8 14.6 then compiles the Wasm bytes asynchronously, which never settles there
 * (tiering.ts: compileOffThread). So the header is compared first with the one
 * this process writes, for a one-function module compiled here (eagerly: its
 * TurboFan code is at hand at once).
 */
const V8_HEADER_BYTES = 16;
const ONE_FUNCTION_MODULE = Uint8Array.of(
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version
  ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f], // type section: () -> i32
  ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
  ...[0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x00, 0x0b], // code: i32.const 0
);
let ownV8Header: Uint8Array | null | undefined;

function sameV8Header(code: Uint8Array, addon: NonNullable<ReturnType<typeof nativeAddon>>): boolean {
  if (ownV8Header === undefined) {
    const own = addon.serialize(new WebAssembly.Module(ONE_FUNCTION_MODULE));
    ownV8Header = own === null || own.length < V8_HEADER_BYTES ? null : own.slice(0, V8_HEADER_BYTES);
  }
  if (ownV8Header === null || code.length < V8_HEADER_BYTES) return false;
  for (let i = 0; i < V8_HEADER_BYTES; i++) if (code[i] !== ownV8Header[i]) return false;
  return true;
}

/**
 * A released load (`LoadOptions.releaseWasm`) of at least this much Wasm collects V8's streaming
 * copy of it at once: 16 MiB, where the GC's few milliseconds are small beside the load.
 */
const COLLECT_AFTER_LOAD_BYTES = 16 << 20;

/**
 * Compiles the module inside an artifact, from its machine code when every
 * check passes, from its Wasm bytes otherwise. Throws `ArtifactError` only when
 * the header or the Wasm itself is damaged (nothing trustworthy to run), and
 * `CompileError` if the Wasm does not compile.
 */
export async function loadArtifactModule(bytes: Uint8Array, options: LoadOptions = {}): Promise<LoadedArtifact> {
  return loadDecodedArtifact(decodeArtifact(bytes, { allowDamagedMachineCode: true }), options);
}

/** `loadArtifactModule` for an artifact the caller has decoded already (the cache decodes it once). */
export async function loadDecodedArtifact(
  read: LenientDecodedArtifact,
  options: LoadOptions = {},
): Promise<LoadedArtifact> {
  const { wasm, header } = read;
  const compile = options.compile ?? defaultCompile;
  const fallback = async (notice: string | null): Promise<LoadedArtifact> => ({
    module: await compile(wasm),
    wasm,
    usedMachineCode: false,
    notice: notice === null ? null : `machine code not used (${notice}); compiled from the Wasm bytes instead`,
    header,
  });
  if (header.machineCodeByteLength === 0) return fallback(null);
  if (read.machineCodeProblem !== null) return fallback(read.machineCodeProblem.reason);
  const code = read.machineCode;
  if (code === null) return fallback('the artifact carries no machine code');
  const mismatch = engineMismatch(header);
  if (mismatch !== null) return fallback(mismatch);
  const addon = nativeAddon();
  if (addon === null) return fallback(nativeStatus().reason ?? 'the native addon is unavailable');
  if (processCompileMode() === 'eager' && !sameV8Header(code, addon)) {
    return fallback('V8 rejected it: its header names another V8 build, CPU or flags');
  }
  const marker = {};
  const wasmLength = wasm.byteLength;
  const armed = addon.arm(marker, wasm, code, options.releaseWasm === true);
  if (armed !== true) return fallback(armed);
  let module: WebAssembly.Module;
  try {
    // V8 compares the payload's hash of every flag with this process's flags (tiering.ts).
    module = await WebAssembly.compileStreaming(marker);
  } catch (error) {
    addon.disarm(marker);
    throw compileErrorFrom(error instanceof Error ? error.message : String(error), error);
  }
  const accepted = (marker as { accepted?: unknown }).accepted === true;
  // V8's stream still holds its copy of the Wasm until a GC runs the finalizer of the object
  // that owns it (see the addon's collectGarbage), which a run seldom does: for a big module
  // that GC is now, before the run's own memory grows on top of the copy (clang hello.c on
  // Node 26: a hit's peak RSS 252-319 MB without it, node:wasi's 214).
  if (options.releaseWasm === true && wasmLength >= COLLECT_AFTER_LOAD_BYTES) addon.collectGarbage?.();
  return {
    module,
    wasm,
    usedMachineCode: accepted,
    notice: accepted
      ? null
      : 'machine code not used (V8 rejected it: another V8 build, CPU or flags); compiled from the Wasm bytes instead',
    header,
  };
}

/**
 * V8's machine code for `module` as it is now (after a run, the functions V8
 * has tiered up to TurboFan), or null when the addon is unavailable or V8 has
 * nothing optimized yet. `wasm` must be the bytes `module` was compiled from;
 * it is checked, so code is never paired with other Wasm.
 */
export function serializeMachineCode(
  module: WebAssembly.Module,
  wasm: Uint8Array,
  options: { readonly compiledFromWasm?: boolean } = {},
): Uint8Array | null {
  const addon = nativeAddon();
  if (addon === null) return null;
  // The check copies V8's wire bytes out and compares them (72 MiB more for clang): skipped
  // when the caller compiled `module` from `wasm` itself (the cache, after a run).
  if (options.compiledFromWasm !== true) {
    const wire = addon.wireBytes(module);
    if (!Buffer.from(wire.buffer, wire.byteOffset, wire.byteLength).equals(wasm)) return null;
  }
  // Serialized code carries V8's hash of this process's flags: it loads where they are the same.
  return addon.serialize(module);
}

/**
 * V8's machine code for `module` as it is now, for a caller that compiled it from Wasm
 * it has checked itself (the cache after a run), or null without the addon or code.
 */
export function serializeCompiled(module: WebAssembly.Module): Uint8Array | null {
  return nativeAddon()?.serialize(module) ?? null;
}

/** An artifact for an already compiled module: its Wasm plus whatever machine code V8 can serialize now. */
export function artifactFromModule(module: WebAssembly.Module, wasm: Uint8Array): Uint8Array {
  return encodeArtifact({ wasm, machineCode: serializeMachineCode(module, wasm) });
}

export interface OptimizedCompile {
  /** The artifact: Wasm plus eagerly optimized machine code when the addon works here. */
  readonly artifact: Uint8Array;
  readonly machineCodeByteLength: number;
  /** Why the artifact has no machine code, or null. */
  readonly notice: string | null;
}

export interface OptimizeOptions {
  /** Called about once a second while TurboFan compiles, with the elapsed milliseconds. */
  readonly onProgress?: (elapsedMs: number) => void;
}

/**
 * Compiles `wasm` eagerly with TurboFan and returns an artifact carrying the
 * machine code. Slow for big modules (tens of seconds for several MB): that is
 * the point, it is paid once. Without the addon, the artifact holds only the
 * Wasm and `notice` says why. Throws `CompileError` if the Wasm does not compile.
 */
export async function compileOptimized(wasm: Uint8Array, options: OptimizeOptions = {}): Promise<OptimizedCompile> {
  if (!(wasm instanceof Uint8Array)) {
    throw new ArgumentError(
      'ERR_ARG_TYPE',
      `compileOptimized: expected the Wasm bytes as a Uint8Array, got ${describe(wasm)}`,
    );
  }
  const status: NativeStatus = nativeStatus();
  if (!status.available || nativeAddon() === null) {
    // Still validate, so `compile` of a bad module fails the same way everywhere.
    await defaultCompile(wasm);
    return {
      artifact: encodeArtifact({ wasm }),
      machineCodeByteLength: 0,
      notice: `no machine code saved (${status.reason ?? 'native addon unavailable'})`,
    };
  }
  const started = Date.now();
  const timer =
    options.onProgress === undefined ? null : setInterval(() => options.onProgress?.(Date.now() - started), 1000);
  try {
    const { code, stdout, stderr } = await runChild(wasm);
    if (code === 3) {
      throw compileErrorFrom(stderr.toString('utf8'));
    }
    if (code !== 0) {
      await defaultCompile(wasm);
      const why = stderr.toString('utf8').split('\n')[0] || `the optimizing compiler process exited with ${code}`;
      return { artifact: encodeArtifact({ wasm }), machineCodeByteLength: 0, notice: `no machine code saved (${why})` };
    }
    const machineCode = new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.byteLength);
    return {
      // The child's flags, not ours: its machine code loads where they are in effect.
      artifact: encodeArtifact({
        wasm,
        machineCode,
        engine: { ...currentEngine(), flagFingerprint: v8FlagFingerprint(childFlags()) },
      }),
      machineCodeByteLength: machineCode.length,
      notice: null,
    };
  } finally {
    if (timer !== null) clearInterval(timer);
  }
}

/**
 * The compile child's Node flags: this process's codegen flags other than the
 * tier's, then the eager ones. Its artifacts load (machine code and all) in a
 * process started with the same flags: `wasmer-ts run app.wasmu` is (bin/wasmer-ts.js).
 */
function childFlags(): string[] {
  return [...process.execArgv.filter((f) => isCodegenFlag(f) && !isTierFlag(f)), ...v8FlagsFor('eager')];
}

async function runChild(wasm: Uint8Array): Promise<{ code: number | null; stdout: Buffer; stderr: Buffer }> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const launch = launchScript('engine/compile-child-main.js', childFlags(), []);
    const child = spawn(launch.command, launch.args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...launch.env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.stdin.on('error', () => {
      // The child exited early (compile error); its exit code says why.
    });
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
    child.stdin.end(wasm);
  });
}

/** What `inspect` shows about an artifact. */
export interface ArtifactDescription {
  readonly header: ArtifactHeader;
  readonly hasMachineCode: boolean;
  /** True when this process would load the machine code instead of compiling. */
  readonly machineCodeUsable: boolean;
  /** Why the machine code is not usable here (or absent), else null. */
  readonly reason: string | null;
}

/**
 * Describes an artifact without compiling it. Throws `ArtifactError` when the
 * header or Wasm is damaged; a damaged or foreign machine-code payload is only
 * reported.
 */
export function describeArtifact(bytes: Uint8Array): ArtifactDescription {
  return describeDecodedArtifact(decodeArtifact(bytes, { allowDamagedMachineCode: true }));
}

/** `describeArtifact` for an artifact the caller has decoded already (`inspect` has). */
export function describeDecodedArtifact(read: LenientDecodedArtifact): ArtifactDescription {
  // `inspect` asks whether `wasmer-ts run` could use it, and that starts Node with the tier flags it needs.
  const reason = machineCodeUnusableReason(read, { anyTier: true });
  return {
    header: read.header,
    hasMachineCode: read.header.machineCodeByteLength > 0,
    machineCodeUsable: reason === null,
    reason,
  };
}

/**
 * Why this process would not use an artifact's machine code (absent, damaged,
 * built for another engine, addon unavailable), or null when it would.
 */
function machineCodeUnusableReason(
  read: LenientDecodedArtifact,
  options: { readonly anyTier?: boolean } = {},
): string | null {
  if (read.header.machineCodeByteLength === 0) return 'the artifact carries no machine code';
  if (read.machineCodeProblem !== null) return read.machineCodeProblem.reason;
  const mismatch = engineMismatch(read.header, currentEngine(), options);
  if (mismatch !== null) return mismatch;
  const status = nativeStatus();
  return status.available ? null : (status.reason ?? 'the native addon is unavailable');
}
