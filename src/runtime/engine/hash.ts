/**
 * The hashes wasmer-ts computes. BLAKE3 for the artifact format (from version 3) and
 * the cache's keys, which hash whole modules and payloads: the native addon's vector
 * code (native/src/blake3.cc; 5.4 GB/s with AVX-512 here, 2.7 with AVX2, 1.6 portable),
 * once ./native.ts has loaded it (an input of LOAD_NATIVE_BYTES or more loads it), else
 * the plain JavaScript of ./blake3.ts.
 *
 * SHA-256 for the engine fingerprint and for reading artifacts of format versions 1
 * and 2, from whichever of three implementations costs a start least:
 *
 * - the native addon's (native/src/sha256.cc), once ./native.ts has loaded it (it
 *   hands its function over here, so that this file stays pure): the cache loads it
 *   before it hashes anything, since it cannot read or fill an entry without it, and
 *   it loads in about half a millisecond. With the CPU's SHA instructions (x86-64
 *   SHA-NI) it hashes as fast as node:crypto, 1.3 GB/s here, and takes every input;
 *   without them (160 MB/s), inputs up to NATIVE_HASH_MAX_BYTES;
 * - without the addon, up to SMALL_HASH_MAX_BYTES, the plain-JavaScript one of
 *   ./sha256.ts (it runs interpreted in a cold process, so its cost grows quickly
 *   with the input);
 * - node:crypto otherwise, and for everything the addon does not take once it is
 *   loaded (ten times as fast as the portable addon code, with the CPU's SHA
 *   instructions, but with a call's overhead of its own). It loads on
 *   first use, synchronously so that the sync API (`Module.serialize`,
 *   `decodeArtifact`) stays sync, and loading it costs 3 ms in a process with V8's
 *   default flags but 10-20 ms under --no-liftoff, the flags `run` starts with:
 *   Node then compiles its own modules from source (bench/suites/startup.js).
 */
import type * as NodeCrypto from 'node:crypto';
import { requireBuiltin } from '../builtin.js';
import { blake3Js } from './blake3.js';
import { SMALL_HASH_MAX_BYTES, sha256BytesJs, sha256HexJs } from './sha256.js';

/**
 * Inputs up to this many bytes go to the addon's portable code rather than node:crypto
 * while that is not loaded: 6 ms of hashing at 160 MB/s, about what loading node:crypto costs.
 */
export const NATIVE_HASH_MAX_BYTES = 1 << 20;

let nativeSha256: ((bytes: Uint8Array) => Uint8Array) | null = null;
let nativeMaxBytes = 0;

/**
 * Called by ./native.ts when the addon has loaded: its SHA-256, for every input when it uses
 * the CPU's SHA instructions, else for inputs up to NATIVE_HASH_MAX_BYTES.
 */
export function useNativeSha256(sha256: (bytes: Uint8Array) => Uint8Array, cpuInstructions: boolean): void {
  nativeSha256 = sha256;
  nativeMaxBytes = cpuInstructions ? Number.POSITIVE_INFINITY : NATIVE_HASH_MAX_BYTES;
}

let cryptoModule: typeof NodeCrypto | undefined;
const nodeCrypto = () => (cryptoModule ??= requireBuiltin<typeof NodeCrypto>('node:crypto'));

/** The digest by the native or the JavaScript implementation, or null when node:crypto should do it. */
function withoutCrypto(bytes: Uint8Array): Uint8Array | null {
  // The addon first, small inputs included: in a cold process the JavaScript one runs
  // interpreted (1.4 ms for 1 KiB), the addon's takes microseconds.
  if (nativeSha256 !== null && bytes.length <= nativeMaxBytes) return nativeSha256(bytes);
  if (cryptoModule === undefined && bytes.length <= SMALL_HASH_MAX_BYTES) return sha256BytesJs(bytes);
  return null;
}

/** The SHA-256 of `bytes`, lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  if (nativeSha256 === null && cryptoModule === undefined && bytes.length <= SMALL_HASH_MAX_BYTES) {
    return sha256HexJs(bytes);
  }
  const digest = withoutCrypto(bytes);
  if (digest === null) return nodeCrypto().createHash('sha256').update(bytes).digest('hex');
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('hex');
}

/** The SHA-256 of `bytes`: 32 bytes. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return withoutCrypto(bytes) ?? nodeCrypto().createHash('sha256').update(bytes).digest();
}

let nativeBlake3: ((bytes: Uint8Array) => Uint8Array) | null = null;
/** How to load the addon (./native.ts registers it when it is imported), until it was tried. */
let loadNative: (() => void) | null = null;

/**
 * Inputs from this size load the addon before they are hashed, if nothing has yet: the
 * JavaScript BLAKE3 runs interpreted in a cold process (4 MiB in 40 ms, the addon's in
 * 1), while loading the addon takes half a millisecond. An artifact is hashed before
 * anything asks for the addon to load its machine code.
 */
const LOAD_NATIVE_BYTES = 64 * 1024;

/** Called by ./native.ts when the addon has loaded: its BLAKE3, for every input. */
export function useNativeBlake3(blake3: (bytes: Uint8Array) => Uint8Array): void {
  nativeBlake3 = blake3;
}

/** Called by ./native.ts as it is imported: how to load the addon, which calls `useNativeBlake3`. */
export function setNativeLoader(load: () => void): void {
  loadNative = load;
}

/** The BLAKE3 hash of `bytes`: 32 bytes. */
export function blake3(bytes: Uint8Array): Uint8Array {
  if (nativeBlake3 === null && loadNative !== null && bytes.length >= LOAD_NATIVE_BYTES) {
    const load = loadNative;
    loadNative = null;
    load();
  }
  return nativeBlake3 === null ? blake3Js(bytes) : nativeBlake3(bytes);
}

/** The BLAKE3 hash of `bytes`, lowercase hex. */
export function blake3Hex(bytes: Uint8Array): string {
  const digest = blake3(bytes);
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('hex');
}
