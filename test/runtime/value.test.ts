import { describe, expect, it } from 'vitest';
import { ArgumentError, Value } from '../../src/runtime/index.js';

describe('Value', () => {
  it('builds typed values with type, value and a string form', () => {
    expect(String(Value.i32(7))).toBe('I32(7)');
    expect(String(Value.i64(7))).toBe('I64(7)');
    expect(String(Value.i64(7n))).toBe('I64(7)');
    expect(String(Value.f32(7.42))).toBe('F32(7.42)');
    expect(String(Value.f64(7.42))).toBe('F64(7.42)');
    expect(String(Value.v128(7n))).toBe('V128(7)');
    const v = Value.f32(7.42);
    expect(v.type).toBe('f32');
    expect(v.value).toBe(Math.fround(7.42));
    expect(Value.i64(7).value).toBe(7n);
  });

  it('wraps unsigned integers into the canonical signed form', () => {
    expect(Value.i32(0xffffffff).value).toBe(-1);
    expect(Value.i32(-(2 ** 31)).value).toBe(-(2 ** 31));
    expect(Value.i64(2n ** 64n - 1n).value).toBe(-1n);
    expect(Value.v128(-1n).value).toBe(2n ** 128n - 1n);
    expect(Value.v128(2n ** 128n - 1n).value).toBe(2n ** 128n - 1n);
  });

  it('rejects values out of range or of the wrong type', () => {
    const cases: [() => Value, string][] = [
      [() => Value.i32(2 ** 32), 'ERR_ARG_RANGE'],
      [() => Value.i32(-(2 ** 31) - 1), 'ERR_ARG_RANGE'],
      [() => Value.i32(1.5), 'ERR_ARG_RANGE'],
      [() => Value.i32(Number.NaN), 'ERR_ARG_RANGE'],
      [() => Value.i32('7' as unknown as number), 'ERR_ARG_TYPE'],
      [() => Value.i64(2n ** 64n), 'ERR_ARG_RANGE'],
      [() => Value.i64(-(2n ** 63n) - 1n), 'ERR_ARG_RANGE'],
      [() => Value.i64(2 ** 53), 'ERR_ARG_RANGE'],
      [() => Value.i64(null as unknown as number), 'ERR_ARG_TYPE'],
      [() => Value.f32(1n as unknown as number), 'ERR_ARG_TYPE'],
      [() => Value.f64('1' as unknown as number), 'ERR_ARG_TYPE'],
      [() => Value.v128(2n ** 128n), 'ERR_ARG_RANGE'],
      [() => Value.v128(-(2n ** 127n) - 1n), 'ERR_ARG_RANGE'],
      [() => Value.v128(0.5), 'ERR_ARG_RANGE'],
    ];
    for (const [make, code] of cases) {
      expect(make, String(make)).toThrow(ArgumentError);
      try {
        make();
      } catch (e) {
        expect((e as ArgumentError).code, String(make)).toBe(code);
      }
    }
  });

  it('prints f32 with the shortest decimal that reads back to the same f32', () => {
    expect(String(Value.f32(0.1))).toBe('F32(0.1)');
    expect(String(Value.f32(1 / 3))).toBe('F32(0.33333334)');
    expect(String(Value.f32(Number.POSITIVE_INFINITY))).toBe('F32(Infinity)');
    expect(String(Value.f32(-0))).toBe('F32(0)');
  });

  it('serializes to JSON with bigints as strings', () => {
    expect(JSON.stringify(Value.i64(-5n))).toBe('{"type":"i64","value":"-5"}');
    expect(JSON.stringify(Value.i32(5))).toBe('{"type":"i32","value":5}');
  });
});
