/**
 * The artifact format: a WebAssembly module plus, optionally, the machine code
 * V8 compiled for it, in one self-checking container. `Module.serialize`,
 * `wasmer-ts compile` and the on-disk cache all write it; a cache entry leaves
 * the Wasm out (the caller of a lookup has those bytes already, and the entry's
 * name is their hash) and is checked against the caller's bytes instead.
 *
 * Layout (all integers little-endian), format version 3:
 *
 * ```
 * offset  size  field
 * 0       8     magic: 89 57 54 53 41 52 54 0A ("\x89WTSART\n"; never "\0asm", and not UTF-8 text)
 * 8       4     format version (u32: 3; versions 1 and 2 are still read)
 * 12      4     header length H (u32): the byte length of the header block below
 * 16      H     header block:
 *                 six strings, each u16 byte length + UTF-8:
 *                   wasmer-ts version, Node version, V8 version, arch,
 *                   CPU fingerprint, V8 flag fingerprint
 *                 u32 flags: bit 0 set = the Wasm bytes are not included (a cache entry)      [v2]
 *                 string: the module name from its name section ("" when none)               [v2]
 *                 string: where the Wasm came from, as the writer said ("" when not given)   [v2]
 *                 u32 Wasm byte length, 32 bytes hash of the Wasm
 *                 u32 machine-code byte length (0 = none), 32 bytes hash of it (zeros if none)
 *                 4 x u32 what the machine code holds: functions, with TurboFan code,         [v2]
 *                   run in Liftoff only, TurboFan instruction bytes (all 0xffffffff = unknown:
 *                   see engine/v8-serialized.ts)
 * 16+H    32    hash of bytes [0, 16+H): the header checksum
 * 48+H    W     the Wasm bytes (absent, W = 0 bytes in the file, when flags bit 0 is set)
 * ...     M     the machine-code payload (V8's `CompiledWasmModule::Serialize()` output)
 * ```
 *
 * The hash is BLAKE3 (256 bits) from version 3: with the addon's vector code it hashes
 * 4-5 times as fast as SHA-256 with the CPU's SHA instructions, and a cache lookup of a
 * big module hashes all of it (./hash.ts). Version 2 is the same with SHA-256; version 1
 * is version 2 without the fields marked [v2] (and always with the Wasm).
 * The file ends exactly after the payload. Decoding trusts nothing before it is
 * checked: every length is compared with the bytes that remain (so a corrupt
 * length never causes a giant allocation), the header checksum is verified
 * before any header field is used, and the Wasm (embedded, or the caller's for a
 * cache entry) and the payload are verified against their hash before V8 sees
 * a byte of them. V8's own check of a serialized module covers only a 16-byte
 * header (version, CPU features, flag hash); a damaged payload that passes it
 * can crash the process or compute wrong results, which is why the payload hash
 * is not optional.
 *
 * This file is the format only and, like the parser, pure: bytes and values in,
 * bytes and values out, no file system and nothing about this process. The
 * fingerprint of the engine that writes an artifact comes from ./fingerprint.ts
 * (`encodeArtifact` in ./machine-code.ts fills it in), and whether an
 * artifact's machine code can run here is decided there and in ./machine-code.ts.
 */
import { ArgumentError, ArtifactError, type ArtifactErrorCode } from '../errors.js';
import { ARTIFACT_MAGIC, hasArtifactMagic } from '../parser/sniff.js';
import { hex } from '../units.js';
import { blake3, blake3Hex, sha256, sha256Hex } from './hash.js';
import { type ModuleFacts, readModuleFacts } from './module-facts.js';
import { type MachineCodeSummary, summarizeMachineCode } from './v8-serialized.js';

// "\x89WTSART\n" (parser/sniff.ts, which tells the formats apart): the high first byte
// makes it invalid UTF-8, so it is never mistaken for .wat text.
export { ARTIFACT_MAGIC };
export const ARTIFACT_FORMAT_VERSION = 3;
/** Format versions this wasmer-ts reads. */
const READABLE_VERSIONS: readonly number[] = [1, 2, 3];

/** The hash of an artifact's checksums: SHA-256 up to format version 2, BLAKE3 from 3. */
export type ArtifactHashAlgorithm = 'sha256' | 'blake3';

function hashAlgorithmOf(version: number): ArtifactHashAlgorithm {
  return version >= 3 ? 'blake3' : 'sha256';
}

