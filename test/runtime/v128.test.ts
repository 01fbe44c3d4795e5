import { describe, expect, it } from 'vitest';
import { ArgumentError, LinkError, Module, Trap, Value } from '../../src/runtime/index.js';
import { encodeAdapter } from '../../src/runtime/v128.js';

type Fns = Record<string, (...args: unknown[]) => unknown>;

const SIMD = `(module
  (func (export "id") (param v128) (result v128) local.get 0)
  (func (export "add") (param v128 v128) (result v128) local.get 0 local.get 1 i32x4.add)
  (func (export "lane") (param v128 i32) (result i32)
    local.get 0 local.get 1 i32.const 0 i32.eq
    if (param v128) (result i32) i32x4.extract_lane 0 else i32x4.extract_lane 3 end)
  (func (export "splat") (param i64 f64) (result v128 f64) local.get 0 i64x2.splat local.get 1)
  (func (export "trap") (param v128) unreachable))`;

describe('v128 through the adapter', () => {
  it('encodes adapter modules V8 accepts, for mixed signatures', () => {
    for (const type of [
      { kind: 'func' as const, params: ['v128'], results: ['v128'] },
      {
        kind: 'func' as const,
        params: ['i32', 'v128', 'f64', 'i64', 'f32'],
        results: ['f32', 'v128', 'i64', 'i32', 'f64'],
      },
      { kind: 'func' as const, params: [], results: ['v128'] },
      { kind: 'func' as const, params: ['v128', 'externref'], results: [] },
    ]) {
      expect(WebAssembly.validate(encodeAdapter(type))).toBe(true);
    }
  });

  it('passes and returns v128 as Value.v128, little-endian lanes', async () => {
    const { exports: e } = (await Module.compile(SIMD)).instantiate<Fns>();
    const big = 0x0123456789abcdef_fedcba9876543210n;
    expect(e.id?.(Value.v128(big))).toEqual(Value.v128(big));
    expect(String(e.id?.(Value.v128(7n)))).toBe('V128(7)');
    expect((e.id!(-1n) as Value).value).toBe(2n ** 128n - 1n);
    // lanes: [1, 2, 3, 4] + [10, 20, 30, 40]
    const lanes = (a: number, b: number, c: number, d: number): bigint =>
      BigInt(a) | (BigInt(b) << 32n) | (BigInt(c) << 64n) | (BigInt(d) << 96n);
    expect(e.add?.(Value.v128(lanes(1, 2, 3, 4)), lanes(10, 20, 30, 40))).toEqual(Value.v128(lanes(11, 22, 33, 44)));
    expect(e.lane?.(Value.v128(lanes(5, 6, 7, 8)), 0)).toBe(5);
    expect(e.lane?.(Value.v128(lanes(5, 6, 7, 8)), 1)).toBe(8);
    expect(e.splat?.(-1n, 2.5)).toEqual([Value.v128(2n ** 128n - 1n), 2.5]);
    expect(e.splat?.(3, 0.5)).toEqual([Value.v128(3n | (3n << 64n)), 0.5]);
  });

  it('checks arguments and reports traps', async () => {
    const { exports: e } = (await Module.compile(SIMD)).instantiate<Fns>();
    expect(() => e.id?.(1.5)).toThrow(expect.objectContaining({ code: 'ERR_ARG_RANGE' }));
    expect(() => e.id?.('x')).toThrow(ArgumentError);
    expect(() => e.id?.(Value.i32(1))).toThrow(
      expect.objectContaining({
        code: 'ERR_ARG_TYPE',
        message: expect.stringMatching(/^id\(v128\) -> v128: argument 1/),
      }),
    );
    expect(() => e.id?.()).toThrow(expect.objectContaining({ code: 'ERR_ARG_COUNT' }));
    expect(() => e.lane?.(0n, 2 ** 32)).toThrow(expect.objectContaining({ code: 'ERR_ARG_RANGE' }));
    expect(() => e.trap?.(0n)).toThrow(Trap);
  });

  it('refuses to link a JS function where v128 crosses, and links a Wasm one', async () => {
    const user = await Module.compile(
      '(module (import "env" "f" (func $f (param v128) (result i32))) (func (export "go") (result i32) v128.const i32x4 7 0 0 0 call $f))',
    );
    expect(() => user.instantiate({ env: { f: () => 1 } })).toThrow(
      expect.objectContaining({ code: 'ERR_IMPORT_TYPE', message: expect.stringMatching(/v128/) }),
    );
    expect(() => user.instantiate({ env: { f: (() => 1).bind(null) } })).toThrow(LinkError);
    const provider = (
      await Module.compile('(module (func (export "f") (param v128) (result i32) local.get 0 i32x4.extract_lane 0))')
    ).instantiate<Fns>();
    expect(user.instantiate<Fns>({ env: { f: provider.exports.f } }).exports.go?.()).toBe(7);
    expect(user.instantiate<Fns>({ env: { f: provider.raw.exports.f } }).exports.go?.()).toBe(7);
  });
});
