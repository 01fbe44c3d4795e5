import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ARTIFACT_MAGIC,
  artifactHeaderLength,
  decodeArtifact,
  type EngineFingerprint,
  encodeArtifactFor,
  isArtifact,
  readArtifactHeader,
} from '../../../src/runtime/engine/artifact.js';
import { currentEngine, engineMismatch } from '../../../src/runtime/engine/fingerprint.js';
import { blake3Hex, sha256Hex } from '../../../src/runtime/engine/hash.js';
import { encodeArtifact } from '../../../src/runtime/engine/machine-code.js';
import { ArtifactError } from '../../../src/runtime/errors.js';
import { asVersion2 } from '../../helpers/artifact-v2.js';
import { errorOf } from '../../helpers/errors.js';
import { fixture, wat } from '../../helpers/wat.js';

const wasm = await fixture('simple');
const machineCode = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) & 0xff);

/** The ArtifactError `f` throws. */
const artifactError = (f: () => unknown): ArtifactError => errorOf(f, ArtifactError);

describe('artifact format', () => {
  it('round-trips the Wasm bytes without machine code', () => {
    const bytes = encodeArtifact({ wasm });
    expect(isArtifact(bytes)).toBe(true);
    const decoded = decodeArtifact(bytes);
    expect(decoded.wasm).toEqual(wasm);
    expect(decoded.machineCode).toBeNull();
    expect(decoded.header.hashAlgorithm).toBe('blake3');
    expect(decoded.header.wasmHash).toBe(blake3Hex(wasm));
    expect(decoded.header.machineCodeByteLength).toBe(0);
    expect(decoded.header.machineCodeHash).toBeNull();
    expect(engineMismatch(decoded.header)).toBeNull();
  });

  it('round-trips Wasm plus machine code and records this engine', () => {
    const bytes = encodeArtifact({ wasm, machineCode });
    const { header, ...decoded } = decodeArtifact(bytes);
    expect(decoded.wasm).toEqual(wasm);
    expect(decoded.machineCode).toEqual(machineCode);
    expect(header.machineCodeHash).toBe(blake3Hex(machineCode));
    expect(header.nodeVersion).toBe(process.versions.node);
    expect(header.v8Version).toBe(process.versions.v8);
    expect(header.arch).toBe(process.arch);
    expect(header.formatVersion).toBe(3);
    expect(header.hasWasm).toBe(true);
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
      expect(artifactError(() => decodeArtifact(bytes.subarray(0, len))).code, `length ${len}`).toBe(
        'ERR_ARTIFACT_TRUNCATED',
      );
    }
  });

  it('keeps the Wasm usable when only the machine code is cut short or damaged', () => {
    const bytes = encodeArtifact({ wasm, machineCode });
    const cut = decodeArtifact(bytes.subarray(0, bytes.length - 100), { allowDamagedMachineCode: true });
    expect(cut.wasm).toEqual(wasm);
    expect(cut.machineCode).toBeNull();
    expect(cut.machineCodeProblem?.code).toBe('ERR_ARTIFACT_TRUNCATED');
    const flipped = bytes.slice();
    flipped[bytes.length - 5]! ^= 0x10;
    const damaged = decodeArtifact(flipped, { allowDamagedMachineCode: true });
    expect(damaged.machineCode).toBeNull();
    expect(damaged.machineCodeProblem?.code).toBe('ERR_ARTIFACT_CORRUPT');
    // Without the option the same bytes are refused, with the payload's problem as the code.
    expect(artifactError(() => decodeArtifact(flipped)).code).toBe('ERR_ARTIFACT_CORRUPT');
    expect(artifactError(() => decodeArtifact(flipped, { allowDamagedMachineCode: false })).message).toMatch(
      /^artifact machine code is unusable: the machine code does not match its BLAKE3/,
    );
    expect(decodeArtifact(bytes, { allowDamagedMachineCode: true }).machineCodeProblem).toBeNull();
  });

  it('detects a single bit flip at every offset', () => {
    const bytes = encodeArtifact({ wasm, machineCode: machineCode.subarray(0, 200) });
    for (let offset = 0; offset < bytes.length; offset++) {
      for (const bit of [0, 3, 7]) {
        const copy = bytes.slice();
        copy[offset]! ^= 1 << bit;
        const error = artifactError(() => decodeArtifact(copy));
        const where = `offset ${offset} bit ${bit}`;
        if (offset < 8) expect(error.code, where).toBe('ERR_ARTIFACT_MAGIC');
        else if (offset < 12) {
          // Version 3 with bit 0 flipped is 2, which is read, and its SHA-256 checksum fails.
          const version = new DataView(copy.buffer).getUint32(8, true);
          expect(error.code, where).toBe(version === 2 ? 'ERR_ARTIFACT_CORRUPT' : 'ERR_ARTIFACT_VERSION');
        } else expect(['ERR_ARTIFACT_CORRUPT', 'ERR_ARTIFACT_TRUNCATED'], where).toContain(error.code);
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
      expect(artifactError(() => decodeArtifact(blob)).code).toBe('ERR_ARTIFACT_MAGIC');
    }
    expect(artifactError(() => decodeArtifact(wasm)).message).toMatch(/plain WebAssembly binary/);
    expect(isArtifact('not bytes')).toBe(false);
    expect(isArtifact(ARTIFACT_MAGIC.subarray(0, 4))).toBe(false);
  });

  it('rejects another format version with ERR_ARTIFACT_VERSION', () => {
    for (const version of [0, 4, 0xffffffff]) {
      const bytes = encodeArtifact({ wasm });
      new DataView(bytes.buffer).setUint32(8, version, true);
      const error = artifactError(() => decodeArtifact(bytes));
      expect(error.code).toBe('ERR_ARTIFACT_VERSION');
      expect(error.message).toContain(`version ${version} is not supported (this wasmer-ts reads versions 1, 2, 3)`);
    }
  });

  it('still reads format 1 (before cache entries left the Wasm out)', () => {
    const bytes = encodeVersion1(wasm, machineCode);
    const { header, ...decoded } = decodeArtifact(bytes);
    expect(decoded.wasm).toEqual(wasm);
    expect(decoded.machineCode).toEqual(machineCode);
    expect(header).toMatchObject({
      formatVersion: 1,
      hasWasm: true,
      moduleName: null,
      source: null,
      machineCodeSummary: null,
      hashAlgorithm: 'sha256',
      wasmHash: sha256Hex(wasm),
      machineCodeHash: sha256Hex(machineCode),
    });
    expect(engineMismatch(header)).toBeNull();
    const flipped = bytes.slice();
    flipped[40]! ^= 1;
    expect(artifactError(() => decodeArtifact(flipped)).code).toBe('ERR_ARTIFACT_CORRUPT');
  });

  it('still reads format 2 (SHA-256 where format 3 has BLAKE3), and checks it by SHA-256', () => {
    const bytes = asVersion2(encodeArtifact({ wasm, machineCode, source: '/apps/simple.wasm' }));
    const { header, ...decoded } = decodeArtifact(bytes);
    expect(decoded.wasm).toEqual(wasm);
    expect(decoded.machineCode).toEqual(machineCode);
    expect(header).toMatchObject({
      formatVersion: 2,
      hashAlgorithm: 'sha256',
      source: '/apps/simple.wasm',
      wasmHash: sha256Hex(wasm),
      machineCodeHash: sha256Hex(machineCode),
    });
    // A version-3 reading of the same bytes (BLAKE3) fails the header checksum.
    const relabelled = bytes.slice();
    new DataView(relabelled.buffer).setUint32(8, 3, true);
    expect(artifactError(() => decodeArtifact(relabelled)).message).toContain('header checksum does not match');
    const entry = asVersion2(encodeArtifact({ wasm, machineCode, includeWasm: false }), wasm);
    // A caller's BLAKE3 of the Wasm is no answer for a SHA-256 entry: the Wasm is hashed by SHA-256.
    expect(decodeArtifact(entry, { wasm, wasmBlake3: blake3Hex(wasm) }).machineCode).toEqual(machineCode);
    const other = wasm.slice();
    other[other.length - 1]! ^= 1;
    expect(artifactError(() => decodeArtifact(entry, { wasm: other })).message).toContain(
      `compiled from other Wasm bytes (SHA-256 ${sha256Hex(wasm)})`,
    );
  });

  it('records the module name and the source it is given, cut at 1 KiB on a character boundary', async () => {
    const named = await wat('(module $my_module (func (export "f")))');
    const { header } = decodeArtifact(encodeArtifact({ wasm: named, source: '/apps/my module.wasm' }));
    expect(header).toMatchObject({ moduleName: 'my_module', source: '/apps/my module.wasm' });
    expect(decodeArtifact(encodeArtifact({ wasm })).header).toMatchObject({ moduleName: null, source: null });
    const long = `/${'é'.repeat(600)}.wasm`; // 1,207 bytes of UTF-8
    const cut = decodeArtifact(encodeArtifact({ wasm, source: long })).header.source;
    expect(cut).toBe(`/${'é'.repeat(511)}`); // 1 + 511 * 2 = 1,023 bytes: the next 2-byte character would pass 1,024
  });

  it('reads the header alone from a prefix, with the exact length the artifact must have', () => {
    const bytes = encodeArtifact({ wasm, machineCode });
    const needed = artifactHeaderLength(bytes.subarray(0, 16));
    expect(needed).not.toBeNull();
    expect(artifactHeaderLength(bytes.subarray(0, needed!))).toBeNull();
    const layout = readArtifactHeader(bytes.subarray(0, needed!));
    expect(layout.byteLength).toBe(bytes.length);
    expect(layout.dataOffset).toBe(needed);
    expect(layout.header.wasmHash).toBe(blake3Hex(wasm));
    expect(artifactError(() => readArtifactHeader(bytes.subarray(0, needed! - 1))).code).toBe('ERR_ARTIFACT_TRUNCATED');
  });

  it('reports no machine-code summary for bytes that are not V8 code', () => {
    expect(decodeArtifact(encodeArtifact({ wasm, machineCode })).header.machineCodeSummary).toBeNull();
    expect(decodeArtifact(encodeArtifact({ wasm })).header.machineCodeSummary).toBeNull();
  });

  it('rejects a huge header length without allocating it', () => {
    const bytes = encodeArtifact({ wasm });
    new DataView(bytes.buffer).setUint32(12, 0xffffffff, true);
    expect(artifactError(() => decodeArtifact(bytes)).code).toBe('ERR_ARTIFACT_CORRUPT');
  });

  it('rejects trailing bytes after the payload', () => {
    const bytes = encodeArtifact({ wasm, machineCode });
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(artifactError(() => decodeArtifact(longer)).code).toBe('ERR_ARTIFACT_CORRUPT');
  });

  it('keeps the engine fields it is given, byte for byte', () => {
    const foreign: EngineFingerprint = {
      wasmerTsVersion: '9.9.9',
      nodeVersion: '99.1.0',
      v8Version: '99.0.0',
      arch: 'mips',
      cpuFingerprint: 'mips-0123456789abcdef',
      flagFingerprint: 'eager/0123456789abcdef',
    };
    const { header } = decodeArtifact(encodeArtifactFor(foreign, { wasm, machineCode }));
    expect(header).toMatchObject(foreign);
    expect(engineMismatch(header)).toMatch(/wasmer-ts version 9\.9\.9/);
    const tooLong = { ...foreign, arch: 'x'.repeat(65536) };
    expect(() => encodeArtifactFor(tooLong, { wasm })).toThrow(expect.objectContaining({ code: 'ERR_ARG_RANGE' }));
  });

  it('is pure: neither it nor anything it imports touches the file system, the OS or the process', () => {
    const src = fileURLToPath(new URL('../../../src/', import.meta.url));
    const seen = new Set<string>();
    const builtins = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      // builtin.ts is how a module loads Node's own on first use (process.getBuiltinModule).
      if (!file.endsWith(`${path.sep}runtime${path.sep}builtin.ts`)) {
        expect(code, `${path.relative(src, file)} reads the process`).not.toMatch(/\bprocess\./);
      }
      for (const [, spec] of code.matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
        if (spec?.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
        else if (spec !== undefined) builtins.add(spec);
      }
    };
    visit(path.join(src, 'runtime/engine/artifact.ts'));
    expect(seen.size).toBeGreaterThan(5); // the walk followed the imports (errors, parser, hash, sha256...)
    // hash.ts loads node:crypto on first use (through builtin.ts); nothing else outside the code itself.
    expect([...builtins].sort()).toEqual(['node:crypto', 'node:module']);
  });
});

