/**
 * Lazy access to the optional native addon (native/, built at install time by
 * scripts/build-native.js). Its absence is normal: every caller falls back to
 * ordinary compilation.
 *
 * `WASMER_TS_NATIVE=0` in the environment disables it. This is read here,
 * against the library's no-env rule, because it must also reach worker threads
 * and child processes started by the runtime, and tests use it to exercise the
 * fallback path end to end.
 */
import { existsSync } from 'node:fs';
import type { StructuredSerializer } from '../component/parser/ast-codec.js';
import { setNativeLoader, useNativeBlake3, useNativeSha256 } from './hash.js';
import { currentEmbedding, nativeAddonPath } from './paths.js';

/** The addon's functions (see native/src/addon.cc). */
export interface NativeAddon {
  /** V8's serialized machine code for `module`, or null when V8 has nothing optimized to serialize. */
  serialize(module: WebAssembly.Module): Uint8Array | null;
  /** The Wasm bytes V8 compiled `module` from. */
  wireBytes(module: WebAssembly.Module): Uint8Array;
  /**
   * Queues a cached load for `WebAssembly.compileStreaming(marker)`; true, or why it cannot. Once the
   * load ran, `marker.accepted` says whether V8 took the code: on V8 14 (`api` 'ModuleCachingCallback')
   * that it deserialized it; before (`api` 'SetCompiledModuleBytes') that it accepted the code's header.
   * `release`: `wasm`'s buffer is detached (its views read as empty) once V8 has copied the bytes,
   * before it deserializes, when `wasm` covers its whole buffer; an addon built before this ignores it.
   */
  arm(marker: object, wasm: Uint8Array, code: Uint8Array, release?: boolean): true | string;
  disarm(marker: object): void;
  /**
   * Detaches the buffer `bytes` covers whole (its views then read as empty), which frees it now
   * rather than at a GC; false when `bytes` is part of a larger buffer. Missing from an addon built before it.
   */
  detach?(bytes: Uint8Array): boolean;
  /**
   * A full GC now, finalizers included (`Isolate::LowMemoryNotification`): frees the copy of the
   * wire bytes V8's streaming decoder keeps after a cache hit's load. Missing from an addon built before it.
   */
  collectGarbage?(): void;
  /** The SHA-256 of `bytes` (native/src/sha256.cc): 32 bytes. */
  sha256(bytes: Uint8Array): Uint8Array;
  /**
   * The BLAKE3 hash of `bytes` (native/src/blake3.cc): 32 bytes, with the widest vector
   * kernel this CPU runs, or the one named (tests; a wider one throws a TypeError).
   * Missing from an addon built before it.
   */
  blake3?(bytes: Uint8Array, kernel?: Blake3Kernel): Uint8Array;
  /**
   * V8's structured serialization of `value`, with `buffer` transferred: views of it are
   * written as offsets into it (the parse cache, component/parser/ast-codec.ts). Throws
   * V8's Error for what it cannot write. Missing from an addon built before it.
   */
  serializeValue?(value: unknown, buffer: ArrayBuffer): Uint8Array;
  /** `value` again from serializeValue's data, its views on `buffer`. Throws V8's Error for bad data. */
  deserializeValue?(data: Uint8Array, buffer: ArrayBuffer): unknown;
  /**
   * V8's `SetFlagsFromString`, as node:v8's `setFlagsFromString` (which costs 11 ms to load under
   * a start-up V8 flag on Node 20): only before any Wasm is compiled. Missing from an addon built before it.
   */
  setV8Flags?(flags: string): void;
  /**
   * Tells V8 the process is loading (`Isolate::SetIsLoading`, the RAIL mode on V8 11-12): for up to
   * 7 s, V8 lets its old generation grow past its limit before a mark-compact. Missing from an
   * addon built before it.
   */
  setLoading?(loading: boolean): void;
  /**
   * lstat(2) of a path or fstat(2) of an fd without a Stats object: the mode's S_IFMT bits, 0 for
   * ENOENT, or -errno; device and inode into `ids` (wasi/file-type.ts). Missing from an addon built before it.
   */
  statType?(target: string | number, ids: Float64Array): number;
  /**
   * statType of `dir + '/' + name` (`name` not empty), joined in C++: the sandbox's walk makes
   * no string of the joined path for it. Missing from an addon built before it.
   */
  statTypeIn?(dir: string, name: string, ids: Float64Array): number;
  /**
   * As statType, and on success a WASI preview1 filestat (64 bytes, filetype 0) written at
   * `memory[offset]` (wasi/file-type.ts). Missing from an addon built before it.
   */
  filestat?(target: string | number, memory: Uint8Array, offset: number): number;
  /**
   * getrandom(2) into `bytes[offset, offset + length)`: 0, or -errno when it failed. Throws a
   * TypeError for a range outside `bytes`. Missing from an addon built before it.
   */
  randomFill?(bytes: Uint8Array, offset: number, length: number): number;
  /**
   * pwrite(2) (`write` true) or pread(2) of `bytes[offset, offset + length)` at `position`
   * of `fd`: the bytes done, or -errno when it failed (EINTR is retried). Throws a TypeError
   * for a range outside `bytes` or a position that is not a whole number from 0 to 2^53.
   * Missing from an addon built before it.
   */
  fileIo?(write: boolean, fd: number, bytes: Uint8Array, offset: number, length: number, position: number): number;
  status(): {
    loader: boolean;
    reason: string | null;
    v8: string;
    /** The include/v8-wasm.h API the loader was built against (see native/src/addon.cc). */
    api: 'SetCompiledModuleBytes' | 'ModuleCachingCallback';
    /**
     * How sha256() hashes: with the CPU's SHA instructions, or portable code (also when
     * `WASMER_TS_SHA_NI=0` is in the environment). Missing from an addon built before it.
     */
    sha256?: 'sha-ni' | 'portable';
    /** The widest kernel blake3() hashes with. Missing from an addon built before it. */
    blake3?: Blake3Kernel;
  };
}

