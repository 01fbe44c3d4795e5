import { describe, expect, it } from 'vitest';
import { ArgumentError, Instance, Memory, Module, PAGE_SIZE } from '../../src/runtime/index.js';
import { expectCode } from '../helpers/errors.js';

type Fns = Record<string, (...args: unknown[]) => unknown>;

describe('Memory', () => {
  it('creates memories and reports size, dataSize and buffer', () => {
    const m = new Memory({ minimum: 2, maximum: 5 });
    expect(m.size).toBe(2);
    expect(m.dataSize).toBe(2 * PAGE_SIZE);
    expect(m.buffer).toBe(m.raw.buffer);
    expect(m.maximum).toBe(5);
    expect(m.shared).toBe(false);
    const shared = new Memory({ minimum: 1, maximum: 2, shared: true });
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.shared).toBe(true);
  });

  it('rejects bad descriptors', () => {
    const bad: unknown[] = [
      null,
      5,
      { minimum: -1 },
      { minimum: 1.5 },
      { minimum: '1' },
      { minimum: 3, maximum: 2 },
      { minimum: 1, maximum: 70000 },
      { minimum: 1, shared: true },
      { minimum: 1, maximum: 2, shared: 'yes' },
    ];
    for (const d of bad) {
      expect(() => new Memory(d as { minimum: number }), JSON.stringify(d)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
      );
    }
  });

  it('grows, returning the previous size, and refuses past the maximum', () => {
    const m = new Memory({ minimum: 1, maximum: 3 });
    expect(m.grow(1)).toBe(1);
    expect(m.size).toBe(2);
    expect(m.grow(0)).toBe(2);
    expect(() => m.grow(2)).toThrow(
      expect.objectContaining({
        code: 'ERR_ARG_RANGE',
        message: expect.stringMatching(/from 2 to 4 pages, the maximum is 3/),
      }),
    );
    expect(m.size).toBe(2);
    expect(() => m.grow(-1)).toThrow(ArgumentError);
    expect(() => m.grow(1.5)).toThrow(ArgumentError);
    expect(() => m.grow('1' as unknown as number)).toThrow(expect.objectContaining({ code: 'ERR_ARG_TYPE' }));
  });

  it('keeps views valid after grow, including growth from inside Wasm', async () => {
    const module = await Module.compile(`(module (memory (export "memory") 1)
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
      (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store8))`);
    const instance = new Instance<Fns>(module);
    const memory = instance.memory as Memory;
    const u8 = memory.uint8View();
    const u32 = memory.uint32View(4);
    u8[3] = 9;
    u32[0] = 0x01020304;
    const before = memory.buffer;
    expect(memory.grow(1)).toBe(1);
    expect(before.byteLength).toBe(0); // the raw buffer was detached
    expect(u8.length).toBe(2 * PAGE_SIZE);
    expect(u8[3]).toBe(9);
    expect(u32[0]).toBe(0x01020304);
    instance.exports.grow?.(1);
    expect(u8.length).toBe(3 * PAGE_SIZE);
    instance.exports.store?.(3 * PAGE_SIZE - 1, 77);
    expect(u8[3 * PAGE_SIZE - 1]).toBe(77);
    expect(u32.length).toBe((3 * PAGE_SIZE - 4) / 4);
  });

  it('keeps views of a shared memory valid after grow', () => {
    const m = new Memory({ minimum: 1, maximum: 4, shared: true });
    const v = m.int16View();
    v[0] = -2;
    m.grow(2);
    expect(v.length).toBe((3 * PAGE_SIZE) / 2);
    v[v.length - 1] = 5;
    expect(v[0]).toBe(-2);
    expect(new Int16Array(m.buffer)[v.length - 1]).toBe(5);
  });

  it('reads and writes little-endian through every view kind', () => {
    const m = new Memory({ minimum: 1 });
    const bytes = new Uint8Array(m.buffer);
    m.uint32View()[0] = 0x04030201;
    expect([...bytes.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(m.uint16View()[1]).toBe(0x0403);
    expect(m.int8View()[0]).toBe(1);
    m.int32View()[1] = -1;
    expect(m.uint32View()[1]).toBe(0xffffffff);
    m.bigInt64View()[1] = -2n;
    expect(m.bigUint64View()[1]).toBe(2n ** 64n - 2n);
    m.float32View()[4] = 1.5;
    expect(m.float32View().get(4)).toBe(1.5);
    m.float64View()[3] = Math.PI;
    expect(new DataView(m.buffer).getFloat64(24, true)).toBe(Math.PI);
    expect(m.uint8View().bytesPerElement).toBe(1);
    expect(m.float64View().bytesPerElement).toBe(8);
  });

  it('supports views at unaligned offsets (uint16View(7))', () => {
    const m = new Memory({ minimum: 1 });
    const bytes = new Uint8Array(m.buffer);
    bytes.set([0xaa, 0x01, 0x02, 0x03, 0x04], 6);
    const v = m.uint16View(7);
    expect(v.byteOffset).toBe(7);
    expect(v[0]).toBe(0x0201);
    expect(v[1]).toBe(0x0403);
    expect(v.length).toBe(Math.floor((PAGE_SIZE - 7) / 2));
    v[2] = 0xbeef;
    expect([bytes[11], bytes[12]]).toEqual([0xef, 0xbe]);
    expect([...v.slice(0, 3)]).toEqual([0x0201, 0x0403, 0xbeef]);
    const i32 = m.int32View(1);
    i32.write([-1, 2]);
    expect(i32.slice(0, 2)).toEqual(Int32Array.of(-1, 2));
    expect(() => v.array).toThrow(/not aligned/);
  });

  it('slices copies at typed-array speed and writes in bulk', () => {
    const m = new Memory({ minimum: 1 });
    const u8 = m.uint8View(10);
    u8.write([1, 2, 3, 4], 2);
    const copy = u8.slice(2, 6);
    expect(copy).toBeInstanceOf(Uint8Array);
    expect([...copy]).toEqual([1, 2, 3, 4]);
    copy[0] = 100;
    expect(u8[2]).toBe(1);
    expect([...u8.slice(-2)]).toEqual([0, 0]);
    expect(u8.slice(-2).length).toBe(2);
    expect(() => u8.write([1, 2], u8.length - 1)).toThrow(expect.objectContaining({ code: 'ERR_ARG_RANGE' }));
    expect(u8.array).toBeInstanceOf(Uint8Array);
    expect(u8.array.byteOffset).toBe(10);
  });

  it('is iterable and supports get/set', () => {
    const m = new Memory({ minimum: 1 });
    const v = m.uint8View(PAGE_SIZE - 3);
    v.set(0, 1);
    v.set(1, 2);
    v.set(2, 3);
    expect([...v]).toEqual([1, 2, 3]);
    expect(v.get(2)).toBe(3);
    expect('slice' in v).toBe(true);
  });

  it('throws ArgumentError for out-of-range indexes, bad values and bad offsets', () => {
    const m = new Memory({ minimum: 1 });
    const v = m.uint8View();
    const b = m.bigInt64View();
    const cases: [() => unknown, string][] = [
      [() => v[PAGE_SIZE], 'ERR_ARG_RANGE'],
      [() => v[-1], 'ERR_ARG_RANGE'],
      [() => v.get(1.5), 'ERR_ARG_RANGE'],
      [() => v.set(PAGE_SIZE, 1), 'ERR_ARG_RANGE'],
      [
        () => {
          v[0] = '1' as unknown as number;
        },
        'ERR_ARG_TYPE',
      ],
      [
        () => {
          b[0] = 1 as unknown as bigint;
        },
        'ERR_ARG_TYPE',
      ],
      [() => m.uint8View(PAGE_SIZE + 1), 'ERR_ARG_RANGE'],
      [() => m.uint8View(-1), 'ERR_ARG_RANGE'],
      [() => v.get(Object.create(null)), 'ERR_ARG_TYPE'],
      [() => v.set({ valueOf: () => 1 } as unknown as number, 1), 'ERR_ARG_TYPE'],
      [() => m.uint8View('1' as unknown as number), 'ERR_ARG_TYPE'],
    ];
    for (const [run, code] of cases) expectCode(run, ArgumentError, code);
    const atEnd = m.uint8View(PAGE_SIZE);
    expect(atEnd.length).toBe(0);
    m.grow(1);
    expect(atEnd.length).toBe(PAGE_SIZE);
    atEnd[0] = 9;
    expect(m.uint8View()[PAGE_SIZE]).toBe(9);
  });

  it('wraps a raw WebAssembly.Memory', () => {
    const raw = new WebAssembly.Memory({ initial: 1 });
    const m = new Memory(raw);
    expect(m.raw).toBe(raw);
    expect(m.maximum).toBeNull();
    m.uint8View()[0] = 5;
    expect(new Uint8Array(raw.buffer)[0]).toBe(5);
  });
});
