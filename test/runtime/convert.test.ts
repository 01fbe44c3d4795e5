import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, Instance, Module, Trap, Value } from '../../src/runtime/index.js';

type Fns = Record<string, (...args: unknown[]) => unknown>;

const ARITH = `(module
  (func (export "sum") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "add64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
  (func (export "mixed") (param i32 i64 f32 f64) (result f64)
    local.get 0 f64.convert_i32_s local.get 1 f64.convert_i64_s f64.add
    local.get 2 f64.promote_f32 f64.add local.get 3 f64.add))`;

const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 });
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n });

describe('argument conversion (property tests against plain arithmetic)', () => {
  it('i32 and i64 arguments, signed or unsigned, plain or as Value, compute like BigInt arithmetic', async () => {
    const e = (await Module.compile(ARITH)).instantiate<Fns>().exports;
    fc.assert(
      fc.property(i32, i32, fc.boolean(), (a, b, boxed) => {
        const expected = Number(BigInt.asIntN(32, BigInt(a) + BigInt(b)));
        const args = boxed ? [Value.i32(a), Value.i32(b)] : [a, b];
        expect(e.sum?.(...args)).toBe(expected);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(i64, i64, (a, b) => {
        expect(e.add64?.(a, b)).toBe(BigInt.asIntN(64, a + b));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.maxSafeInteger(), (a, b) => {
        expect(e.add64?.(a, b)).toBe(BigInt.asIntN(64, BigInt(a) + BigInt(b)));
      }),
      { numRuns: 200 },
    );
  });

  it('anything outside the accepted values throws ArgumentError, never a bare TypeError', async () => {
    const e = (await Module.compile(ARITH)).instantiate<Fns>().exports;
    const junk = fc.oneof(
      fc.string(),
      fc.double().filter((d) => !Number.isInteger(d) || d < -(2 ** 31) || d >= 2 ** 32),
      fc.bigInt(),
      fc.constant(null),
      fc.constant(undefined),
      fc.object(),
      fc.boolean(),
      fc.constant(Symbol('s')),
    );
    fc.assert(
      fc.property(junk, (x) => {
        expect(() => e.sum?.(x, 1)).toThrow(ArgumentError);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt().filter((b) => b < -(2n ** 63n) || b >= 2n ** 64n),
          fc.string(),
          fc.double({ noInteger: true }),
        ),
        (x) => {
          expect(() => e.add64?.(x, 1n)).toThrow(ArgumentError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('mixes every numeric type in one call', async () => {
    const e = (await Module.compile(ARITH)).instantiate<Fns>().exports;
    expect(e.mixed?.(1, 2n, 0.5, 0.25)).toBe(3.75);
    expect(e.mixed?.(Value.i32(1), Value.i64(2), Value.f32(0.5), Value.f64(0.25))).toBe(3.75);
    expect(e.mixed?.(0xffffffff, 2 ** 53 - 1, 0, 0)).toBe(-1 + (2 ** 53 - 1));
  });
});

describe('references', () => {
  it('passes our wrapped functions as funcref arguments', async () => {
    const e = (
      await Module.compile(`(module
        (type $r (func (result i32)))
        (table $t 1 funcref)
        (func (export "seven") (result i32) i32.const 7)
        (func (export "callRef") (param funcref) (result i32)
          i32.const 0 local.get 0 table.set $t
          i32.const 0 call_indirect $t (type $r)))`)
    ).instantiate<Fns>().exports;
    expect(e.callRef?.(e.seven)).toBe(7);
    expect(() => e.callRef?.(42)).toThrow(expect.objectContaining({ code: 'ERR_ARG_TYPE' }));
    expect(() => e.callRef?.(() => 7)).toThrow(expect.objectContaining({ code: 'ERR_ARG_TYPE' }));
    expect(() => e.callRef?.(null)).toThrow(Trap);
  });
});

describe('traps across instances', () => {
  it('a trap in one instance called from another through a host function stays a Trap', async () => {
    const inner = (await Module.compile('(module (func $boom (export "boom") unreachable))')).instantiate<Fns>();
    const outer = (
      await Module.compile('(module (import "env" "cb" (func $cb)) (func $go (export "go") call $cb))')
    ).instantiate<Fns>({ env: { cb: () => inner.exports.boom?.() } });
    let error: unknown;
    try {
      outer.exports.go?.();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Trap);
    expect((error as Trap).frames[0]?.functionName).toBe('boom');
  });

  it('a WasiExit thrown by the start function comes out of the constructor unchanged', async () => {
    const { WasiExit } = await import('../../src/runtime/index.js');
    const exit = new WasiExit(7);
    const m = await Module.compile('(module (import "env" "exit" (func $exit)) (func $s call $exit) (start $s))');
    expect(
      () =>
        new Instance(m, {
          env: {
            exit: () => {
              throw exit;
            },
          },
        }),
    ).toThrow(exit);
  });
});
