// A module file's hash taken from a record of an earlier run instead of hashed again
// (src/runtime/engine/cache/identity.ts), and when the record is no answer.
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FileIdentity,
  readWithIdentity,
  rememberFileIdentity,
  SETTLED_MS,
} from '../../../src/runtime/engine/cache/file-identity.js';
import { lookupHash, recordHash } from '../../../src/runtime/engine/cache/identity.js';
import { compileWithCache, ModuleCache, RECORD_ALWAYS_BYTES } from '../../../src/runtime/engine/cache/index.js';
import { blake3Hex, sha256Hex } from '../../../src/runtime/engine/hash.js';
import { nativeStatus } from '../../../src/runtime/engine/native.js';
import { moduleWithCode } from '../../helpers/binary.js';
import { wat } from '../../helpers/wat.js';
import { KERNEL_WAT, waitForTurboFanCode } from './child.js';

let root: string;
let kernel: Uint8Array;
let counter = 0;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-identity-'));
  kernel = await wat(KERNEL_WAT);
});

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

/**
 * Writes `bytes` to a new file and reads it back with its identity: as of now (unsettled,
 * just written), or `later` as if the read came SETTLED_MS and more after the write.
 */
function readBack(bytes: Uint8Array, later = false): { bytes: Uint8Array; identity: FileIdentity | null } {
  const file = path.join(root, `module-${counter++}.wasm`);
  writeFileSync(file, bytes);
  const fd = openSync(file, 'r');
  try {
    return later ? readWithIdentity(fd, Date.now() + SETTLED_MS + 1000) : readWithIdentity(fd);
  } finally {
    closeSync(fd);
  }
}

function recordFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.wid'));
}

describe('a file read with its identity', () => {
  it('gives the whole file, and calls a file written just now unsettled', () => {
    const read = readBack(kernel);
    expect(read.bytes).toEqual(kernel);
    expect(read.bytes.byteOffset).toBe(0);
    expect(read.bytes.buffer.byteLength).toBe(kernel.length);
    expect(read.identity).toMatchObject({ size: BigInt(kernel.length), settled: false });
    expect(readBack(kernel, true).identity?.settled).toBe(true);
  });

  it('records the hash of a settled file only, and a later read of that identity gets it back', async () => {
    const dir = path.join(root, `cache-${counter++}`);
    const fresh = readBack(kernel).identity as FileIdentity;
    await recordHash(dir, fresh, blake3Hex(kernel));
    expect(lookupHash(dir, fresh)).toBeNull();
    const settled = readBack(kernel, true).identity as FileIdentity;
    await recordHash(dir, settled, blake3Hex(kernel));
    expect(lookupHash(dir, settled)).toBe(blake3Hex(kernel));
    // Another size, mtime or ctime under the same device and inode is another file.
    for (const other of [
      { size: settled.size + 1n },
      { mtimeNs: settled.mtimeNs + 1n },
      { ctimeNs: settled.ctimeNs + 1n },
    ]) {
      expect(lookupHash(dir, { ...settled, ...other })).toBeNull();
    }
  });

  it('takes no answer from a damaged record, a record that is not a file, or one too big', async () => {
    const dir = path.join(root, `cache-${counter++}`);
    const id = readBack(kernel, true).identity as FileIdentity;
    await recordHash(dir, id, blake3Hex(kernel));
    const [name] = recordFiles(dir);
    const file = path.join(dir, name as string);
    const good = readFileSync(file, 'utf8');
    // One hex digit of the hash changed: the record's checksum no longer matches.
    const flipped = good.replace(/([0-9a-f])(\n[0-9a-f]{64}\n)$/, (_, d, rest) => `${d === '0' ? '1' : '0'}${rest}`);
    expect(flipped).not.toBe(good);
    writeFileSync(file, flipped);
    expect(lookupHash(dir, id)).toBeNull();
    writeFileSync(file, good + 'x'.repeat(2048));
    expect(lookupHash(dir, id)).toBeNull();
    rmSync(file);
    writeFileSync(path.join(root, 'elsewhere.wid'), good);
    const { symlinkSync } = await import('node:fs');
    symlinkSync(path.join(root, 'elsewhere.wid'), file);
    expect(lookupHash(dir, id)).toBeNull();
  });

  it('takes no answer from a record an older wasmer-ts wrote (version 1, a SHA-256)', async () => {
    const dir = path.join(root, `cache-${counter++}`);
    const id = readBack(kernel, true).identity as FileIdentity;
    await recordHash(dir, id, blake3Hex(kernel));
    const [name] = recordFiles(dir);
    const line = `wasmer-ts identity 1 ${id.dev} ${id.ino} ${id.size} ${id.mtimeNs} ${id.ctimeNs} ${sha256Hex(kernel)}`;
    writeFileSync(path.join(dir, name as string), `${line}\n${sha256Hex(Buffer.from(line))}\n`);
    expect(lookupHash(dir, id)).toBeNull();
  });
});

