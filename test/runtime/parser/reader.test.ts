import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WasmParseError } from '../../../src/runtime/errors.js';
import { Reader } from '../../../src/runtime/parser/reader.js';
import { errorOf } from '../../helpers/errors.js';
import { s32 } from './binary.js';

const reader = (bytes: number[]) => new Reader(new Uint8Array(bytes));

/** The code of the WasmParseError `fn` throws. */
const codeOf = (fn: () => unknown): string => errorOf(fn, WasmParseError).code;

/** Signed LEB128 of a 64-bit bigint, written independently of the reader. */
function s64(n: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && !(b & 0x40)) || (n === -1n && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

describe('Reader.readU32', () => {
  it.each([
    [[0x00], 0],
    [[0x7f], 127],
    [[0x80, 0x01], 128],
    [[0xe5, 0x8e, 0x26], 624485],
    [[0xff, 0xff, 0xff, 0xff, 0x0f], 0xffff_ffff],
    // Not the shortest form, but within 5 bytes: the spec allows it.
    [[0x80, 0x80, 0x80, 0x80, 0x00], 0],
    [[0x81, 0x80, 0x00], 1],
  ])('decodes %j as %d', (bytes, value) => {
    const r = reader(bytes);
    expect(r.readU32()).toBe(value);
    expect(r.offset).toBe(bytes.length);
  });

  it.each([
    ['six bytes', [0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 'ERR_BAD_LEB'],
    ['unused bits set in the last byte', [0xff, 0xff, 0xff, 0xff, 0x1f], 'ERR_BAD_LEB'],
    ['a value of 2^32', [0x80, 0x80, 0x80, 0x80, 0x10], 'ERR_BAD_LEB'],
    ['a continuation bit on the fifth byte', [0xff, 0xff, 0xff, 0xff, 0x8f], 'ERR_BAD_LEB'],
    ['the input ending mid-number', [0x80, 0x80], 'ERR_UNEXPECTED_EOF'],
    ['no input', [], 'ERR_UNEXPECTED_EOF'],
  ])('rejects %s', (_what, bytes, code) => {
    expect(codeOf(() => reader(bytes).readU32())).toBe(code);
  });

  it('reports the offset where the number starts', () => {
    const r = reader([0x01, 0x80, 0x80, 0x80, 0x80, 0x80]);
    r.readU8();
    expect(() => r.readU32()).toThrow(expect.objectContaining({ offset: 1 }));
  });

  it('stops at `end`, not at the end of the buffer', () => {
    const r = new Reader(new Uint8Array([0x80, 0x01]), 0, 1);
    expect(codeOf(() => r.readU32())).toBe('ERR_UNEXPECTED_EOF');
  });
});

describe('Reader.readS32 / readS33 / readS64', () => {
  it.each([
    [[0x00], 0],
    [[0x7f], -1],
    [[0x3f], 63],
    [[0x40], -64],
    [[0xc0, 0x00], 64],
    [[0x80, 0x7f], -128],
    [[0xff, 0xff, 0xff, 0xff, 0x07], 2147483647],
    [[0x80, 0x80, 0x80, 0x80, 0x78], -2147483648],
    [[0xff, 0xff, 0xff, 0xff, 0x7f], -1],
  ])('readS32 decodes %j as %d', (bytes, value) => {
    expect(reader(bytes).readS32()).toBe(value);
  });

  it.each([
    ['bits beyond 32 that do not repeat the sign (positive)', [0xff, 0xff, 0xff, 0xff, 0x0f]],
    ['bits beyond 32 that do not repeat the sign (negative)', [0x80, 0x80, 0x80, 0x80, 0x70]],
    ['six bytes', [0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]],
  ])('readS32 rejects %s', (_what, bytes) => {
    expect(codeOf(() => reader(bytes).readS32())).toBe('ERR_BAD_LEB');
  });

  it('readS32 round-trips every i32', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
        expect(reader(s32(n)).readS32()).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    [[0x40], -64],
    [[0x7f], -1],
    [[0x05], 5],
    [[0xff, 0xff, 0xff, 0xff, 0x0f], 2 ** 32 - 1],
    [[0x80, 0x80, 0x80, 0x80, 0x70], -(2 ** 32)],
  ])('readS33 decodes %j as %d', (bytes, value) => {
    expect(reader(bytes).readS33()).toBe(value);
  });

  it('readS33 rejects bits beyond 33 that do not repeat the sign', () => {
    expect(codeOf(() => reader([0xff, 0xff, 0xff, 0xff, 0x2f]).readS33())).toBe('ERR_BAD_LEB');
  });

  it.each([
    [[0x7f], -1n],
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f], -(2n ** 63n)],
    [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00], 2n ** 63n - 1n],
  ])('readS64 decodes %j as %d', (bytes, value) => {
    const r = reader(bytes);
    expect(r.readS64()).toBe(value);
    expect(r.offset).toBe(bytes.length);
  });

  it.each([
    ['a tenth byte with unused bits', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    ['eleven bytes', [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]],
  ])('readS64 rejects %s', (_what, bytes) => {
    expect(codeOf(() => reader(bytes).readS64())).toBe('ERR_BAD_LEB');
    expect(codeOf(() => reader(bytes).skipS64())).toBe('ERR_BAD_LEB');
  });

  it('readS64 round-trips every i64, and skipS64 consumes the same bytes', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
        const bytes = s64(n);
        expect(reader(bytes).readS64()).toBe(n);
        const r = reader(bytes);
        r.skipS64();
        expect(r.offset).toBe(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Reader.readU64', () => {
  it('returns numbers up to 2^53 - 1 and rejects larger ones with ERR_LIMIT', () => {
    expect(reader([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]).readU64()).toBe(2 ** 53 - 1);
    expect(codeOf(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]).readU64())).toBe('ERR_LIMIT');
    expect(reader([0x80, 0x80, 0x80, 0x80, 0x10]).readU64()).toBe(2 ** 32);
  });

  it('rejects unused bits in the tenth byte', () => {
    expect(codeOf(() => reader([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x03]).readU64())).toBe(
      'ERR_BAD_LEB',
    );
  });
});