/** The vector widths of the addon's BLAKE3: four lanes of 32 bits (any CPU), eight, sixteen. */
export type Blake3Kernel = 'portable' | 'avx2' | 'avx512';

export interface NativeStatus {
  /** True when machine code can be both saved and loaded in this process. */
  readonly available: boolean;
  /** Why not, when `available` is false. */
  readonly reason: string | null;
  /** Where the addon was looked for. */
  readonly path: string;
}

let loaded: Loaded | undefined;

type Loaded = { addon: NativeAddon | null; status: NativeStatus };

function unavailable(path: string, reason: string): Loaded {
  return { addon: null, status: { available: false, reason, path } };
}

function load(): Loaded {
  loaded ??=
    process.env.WASMER_TS_NATIVE === '0' ? unavailable(nativeAddonPath(), 'disabled by WASMER_TS_NATIVE=0') : find();
  return loaded;
}

function find(): Loaded {
  // The standalone executable writes its copy out on first use (src/standalone/addon.ts).
  const where = currentEmbedding()?.nativeAddonPath() ?? { path: nativeAddonPath() };
  if ('reason' in where) return unavailable(nativeAddonPath(), where.reason);
  const { path } = where;
  if (!existsSync(path)) {
    return unavailable(path, 'the native addon is not built (npm rebuild wasmer-ts, with a C++ compiler installed)');
  }
  try {
    // process.dlopen, not require: the standalone executable has no file-based require.
    const holder = { exports: {} as NativeAddon };
    process.dlopen(holder, path);
    const addon = holder.exports;
    const status = addon.status();
    // An addon built before sha256() existed (a checkout pulled but not rebuilt) has none.
    if (typeof addon.sha256 === 'function') {
      useNativeSha256((bytes) => addon.sha256(bytes), status.sha256 === 'sha-ni');
    }
    const { blake3 } = addon;
    if (typeof blake3 === 'function') useNativeBlake3((bytes) => blake3(bytes));
    return status.loader
      ? { addon, status: { available: true, reason: null, path } }
      : unavailable(path, status.reason ?? 'the addon cannot load machine code in this Node');
  } catch (error) {
    // Built for another Node ABI, or a missing symbol.
    return unavailable(
      path,
      `the native addon failed to load: ${error instanceof Error ? error.message.split('\n')[0] : error}`,
    );
  }
}

// A big input to hash.ts's BLAKE3 loads the addon first (its vector code, not JavaScript).
setNativeLoader(() => {
  load();
});

/** Whether machine code can be saved and loaded here, and if not, why. Never throws. */
export function nativeStatus(): NativeStatus {
  return load().status;
}

/** The addon, or null when it is unavailable (see `nativeStatus().reason`). */
export function nativeAddon(): NativeAddon | null {
  return load().addon;
}

/**
 * The addon's V8 serializer, which writes and reads the parse cache's entries
 * (component/parser/ast-codec.ts); null without the addon, or with one built before it.
 */
export function nativeSerializer(): StructuredSerializer | null {
  const { serializeValue, deserializeValue } = nativeAddon() ?? {};
  return serializeValue === undefined || deserializeValue === undefined ? null : { serializeValue, deserializeValue };
}