describe('artifacts without their Wasm (cache entries)', () => {
  const entry = encodeArtifact({ wasm, machineCode, includeWasm: false });

  it('hold only the header and the machine code, and are checked against the caller’s Wasm', () => {
    expect(entry.length).toBe(encodeArtifact({ wasm, machineCode }).length - wasm.length);
    const read = decodeArtifact(entry, { wasm });
    expect(read.wasm).toBe(wasm);
    expect(read.machineCode).toEqual(machineCode);
    expect(read.header).toMatchObject({ hasWasm: false, wasmByteLength: wasm.length, wasmHash: blake3Hex(wasm) });
    expect(decodeArtifact(entry, { wasm, wasmBlake3: blake3Hex(wasm) }).machineCode).toEqual(machineCode);
  });

  it('refuse to load without the Wasm: ERR_ARTIFACT_NO_WASM', () => {
    const error = artifactError(() => decodeArtifact(entry));
    expect(error.code).toBe('ERR_ARTIFACT_NO_WASM');
    expect(error.message).toContain(`holds machine code for the Wasm module with BLAKE3 ${blake3Hex(wasm)}`);
  });

  it('refuse other Wasm bytes, of another length or another hash', () => {
    const other = wasm.slice();
    other[other.length - 1]! ^= 1;
    expect(artifactError(() => decodeArtifact(entry, { wasm: other })).code).toBe('ERR_ARTIFACT_CORRUPT');
    expect(artifactError(() => decodeArtifact(entry, { wasm: wasm.subarray(1) })).message).toMatch(/other Wasm bytes/);
    // A wrong precomputed hash is not believed over the length and header check either.
    expect(artifactError(() => decodeArtifact(entry, { wasm: other, wasmBlake3: '00'.repeat(32) })).code).toBe(
      'ERR_ARTIFACT_CORRUPT',
    );
  });

  it('detect a single bit flip at every offset, and truncation at every length', () => {
    const small = encodeArtifact({ wasm, machineCode: machineCode.subarray(0, 200), includeWasm: false });
    for (let offset = 0; offset < small.length; offset++) {
      const copy = small.slice();
      copy[offset]! ^= 0x04;
      const read = (() => {
        try {
          return decodeArtifact(copy, { wasm, allowDamagedMachineCode: true });
        } catch (error) {
          expect(error).toBeInstanceOf(ArtifactError);
          return null;
        }
      })();
      // Either refused outright, or (a flip in the payload) the machine code is dropped.
      expect(read?.machineCode ?? null, `offset ${offset}`).toBeNull();
    }
    for (let len = 0; len < small.length; len++) {
      expect(() => decodeArtifact(small.subarray(0, len), { wasm }), `length ${len}`).toThrow(ArtifactError);
    }
  });
});