describe.runIf(nativeStatus().available)('compileWithCache with a file identity', () => {
  it('records the hash where an entry is written, names the next entry by it, and cache clean removes it', async () => {
    const dir = path.join(root, `cache-${counter++}`);
    const fill = async (bytes: Uint8Array) => {
      const compiled = await compileWithCache(bytes, { dir, minRunMs: 0 });
      const { work } = new WebAssembly.Instance(compiled.module, {}).exports as { work: (n: number) => number };
      for (let i = 0; i < 200; i++) work(20_000);
      await waitForTurboFanCode(compiled.module, kernel);
      return compiled.save();
    };
    const first = readBack(kernel, true);
    const id = first.identity as FileIdentity;
    rememberFileIdentity(first.bytes, id);
    // A compile alone writes nothing: the record goes where an entry does.
    await compileWithCache(first.bytes.slice(), { dir });
    expect(existsSync(dir) ? recordFiles(dir) : []).toEqual([]);
    expect((await fill(first.bytes)).kind).toBe('tiered');
    expect(recordFiles(dir)).toHaveLength(1);
    expect(lookupHash(dir, id)).toBe(blake3Hex(kernel));
    // A record that says another (valid) hash shows which one a later run takes: the entry
    // its fill writes is named by the record, not by a hash of the bytes.
    const other = blake3Hex(Uint8Array.of(1, 2, 3));
    await recordHash(dir, id, other);
    const again = first.bytes.slice();
    rememberFileIdentity(again, id);
    expect((await fill(again)).kind).toBe('tiered');
    const names = (await new ModuleCache(dir).list()).map((e) => e.wasmHash).sort();
    expect(names).toEqual([blake3Hex(kernel), other].sort());
    // Two entries removed and counted; the record removed with them, not counted as an entry.
    expect(await new ModuleCache(dir).clean()).toMatchObject({ removed: 2 });
    expect(recordFiles(dir)).toEqual([]);
  });

  it("records a big module's hash after a run that stored nothing, so the next run does not hash it", async () => {
    const dir = path.join(root, `cache-${counter++}`);
    const big = moduleWithCode(RECORD_ALWAYS_BYTES);
    const run = async (small: boolean) => {
      const read = readBack(small ? kernel : big, true);
      rememberFileIdentity(read.bytes, read.identity as FileIdentity);
      // A run too short to store anything (minRunMs): `clang --version` on Node 26 stores nothing either.
      const compiled = await compileWithCache(read.bytes, { dir, minRunMs: 60_000 });
      expect((await compiled.save()).kind).toBe('none');
      return read.identity as FileIdentity;
    };
    const id = await run(false);
    expect(lookupHash(dir, id)).toBe(blake3Hex(big));
    // A small module's is not: hashing it costs less than the record.
    expect(lookupHash(dir, await run(true))).toBeNull();
    expect(recordFiles(dir)).toHaveLength(1);
  });
});