function hashWith(algorithm: ArtifactHashAlgorithm, bytes: Uint8Array): Uint8Array {
  return algorithm === 'blake3' ? blake3(bytes) : sha256(bytes);
}

function hexHashWith(algorithm: ArtifactHashAlgorithm, bytes: Uint8Array): string {
  return algorithm === 'blake3' ? blake3Hex(bytes) : sha256Hex(bytes);
}

const ALGORITHM_NAMES: Readonly<Record<ArtifactHashAlgorithm, string>> = { sha256: 'SHA-256', blake3: 'BLAKE3' };
/** Header flag: the Wasm bytes are not in the file (a cache entry). */
const FLAG_NO_WASM = 1;
/** Longer module names and sources are cut (at a character boundary): they are only shown. */
const MAX_LABEL_BYTES = 1024;
const UNKNOWN_COUNT = 0xffffffff;

const HASH_LENGTH = 32;
const PREFIX_LENGTH = 16; // magic + format version + header length
/** A real header is a few hundred bytes; anything larger is a corrupt length field. */
const MAX_HEADER_LENGTH = 64 * 1024;
const MAX_STRING_LENGTH = 0xffff;

/** What the machine code was compiled for. Any difference means "recompile from the Wasm bytes". */
export interface EngineFingerprint {
  readonly wasmerTsVersion: string;
  readonly nodeVersion: string;
  readonly v8Version: string;
  readonly arch: string;
  /** Architecture plus a hash of the CPU model and feature flags; V8 additionally checks its own CPU-feature bits. */
  readonly cpuFingerprint: string;
  /** A hash of the V8 flags that change generated code (see `v8FlagFingerprint`). */
  readonly flagFingerprint: string;
}

/** The decoded, verified header of an artifact. */
export interface ArtifactHeader extends EngineFingerprint {
  readonly formatVersion: number;
  /** False for a cache entry: it holds machine code, and the Wasm it belongs to is checked against its hash. */
  readonly hasWasm: boolean;
  /** The module name from the name section, or null (and always null in format 1). */
  readonly moduleName: string | null;
  /** Where the Wasm came from, as its writer said (the file a cache entry was filled from), or null. */
  readonly source: string | null;
  /** What `wasmHash`, `machineCodeHash` and the header checksum are: 'blake3' from format version 3. */
  readonly hashAlgorithm: ArtifactHashAlgorithm;
  readonly wasmByteLength: number;
  /** The Wasm's hash, lowercase hex. */
  readonly wasmHash: string;
  /** 0 when the artifact carries no machine code. */
  readonly machineCodeByteLength: number;
  /** The machine code's hash, lowercase hex, or null when there is no machine code. */
  readonly machineCodeHash: string | null;
  /** What V8 serialized (how many functions have TurboFan code), or null when unknown or there is none. */
  readonly machineCodeSummary: MachineCodeSummary | null;
}

export type { MachineCodeSummary } from './v8-serialized.js';

export interface DecodedArtifact {
  readonly wasm: Uint8Array;
  readonly machineCode: Uint8Array | null;
  readonly header: ArtifactHeader;
}

/**
 * What `decodeArtifact(bytes, { allowDamagedMachineCode: true })` returns: like
 * `DecodedArtifact`, but the machine code may be unusable while the Wasm is
 * still sound (the payload was truncated or damaged). `machineCodeProblem` says
 * why, and `machineCode` is then null.
 */
export interface LenientDecodedArtifact extends DecodedArtifact {
  readonly machineCodeProblem: { readonly code: ArtifactErrorCode; readonly reason: string } | null;
}

/** True when `bytes` starts with the artifact magic. Never throws. */
export function isArtifact(bytes: unknown): boolean {
  return bytes instanceof Uint8Array && hasArtifactMagic(bytes);
}

/** What an artifact holds besides the engine fingerprint. */
export interface ArtifactParts {
  wasm: Uint8Array;
  /** V8's serialized machine code for `wasm`, or none. */
  machineCode?: Uint8Array | null;
  /** False leaves the Wasm out (a cache entry: only its length and hash are kept, and reading needs the bytes). */
  includeWasm?: boolean;
  /** Recorded as where the Wasm came from (shown by `cache ls`). */
  source?: string | null;
}

/**
 * Builds an artifact from a Wasm binary and, optionally, V8's serialized machine
 * code for it, compiled by the engine `fp` describes. Throws `ArgumentError`
 * (`ERR_ARG_RANGE`) for a fingerprint field longer than 65535 bytes.
 */
