import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capMemoryMaximum } from '../../../src/runtime/encoder/cap-memory.js';
import { encodeU32, encodeU64 } from '../../../src/runtime/encoder/leb128.js';
import { ArgumentError, WasmParseError } from '../../../src/runtime/errors.js';
import { parseModule } from '../../../src/runtime/parser/index.js';
import { Reader } from '../../../src/runtime/parser/reader.js';
import { wat } from '../../helpers/wat.js';
import { watUnchecked } from '../parser/binary.js';

describe('encodeU32 / encodeU64', () => {
  it('round-trips every u32 through Reader.readU32', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffff_ffff }), (n) => {
        const bytes = encodeU32(n);
        const r = new Reader(bytes);
        expect(r.readU32()).toBe(n);
        expect(r.isAtEnd).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips every u64 (bigint) through Reader.readU64Big', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => {
        const r = new Reader(encodeU64(n));
        expect(r.readU64Big()).toBe(n);
        expect(r.isAtEnd).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees between number and bigint inputs', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect([...encodeU64(n)]).toEqual([...encodeU64(BigInt(n))]);
        expect(new Reader(encodeU64(n)).readU64()).toBe(n);
      }),
    );
  });

  it('encodes known values in the shortest form', () => {
    expect([...encodeU32(0)]).toEqual([0]);
    expect([...encodeU32(127)]).toEqual([0x7f]);
    expect([...encodeU32(128)]).toEqual([0x80, 0x01]);
    expect([...encodeU32(624485)]).toEqual([0xe5, 0x8e, 0x26]);
    expect([...encodeU32(0xffff_ffff)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect([...encodeU64(2n ** 64n - 1n)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it.each([-1, 2 ** 32, 1.5, Number.NaN])('encodeU32 rejects %s', (n) => {
    expect(() => encodeU32(n)).toThrow(ArgumentError);
  });

  it.each([-1, 2 ** 53, -1n, 2n ** 64n])('encodeU64 rejects %s', (n) => {
    expect(() => encodeU64(n)).toThrow(ArgumentError);
  });
});

const GROWER = `(module
  (memory (export "memory") 1 MAX)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size)))`;

interface Grower {
  grow(pages: number): number;
  size(): number;
}

function instantiate(bytes: Uint8Array): Grower {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Grower;
}

describe('capMemoryMaximum', () => {
  it('caps a memory without a maximum: growing past the cap returns -1 inside the instance', async () => {
    const bytes = await wat(GROWER.replace('MAX', ''));
    const capped = capMemoryMaximum(bytes, 4);
    expect(WebAssembly.validate(capped)).toBe(true);
    expect(parseModule(capped).memories).toEqual([{ minimum: 1, maximum: 4, shared: false, index64: false }]);
    const g = instantiate(capped);
    expect(g.grow(3)).toBe(1);
    expect(g.grow(1)).toBe(-1);
    expect(g.size()).toBe(4);
    // The original is untouched and can grow further.
    expect(parseModule(bytes).memories[0]?.maximum).toBeNull();
    expect(instantiate(bytes).grow(8)).toBe(1);
  });

  it('writes a valid maximum for a 32-bit memory when the cap is above 4 GiB', async () => {
    const capped = capMemoryMaximum(await wat(GROWER.replace('MAX', '')), 1_000_000);
    expect(parseModule(capped).memories[0]?.maximum).toBe(65536);
    expect(WebAssembly.validate(capped)).toBe(true);
  });

  it('keeps a smaller declared maximum', async () => {
    const bytes = await wat(GROWER.replace('MAX', '2'));
    const capped = capMemoryMaximum(bytes, 100);
    expect(parseModule(capped).memories[0]?.maximum).toBe(2);
    expect(instantiate(capped).grow(2)).toBe(-1);
  });

  it('lowers a larger declared maximum', async () => {
    const bytes = await wat(GROWER.replace('MAX', '1000'));
    const capped = capMemoryMaximum(bytes, 3);
    expect(parseModule(capped).memories[0]?.maximum).toBe(3);
    const g = instantiate(capped);
    expect(g.grow(2)).toBe(1);
    expect(g.grow(1)).toBe(-1);
  });

  it('keeps everything else: exports, code, custom sections', async () => {
    const bytes = await wat(`(module $m (memory 1) (data (i32.const 0) "abc")
      (func $f (export "f") (result i32) (i32.load8_u (i32.const 2))))`);
    const capped = capMemoryMaximum(bytes, 10);
    const before = parseModule(bytes);
    const after = parseModule(capped);
    expect(after.exports).toEqual(before.exports);
    expect(after.names).toEqual(before.names);
    expect(after.customSections.map((c) => [...c.data])).toEqual(before.customSections.map((c) => [...c.data]));
    expect((new WebAssembly.Instance(new WebAssembly.Module(capped)).exports.f as () => number)()).toBe(0x63);
  });

  it('keeps the shared flag and memory64 flag', async () => {
    const shared = capMemoryMaximum(await watUnchecked('(module (memory 1 100 shared))'), 10);
    expect(parseModule(shared).memories).toEqual([{ minimum: 1, maximum: 10, shared: true, index64: false }]);
    expect(WebAssembly.validate(shared)).toBe(true);
    const wide = capMemoryMaximum(await watUnchecked('(module (memory i64 2))'), 7);
    expect(parseModule(wide).memories).toEqual([{ minimum: 2, maximum: 7, shared: false, index64: true }]);
  });

  it('leaves imported memories alone and returns a copy without a memory section', async () => {
    const bytes = await wat('(module (import "env" "mem" (memory 1)))');
    const out = capMemoryMaximum(bytes, 1);
    expect([...out]).toEqual([...bytes]);
    expect(out).not.toBe(bytes);
  });

  it('rejects a memory whose minimum already exceeds the cap, naming the pages needed', async () => {
    const bytes = await wat('(module (memory 17))');
    expect(() => capMemoryMaximum(bytes, 16)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('needs 17 pages') }),
    );
    expect(capMemoryMaximum(bytes, 17).length).toBeGreaterThan(0);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects a cap of %s', async (cap) => {
    const bytes = await wat('(module (memory 1))');
    expect(() => capMemoryMaximum(bytes, cap)).toThrow(ArgumentError);
  });

  it('throws WasmParseError on bytes that are not a module', () => {
    expect(() => capMemoryMaximum(new Uint8Array([1, 2, 3]), 1)).toThrow(WasmParseError);
  });
});
