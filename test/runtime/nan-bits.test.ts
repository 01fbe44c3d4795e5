import { describe, expect, it } from 'vitest';
import { Instance, Value } from '../../src/runtime/index.js';
import { wat } from '../helpers/wat.js';

type Fn = (...args: unknown[]) => unknown;
interface Fns {
  raw_bits: Fn;
  raw_nan: Fn;
  bits_with_ref: Fn;
  bits_with_v128: Fn;
  nan_with_v128: Fn;
  nans_with_v128: Fn;
}

// A signalling f64 NaN with a payload: V8 keeps it in a number, but quiets any NaN
// stored into an array of only doubles.
const SIGNALLING = 0x7ff4000000000001n;

const scratch = new DataView(new ArrayBuffer(8));
function f64(bits: bigint): number {
  scratch.setBigUint64(0, bits);
  return scratch.getFloat64(0);
}
function bitsOf(x: unknown): bigint {
  scratch.setFloat64(0, x as number);
  return scratch.getBigUint64(0);
}

const MODULE = `(module
  (func (export "raw_bits") (param f64) (result i64) local.get 0 i64.reinterpret_f64)
  (func (export "raw_nan") (result f64) f64.const nan:0x4000000000001)
  (func (export "bits_with_ref") (param f64 funcref) (result i64) local.get 0 i64.reinterpret_f64)
  (func (export "bits_with_v128") (param v128 f64) (result i64) local.get 1 i64.reinterpret_f64)
  (func (export "nan_with_v128") (param v128) (result f64) f64.const nan:0x4000000000001)
  (func (export "nans_with_v128") (param v128) (result f64 f64)
    f64.const nan:0x4000000000001 f64.const -nan:0x4000000000001))`;

describe('NaN bit patterns across our wrappers', () => {
  // V8 is the oracle: whatever a direct raw call does with the bits (V8 14 quiets them at
  // the boundary, V8 11 does not), our wrappers must do the same and never quiet more.
  it('passes a signalling NaN argument as V8 does, also on the slow path and through the v128 adapter', async () => {
    const instance = new Instance<Fns>(await wat(MODULE));
    const raw = instance.raw.exports as unknown as Fns;
    const expected = raw.raw_bits(f64(SIGNALLING));
    expect(instance.exports.bits_with_ref(f64(SIGNALLING), null)).toBe(expected);
    expect(instance.exports.bits_with_v128(Value.v128(0n), f64(SIGNALLING))).toBe(expected);
  });

  it('returns a signalling NaN result through the v128 adapter as V8 returns it from a scalar function', async () => {
    const instance = new Instance<Fns>(await wat(MODULE));
    const expected = bitsOf((instance.raw.exports as unknown as Fns).raw_nan());
    expect(bitsOf(instance.exports.nan_with_v128(Value.v128(0n)))).toBe(expected);
    const [a, b] = instance.exports.nans_with_v128(Value.v128(0n)) as number[];
    expect(bitsOf(a)).toBe(expected);
    expect(bitsOf(b)).toBe(expected | (1n << 63n));
  });
});