/**
 * `wasmBlake3`: the BLAKE3 hash of `input.wasm` when the caller has computed it already
 * (the cache, which names its entries by it: clang's 72 MiB take 14 ms with AVX-512).
 */
export function encodeArtifactFor(fp: EngineFingerprint, input: ArtifactParts, wasmBlake3?: Uint8Array): Uint8Array {
  const { wasm } = input;
  const includeWasm = input.includeWasm !== false;
  const summary = { byteLength: wasm.length, facts: readModuleFacts(wasm) };
  return encodeParts(fp, includeWasm ? wasm : null, summary, wasmBlake3 ?? blake3(wasm), input);
}

/** What an entry without the Wasm records of it: enough to write one once the bytes are gone. */
export interface WasmSummary {
  readonly byteLength: number;
  readonly facts: ModuleFacts;
}

/**
 * A cache entry (an artifact without the Wasm) for a module whose bytes the caller no
 * longer holds: their length, BLAKE3 hash and facts, taken while it had them.
 */
export function encodeEntryFor(
  fp: EngineFingerprint,
  wasm: WasmSummary,
  wasmBlake3: Uint8Array,
  input: { readonly machineCode: Uint8Array | null; readonly source?: string | null },
): Uint8Array {
  return encodeParts(fp, null, wasm, wasmBlake3, input);
}

/** The artifact; `wasm` is the bytes to include, or null to leave them out. */
function encodeParts(
  fp: EngineFingerprint,
  wasm: Uint8Array | null,
  wasmSummary: WasmSummary,
  wasmBlake3: Uint8Array,
  input: { readonly machineCode?: Uint8Array | null; readonly source?: string | null },
): Uint8Array {
  const machineCode = input.machineCode ?? null;
  const includeWasm = wasm !== null;
  const encoder = new TextEncoder();
  const strings = [
    fp.wasmerTsVersion,
    fp.nodeVersion,
    fp.v8Version,
    fp.arch,
    fp.cpuFingerprint,
    fp.flagFingerprint,
  ].map((s) => encoder.encode(s));
  for (const s of strings) {
    if (s.length > MAX_STRING_LENGTH) {
      throw new ArgumentError('ERR_ARG_RANGE', 'options.engine fields must be at most 65535 bytes of UTF-8 each');
    }
  }
  const { facts } = wasmSummary;
  const name = encodeLabel(facts.moduleName ?? '', encoder);
  const source = encodeLabel(input.source ?? '', encoder);
  const summary =
    machineCode === null || machineCode.length === 0 || facts.importedFunctions === null
      ? null
      : summarizeMachineCode(machineCode, fp.v8Version, facts.importedFunctions);
  const codeLength = machineCode?.length ?? 0;
  const headerLength =
    strings.reduce((n, s) => n + 2 + s.length, 0) +
    4 +
    (2 + name.length) +
    (2 + source.length) +
    2 * (4 + HASH_LENGTH) +
    SUMMARY_LENGTH;
  const total = PREFIX_LENGTH + headerLength + HASH_LENGTH + (wasm === null ? 0 : wasm.length) + codeLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(ARTIFACT_MAGIC, 0);
  view.setUint32(8, ARTIFACT_FORMAT_VERSION, true);
  view.setUint32(12, headerLength, true);
  let at = PREFIX_LENGTH;
  const putString = (s: Uint8Array) => {
    view.setUint16(at, s.length, true);
    out.set(s, at + 2);
    at += 2 + s.length;
  };
  for (const s of strings) putString(s);
  view.setUint32(at, includeWasm ? 0 : FLAG_NO_WASM, true);
  at += 4;
  putString(name);
  putString(source);
  view.setUint32(at, wasmSummary.byteLength, true);
  out.set(wasmBlake3, at + 4);
  at += 4 + HASH_LENGTH;
  view.setUint32(at, codeLength, true);
  if (machineCode !== null && codeLength > 0) out.set(blake3(machineCode), at + 4);
  at += 4 + HASH_LENGTH;
  const counts = summary === null ? null : [summary.functions, summary.turbofan, summary.liftoff, summary.codeBytes];
  for (let i = 0; i < 4; i++) view.setUint32(at + 4 * i, counts?.[i] ?? UNKNOWN_COUNT, true);
  at += SUMMARY_LENGTH;
  out.set(blake3(out.subarray(0, at)), at);
  at += HASH_LENGTH;
  if (wasm !== null) {
    out.set(wasm, at);
    at += wasm.length;
  }
  if (machineCode !== null) out.set(machineCode, at);
  return out;
}