/**
 * Format 1 as wasmer-ts 0.1 wrote it, built byte by byte: the same as format 2
 * without the flags, module name, source and machine-code counts.
 */
function encodeVersion1(wasmBytes: Uint8Array, code: Uint8Array): Uint8Array {
  const text = new TextEncoder();
  const parts: number[] = [];
  const u16 = (n: number) => parts.push(n & 0xff, n >>> 8);
  const u32 = (n: number) => parts.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
  const hash = (bytes: Uint8Array) => parts.push(...Buffer.from(sha256Hex(bytes), 'hex'));
  parts.push(...ARTIFACT_MAGIC); // magic
  u32(1); // format version 1
  u32(0); // header length, filled in below
  const engine = currentEngine();
  for (const field of [
    engine.wasmerTsVersion,
    engine.nodeVersion,
    engine.v8Version,
    engine.arch,
    engine.cpuFingerprint,
    engine.flagFingerprint,
  ]) {
    const bytes = text.encode(field);
    u16(bytes.length); // six strings: u16 length + UTF-8
    parts.push(...bytes);
  }
  u32(wasmBytes.length); // Wasm length and SHA-256
  hash(wasmBytes);
  u32(code.length); // machine-code length and SHA-256
  hash(code);
  const headerLength = parts.length - 16;
  parts.splice(12, 4, headerLength & 0xff, (headerLength >>> 8) & 0xff, 0, 0);
  hash(Uint8Array.from(parts)); // header checksum
  return Uint8Array.from([...parts, ...wasmBytes, ...code]);
}
