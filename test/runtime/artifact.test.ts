import { describe, expect, it } from 'vitest';
import {
  ARTIFACT_MAGIC,
  currentEngine,
  decodeArtifact,
  encodeArtifact,
  engineMismatch,
  isArtifact,
  readArtifact,
  sha256Hex,
  v8FlagFingerprint,
} from '../../src/runtime/artifact.js';
import { ArtifactError } from '../../src/runtime/errors.js';
import { fixture } from '../helpers/wat.js';

const wasm = await fixture('simple');
const machineCode = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) & 0xff);

function errorOf(f: () => unknown): ArtifactError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactError);
    return error as ArtifactError;
  }
  throw new Error('expected an ArtifactError, nothing was thrown');
}

describe('artifact format', () => {
  it('round-trips the Wasm bytes without machine code', () => {
    const bytes = encodeArtifact({ wasm });
    expect(isArtifact(bytes)).toBe(true);
    const decoded = decodeArtifact(bytes);
    expect(decoded.wasm).toEqual(wasm);
    expect(decoded.machineCode).toBeNull();
    expect(decoded.header.wasmSha256).toBe(sha256Hex(wasm));
    expect(decoded.header.machineCodeByteLength).toBe(0);
    expect(decoded.header.machineCodeSha256).toBeNull();
    expect(engineMismatch(decoded.header)).toBeNull();
  });

  it('round-trips Wasm plus machine code and records this engine', () => {
    const bytes = encodeArtifact({ wasm, machineCode });
    const { header, ...decoded } = decodeArtifact(bytes);
    expect(decoded.wasm).toEqual(wasm);
    expect(decoded.machineCode).toEqual(machineCode);
    expect(header.machineCodeSha256).toBe(sha256Hex(machineCode));
    expect(header.nodeVersion).toBe(process.versions.node);
    expect(header.v8Version).toBe(process.versions.v8);
    expect(header.arch).toBe(process.arch);
    expect(header.formatVersion).toBe(1);
  });

  it('decodes from a view into a larger buffer', () => {
    const bytes = encodeArtifact({ wasm, machineCode });
    const padded = new Uint8Array(bytes.length + 17);
    padded.set(bytes, 9);
    expect(decodeArtifact(padded.subarray(9, 9 + bytes.length)).machineCode).toEqual(machineCode);
  });

  it('reports truncation at every length as ERR_ARTIFACT_TRUNCATED', () => {
    const bytes = encodeArtifact({ wasm, machineCode });
    for (let len = 0; len < bytes.length; len++) {
      expect(errorOf(() => decodeArtifact(bytes.subarray(0, len))).code, `length ${len}`).toBe(
        'ERR_ARTIFACT_TRUNCATED',
      );
    }
  });

  it('keeps the Wasm usable when only the machine code is cut short or damaged', () => {
    const bytes = encodeArtifact({ wasm, machineCode });
    const cut = readArtifact(bytes.subarray(0, bytes.length - 100));
    expect(cut.wasm).toEqual(wasm);
    expect(cut.machineCode).toBeNull();
    expect(cut.machineCodeProblem?.code).toBe('ERR_ARTIFACT_TRUNCATED');
    const flipped = bytes.slice();
    flipped[bytes.length - 5]! ^= 0x10;
    const damaged = readArtifact(flipped);
    expect(damaged.machineCode).toBeNull();
    expect(damaged.machineCodeProblem?.code).toBe('ERR_ARTIFACT_CORRUPT');
  });

  it('detects a single bit flip at every offset', () => {
    const bytes = encodeArtifact({ wasm, machineCode: machineCode.subarray(0, 200) });
    for (let offset = 0; offset < bytes.length; offset++) {
      for (const bit of [0, 3, 7]) {
        const copy = bytes.slice();
        copy[offset]! ^= 1 << bit;
        const error = errorOf(() => decodeArtifact(copy));
        const where = `offset ${offset} bit ${bit}`;
        if (offset < 8) expect(error.code, where).toBe('ERR_ARTIFACT_MAGIC');
        else if (offset < 12) expect(error.code, where).toBe('ERR_ARTIFACT_VERSION');
        else expect(['ERR_ARTIFACT_CORRUPT', 'ERR_ARTIFACT_TRUNCATED'], where).toContain(error.code);
      }
    }
  });

  it('rejects foreign blobs with ERR_ARTIFACT_MAGIC', () => {
    const blobs = [
      wasm,
      new TextEncoder().encode('(module (func (export "f")))'),
      Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0),
      new Uint8Array(64),
    ];
    for (const blob of blobs) {
      expect(isArtifact(blob)).toBe(false);
      expect(errorOf(() => decodeArtifact(blob)).code).toBe('ERR_ARTIFACT_MAGIC');
    }
    expect(errorOf(() => decodeArtifact(wasm)).message).toMatch(/plain WebAssembly binary/);
    expect(isArtifact('not bytes')).toBe(false);
    expect(isArtifact(ARTIFACT_MAGIC.subarray(0, 4))).toBe(false);
  });

  it('rejects another format version with ERR_ARTIFACT_VERSION', () => {
    const bytes = encodeArtifact({ wasm });
    new DataView(bytes.buffer).setUint32(8, 2, true);
    const error = errorOf(() => decodeArtifact(bytes));
    expect(error.code).toBe('ERR_ARTIFACT_VERSION');
    expect(error.message).toMatch(/version 2 is not supported/);
  });

  it('rejects a huge header length without allocating it', () => {
    const bytes = encodeArtifact({ wasm });
    new DataView(bytes.buffer).setUint32(12, 0xffffffff, true);
    expect(errorOf(() => decodeArtifact(bytes)).code).toBe('ERR_ARTIFACT_CORRUPT');
  });

  it('rejects trailing bytes after the payload', () => {
    const bytes = encodeArtifact({ wasm, machineCode });
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(errorOf(() => decodeArtifact(longer)).code).toBe('ERR_ARTIFACT_CORRUPT');
  });

  it('keeps engine fields authentic and names the first mismatch', () => {
    const here = currentEngine();
    const foreign = { ...here, v8Version: '99.0.0', flagFingerprint: 'x' };
    const { header } = decodeArtifact(encodeArtifact({ wasm, machineCode, engine: foreign }));
    expect(header.v8Version).toBe('99.0.0');
    expect(engineMismatch(header)).toMatch(/V8 version 99\.0\.0/);
    expect(engineMismatch({ ...here, flagFingerprint: 'x' })).toMatch(/V8 flags/);
    expect(engineMismatch({ ...here, arch: 'mips' })).toMatch(/architecture mips/);
  });

  it('fingerprints the compile mode and the other code-affecting V8 flags, in any order', () => {
    expect(v8FlagFingerprint([])).toBe('baseline/default');
    expect(v8FlagFingerprint(['--max-old-space-size=100', '--enable-source-maps', '--inspect'])).toBe(
      'baseline/default',
    );
    expect(v8FlagFingerprint(['--wasm-opt'])).toMatch(/^baseline\/[0-9a-f]{16}$/);
    expect(v8FlagFingerprint(['--no-liftoff', '--wasm-lazy-compilation'])).toBe(
      v8FlagFingerprint(['--wasm_lazy_compilation', '--no-liftoff']),
    );
    expect(v8FlagFingerprint(['--no-liftoff'])).toBe('optimizing/default');
    expect(v8FlagFingerprint(['--no-liftoff', '--no-wasm-lazy-compilation', '--wasm-opt'])).toBe(
      `eager/${v8FlagFingerprint(['--wasm-opt']).slice('baseline/'.length)}`,
    );
  });

  it('says which flags an artifact of another compile mode needs, and inspect may ignore the mode', () => {
    const here = currentEngine();
    const rest = here.flagFingerprint.slice(here.flagFingerprint.indexOf('/'));
    const eager = { ...here, flagFingerprint: `eager${rest}` };
    const now = { ...here, flagFingerprint: `baseline${rest}` };
    expect(engineMismatch(eager, now)).toBe(
      'it was compiled for eager processes (node --no-liftoff --no-wasm-lazy-compilation), this one is ' +
        'baseline: `wasmer-ts run` starts Node with those flags',
    );
    expect(engineMismatch(eager, now, { anyTier: true })).toBeNull();
    const other = { ...here, flagFingerprint: 'eager/0123456789abcdef' };
    expect(engineMismatch(other, now, { anyTier: true })).toMatch(/^it was compiled for V8 flags eager\/0123/);
  });
});