const SUMMARY_LENGTH = 16;

/** `text` as UTF-8, cut to MAX_LABEL_BYTES without splitting a character. */
function encodeLabel(text: string, encoder: InstanceType<typeof TextEncoder>): Uint8Array {
  const bytes = encoder.encode(text);
  if (bytes.length <= MAX_LABEL_BYTES) return bytes;
  let end = MAX_LABEL_BYTES;
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

const ADVICE = 'recreate it with `wasmer-ts compile` or Module.serialize()';

/** How `decodeArtifact` checks a cache entry, which holds no Wasm, and what it tolerates. */
export interface DecodeArtifactOptions {
  /** The Wasm bytes the caller has: required for an artifact without its Wasm (else `ERR_ARTIFACT_NO_WASM`). */
  readonly wasm?: Uint8Array;
  /**
   * Their BLAKE3 hash (lowercase hex) when the caller has computed it already; it must be
   * of `wasm`. Used for an artifact of format version 3 (an older one is checked by SHA-256).
   */
  readonly wasmBlake3?: string;
  /**
   * True returns a truncated or damaged machine-code payload as `machineCodeProblem`
   * instead of throwing: the Wasm is still good for a recompile (the cache, the
   * loader and `inspect` use it). The header and the Wasm must be sound either way.
   */
  readonly allowDamagedMachineCode?: boolean;
}

/**
 * Decodes and fully verifies an artifact. Throws `ArtifactError`:
 * - `ERR_ARTIFACT_MAGIC`: not an artifact at all;
 * - `ERR_ARTIFACT_VERSION`: an artifact of another format version;
 * - `ERR_ARTIFACT_TRUNCATED`: the bytes end before a length says they should;
 * - `ERR_ARTIFACT_CORRUPT`: a checksum does not match, or there are trailing bytes;
 * - `ERR_ARTIFACT_NO_WASM`: a cache entry (no Wasm inside), and `options.wasm` not given.
 *
 * With `allowDamagedMachineCode`, a truncated or damaged machine-code payload
 * is not thrown but returned as `machineCodeProblem`, with `machineCode: null`.
 * For a cache entry (no Wasm inside), `options.wasm` is checked against the
 * entry's length and hash and returned as `wasm`.
 *
 * It does not compare the engine fingerprint with this process: see
 * `engineMismatch` in fingerprint.ts (a foreign engine is not an error, only a
 * reason to recompile).
 */
export function decodeArtifact(
  bytes: Uint8Array,
  options: DecodeArtifactOptions & { readonly allowDamagedMachineCode: true },
): LenientDecodedArtifact;
export function decodeArtifact(bytes: Uint8Array, options?: DecodeArtifactOptions): DecodedArtifact;
export function decodeArtifact(
  bytes: Uint8Array,
  options: DecodeArtifactOptions = {},
): DecodedArtifact | LenientDecodedArtifact {
  const decoded = decodeLeniently(bytes, options);
  if (options.allowDamagedMachineCode === true) return decoded;
  const problem = decoded.machineCodeProblem;
  if (problem !== null) {
    throw new ArtifactError(problem.code, `artifact machine code is unusable: ${problem.reason}; ${ADVICE}`);
  }
  return { wasm: decoded.wasm, machineCode: decoded.machineCode, header: decoded.header };
}

/** A verified header, and where the artifact's parts are. */
export interface ArtifactLayout {
  readonly header: ArtifactHeader;
  /** Offset of the Wasm bytes (when included), then the machine code. */
  readonly dataOffset: number;
  /** The exact byte length of the whole artifact, as its header declares it. */
  readonly byteLength: number;
}

/**
 * The smallest prefix `readArtifactHeader` needs when `prefix` is too short for
 * the header it starts (so a reader can fetch exactly that much), else null.
 * Throws like `readArtifactHeader` for a bad magic, version or header length.
 */
export function artifactHeaderLength(prefix: Uint8Array): number | null {
  const { hashAt } = checkPrefix(prefix);
  return prefix.length < hashAt + HASH_LENGTH ? hashAt + HASH_LENGTH : null;
}

/**
 * Decodes and verifies only the header of an artifact, from `bytes` that may
 * stop after it: for a reader that checks the declared size before reading the
 * rest (the cache), and for listings. Throws `ArtifactError` as `decodeArtifact`
 * does for the prefix and header (`ERR_ARTIFACT_TRUNCATED` when `bytes` ends in
 * the header).
 */
export function readArtifactHeader(bytes: Uint8Array): ArtifactLayout {
  const { version, hashAt } = checkPrefix(bytes);
  if (bytes.length < hashAt + HASH_LENGTH) {
    throw truncated(`the header needs ${hashAt + HASH_LENGTH} bytes, the artifact has ${bytes.length}`);
  }
  const hashAlgorithm = hashAlgorithmOf(version);
  if (!equalBytes(hashWith(hashAlgorithm, bytes.subarray(0, hashAt)), bytes.subarray(hashAt, hashAt + HASH_LENGTH))) {
    throw corrupt('its header checksum does not match');
  }

  // The header is authentic from here on; its fields still get bounds checks.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let at = PREFIX_LENGTH;
  const need = (count: number): void => {
    if (at + count > hashAt) throw corrupt('a header field runs past the header');
  };
  const readU32 = (): number => {
    need(4);
    at += 4;
    return view.getUint32(at - 4, true);
  };
  const readString = (): string => {
    need(2);
    const len = view.getUint16(at, true);
    need(2 + len);
    const s = bytes.subarray(at + 2, at + 2 + len);
    at += 2 + len;
    try {
      return decoder.decode(s);
    } catch (cause) {
      throw new ArtifactError('ERR_ARTIFACT_CORRUPT', `artifact is corrupt: a header string is not UTF-8; ${ADVICE}`, {
        cause,
      });
    }
  };
  const readHash = (): Uint8Array => {
    need(HASH_LENGTH);
    at += HASH_LENGTH;
    return bytes.subarray(at - HASH_LENGTH, at);
  };
  const wasmerTsVersionField = readString();
  const nodeVersion = readString();
  const v8Version = readString();
  const arch = readString();
  const cpuFingerprint = readString();
  const flagFingerprint = readString();
  const flags = version >= 2 ? readU32() : 0;
  if ((flags & ~FLAG_NO_WASM) !== 0) throw corrupt(`its header has unknown flags 0x${flags.toString(16)}`);
  const moduleName = version >= 2 ? readString() : '';
  const source = version >= 2 ? readString() : '';
  const wasmByteLength = readU32();
  const wasmHash = readHash();
  const machineCodeByteLength = readU32();
  const codeHash = readHash();
  const counts = version >= 2 ? [readU32(), readU32(), readU32(), readU32()] : null;
  if (at !== hashAt) throw corrupt('its header has unexpected extra bytes');

  const hasWasm = (flags & FLAG_NO_WASM) === 0;
  const [functions, turbofan, liftoff, codeBytes] = counts ?? [];
  const machineCodeSummary =
    functions === undefined ||
    turbofan === undefined ||
    liftoff === undefined ||
    codeBytes === undefined ||
    functions === UNKNOWN_COUNT ||
    machineCodeByteLength === 0
      ? null
      : { functions, turbofan, liftoff, codeBytes };
  const header: ArtifactHeader = {
    formatVersion: version,
    wasmerTsVersion: wasmerTsVersionField,
    nodeVersion,
    v8Version,
    arch,
    cpuFingerprint,
    flagFingerprint,
    hasWasm,
    moduleName: moduleName === '' ? null : moduleName,
    source: source === '' ? null : source,
    hashAlgorithm,
    wasmByteLength,
    wasmHash: hex(wasmHash),
    machineCodeByteLength,
    machineCodeHash: machineCodeByteLength === 0 ? null : hex(codeHash),
    machineCodeSummary,
  };
  const dataOffset = hashAt + HASH_LENGTH;
  return { header, dataOffset, byteLength: dataOffset + (hasWasm ? wasmByteLength : 0) + machineCodeByteLength };
}

/** Magic, format version and header length: what every reader checks first. */
function checkPrefix(bytes: Uint8Array): { version: number; hashAt: number } {
  if (!(bytes instanceof Uint8Array)) {
    throw new ArtifactError('ERR_ARTIFACT_MAGIC', 'an artifact must be given as a Uint8Array');
  }
  const n = Math.min(bytes.length, ARTIFACT_MAGIC.length);
  for (let i = 0; i < n; i++) {
    if (bytes[i] !== ARTIFACT_MAGIC[i]) {
      const what = bytes[0] === 0 && bytes[1] === 0x61 ? 'a plain WebAssembly binary' : 'foreign bytes';
      throw new ArtifactError(
        'ERR_ARTIFACT_MAGIC',
        `not a wasmer-ts artifact (found ${what}; artifacts start with "\\x89WTSART\\n"); pass a .wasm to compile it instead`,
      );
    }
  }
  if (bytes.length < PREFIX_LENGTH) {
    throw truncated(`the artifact is only ${bytes.length} bytes, shorter than its ${PREFIX_LENGTH}-byte prefix`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (!READABLE_VERSIONS.includes(version)) {
    throw new ArtifactError(
      'ERR_ARTIFACT_VERSION',
      `artifact format version ${version} is not supported (this wasmer-ts reads versions ${READABLE_VERSIONS.join(', ')}); ${ADVICE}`,
    );
  }
  const headerLength = view.getUint32(12, true);
  if (headerLength > MAX_HEADER_LENGTH) {
    throw corrupt(`its header length ${headerLength} is implausible`);
  }
  return { version, hashAt: PREFIX_LENGTH + headerLength };
}

/** `decodeArtifact` with `allowDamagedMachineCode`: what both modes check, and the payload's problem if any. */
function decodeLeniently(bytes: Uint8Array, options: DecodeArtifactOptions): LenientDecodedArtifact {
  const { header, dataOffset } = readArtifactHeader(bytes);
  const { wasmByteLength, machineCodeByteLength, hashAlgorithm } = header;
  const algorithm = ALGORITHM_NAMES[hashAlgorithm];
  let wasm: Uint8Array;
  let codeAt: number;
  if (header.hasWasm) {
    codeAt = dataOffset + wasmByteLength;
    if (bytes.length < codeAt) {
      throw truncated(`its Wasm needs ${wasmByteLength} bytes, only ${bytes.length - dataOffset} remain`);
    }
    wasm = bytes.subarray(dataOffset, codeAt);
    if (hexHashWith(hashAlgorithm, wasm) !== header.wasmHash)
      throw corrupt(`its Wasm bytes do not match their ${algorithm}`);
  } else {
    if (options.wasm === undefined) {
      throw new ArtifactError(
        'ERR_ARTIFACT_NO_WASM',
        `this is a wasmer-ts cache entry: it holds machine code for the Wasm module with ${algorithm} ${header.wasmHash} ` +
          `(${wasmByteLength} bytes) but not the module itself; run that .wasm (the cache finds the entry), ` +
          'or make a self-contained artifact with `wasmer-ts compile`',
      );
    }
    const given =
      hashAlgorithm === 'blake3' && options.wasmBlake3 !== undefined
        ? options.wasmBlake3
        : hexHashWith(hashAlgorithm, options.wasm);
    if (options.wasm.length !== wasmByteLength || given !== header.wasmHash) {
      throw corrupt(`its machine code was compiled from other Wasm bytes (${algorithm} ${header.wasmHash})`);
    }
    wasm = options.wasm;
    codeAt = dataOffset;
  }

  const end = codeAt + machineCodeByteLength;
  if (bytes.length > end) {
    // Extra bytes after an authentic header: the file was appended to or concatenated.
    throw corrupt(`it has ${bytes.length - end} unexpected bytes after its end`);
  }
  if (machineCodeByteLength === 0) {
    return { wasm, machineCode: null, header, machineCodeProblem: null };
  }
  if (bytes.length < end) {
    const reason = `the machine code ends after ${bytes.length - codeAt} of ${machineCodeByteLength} bytes`;
    return { wasm, machineCode: null, header, machineCodeProblem: { code: 'ERR_ARTIFACT_TRUNCATED', reason } };
  }
  const machineCode = bytes.subarray(codeAt, end);
  if (hexHashWith(hashAlgorithm, machineCode) !== header.machineCodeHash) {
    const reason = `the machine code does not match its ${algorithm}`;
    return { wasm, machineCode: null, header, machineCodeProblem: { code: 'ERR_ARTIFACT_CORRUPT', reason } };
  }
  return { wasm, machineCode, header, machineCodeProblem: null };
}

function truncated(detail: string): ArtifactError {
  return new ArtifactError('ERR_ARTIFACT_TRUNCATED', `artifact is truncated: ${detail}; ${ADVICE}`);
}

function corrupt(detail: string): ArtifactError {
  return new ArtifactError('ERR_ARTIFACT_CORRUPT', `artifact is corrupt: ${detail}; ${ADVICE}`);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