describe('Reader.readName', () => {
  const encoded = (s: string) => {
    const b = [...new TextEncoder().encode(s)];
    return [b.length, ...b];
  };

  it.each(['', 'memory', 'héllo', '✓ 🎉', 'x'.repeat(100), 'é'.repeat(60)])('decodes %j', (s) => {
    const bytes = s.length < 60 ? encoded(s) : [...encodedLong(s)];
    const r = reader(bytes);
    expect(r.readName()).toBe(s);
    expect(r.isAtEnd).toBe(true);
  });

  function encodedLong(s: string): number[] {
    const b = [...new TextEncoder().encode(s)];
    return [0x80 | (b.length & 0x7f), b.length >> 7, ...b];
  }

  it.each([
    ['a lone continuation byte', [1, 0x80]],
    ['an overlong encoding of NUL', [2, 0xc0, 0x80]],
    ['a UTF-16 surrogate', [3, 0xed, 0xa0, 0x80]],
    ['a truncated sequence', [2, 0xe2, 0x9c]],
    ['invalid bytes after ASCII', [4, 0x61, 0x62, 0xff, 0x63]],
  ])('rejects %s with ERR_BAD_UTF8 at the name', (_what, bytes) => {
    const r = reader([0x00, ...bytes]);
    r.readU8();
    expect(() => r.readName()).toThrow(expect.objectContaining({ code: 'ERR_BAD_UTF8', offset: 2 }));
  });

  it('rejects a length beyond the input', () => {
    expect(codeOf(() => reader([5, 0x61, 0x62]).readName())).toBe('ERR_UNEXPECTED_EOF');
  });

  it('applies a maximum length', () => {
    expect(codeOf(() => reader([3, 0x61, 0x62, 0x63]).readName('a name', 2))).toBe('ERR_LIMIT');
  });
});

describe('Reader.readCount', () => {
  it('rejects a count larger than the bytes left before anything is allocated', () => {
    const r = reader([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]);
    expect(() => r.readCount('imports', 2 ** 32)).toThrow(
      expect.objectContaining({ code: 'ERR_UNEXPECTED_EOF', offset: 0 }),
    );
  });

  it('rejects a count above the limit', () => {
    expect(codeOf(() => reader([0x0a, ...new Array(10).fill(0)]).readCount('things', 9))).toBe('ERR_LIMIT');
  });

  it('accounts for the minimum item size', () => {
    expect(reader([2, 0, 0, 0, 0]).readCount('pairs', 10, 2)).toBe(2);
    expect(codeOf(() => reader([3, 0, 0, 0, 0]).readCount('pairs', 10, 2))).toBe('ERR_UNEXPECTED_EOF');
  });
});

describe('Reader views', () => {
  it('hands out subarray views with absolute offsets, no copies', () => {
    const buffer = new Uint8Array([9, 9, 1, 2, 3, 4]);
    const r = new Reader(buffer.subarray(2));
    r.readU8();
    const view = r.readBytes(2);
    expect([...view]).toEqual([2, 3]);
    expect(view.buffer).toBe(buffer.buffer);
    expect(r.offset).toBe(3);
    expect(codeOf(() => r.readBytes(2))).toBe('ERR_UNEXPECTED_EOF');
    expect(codeOf(() => r.skip(2))).toBe('ERR_UNEXPECTED_EOF');
  });
});
