/**
 * `Value`: a WebAssembly value with an explicit type, for when a plain number
 * is ambiguous (`sum(Value.i32(1), Value.i32(2))`) and for v128, which has no
 * JS counterpart.
 */
import { DESCRIPTION, describe } from './describe.js';
import { ArgumentError } from './errors.js';

export type NumericType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

const I64_MIN = -(1n << 63n);
const U64_END = 1n << 64n;
const V128_MIN = -(1n << 127n);
const U128_END = 1n << 128n;

/**
 * An immutable typed Wasm value. Build it with the static constructors:
 * `Value.i32(7)`, `Value.i64(7n)`, `Value.f32(7.42)`, `Value.f64(7.42)`,
 * `Value.v128(7n)`. `String(Value.i32(7)) === 'I32(7)'`.
 *
 * Integers are stored in their canonical form: i32 as a signed number, i64 as a
 * signed bigint, v128 as an unsigned bigint in [0, 2^128).
 */
export class Value {
  readonly type: NumericType;
  readonly value: number | bigint;

  private constructor(type: NumericType, value: number | bigint) {
    this.type = type;
    this.value = value;
  }

  /** An i32 from an integer in [-2^31, 2^32); values from 2^31 up wrap to negative. Throws ArgumentError otherwise. */
  static i32(value: number): Value {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
      throw new ArgumentError(
        typeof value === 'number' ? 'ERR_ARG_RANGE' : 'ERR_ARG_TYPE',
        `Value.i32: ${describe(value)} is not an integer in [-2^31, 2^32)`,
      );
    }
    return new Value('i32', value | 0);
  }

  /** An i64 from a bigint or a safe integer, in [-2^63, 2^64); values from 2^63 up wrap to negative. */
  static i64(value: bigint | number): Value {
    const big = toBigInt(value, 'Value.i64');
    if (big < I64_MIN || big >= U64_END) {
      throw new ArgumentError('ERR_ARG_RANGE', `Value.i64: ${value}n is outside [-2^63, 2^64)`);
    }
    return new Value('i64', BigInt.asIntN(64, big));
  }

  /** An f32: any number, rounded to single precision with `Math.fround`. */
  static f32(value: number): Value {
    if (typeof value !== 'number') {
      throw new ArgumentError('ERR_ARG_TYPE', `Value.f32: ${describe(value)} is not a number`);
    }
    return new Value('f32', Math.fround(value));
  }

  /** An f64: any number. */
  static f64(value: number): Value {
    if (typeof value !== 'number') {
      throw new ArgumentError('ERR_ARG_TYPE', `Value.f64: ${describe(value)} is not a number`);
    }
    return new Value('f64', value);
  }

  /** A v128 from a bigint (or safe integer) in [-2^127, 2^128); negatives are taken as two's complement. */
  static v128(value: bigint | number): Value {
    const big = toBigInt(value, 'Value.v128');
    if (big < V128_MIN || big >= U128_END) {
      throw new ArgumentError('ERR_ARG_RANGE', `Value.v128: ${value}n is outside [-2^127, 2^128)`);
    }
    return new Value('v128', BigInt.asUintN(128, big));
  }

  /** `I32(7)`, `I64(7)`, `F32(7.42)` (shortest decimal that rounds to the same f32), `F64(7.42)`, `V128(7)`. */
  toString(): string {
    const text = this.type === 'f32' ? formatF32(this.value as number) : String(this.value);
    return `${this.type.toUpperCase()}(${text})`;
  }

  /** How `describe` names a Value in messages: `I32(7) (Value)`. */
  [DESCRIPTION](): string {
    return `${String(this)} (Value)`;
  }

  /** The JS value: a number for i32/f32/f64, a bigint for i64/v128. */
  valueOf(): number | bigint {
    return this.value;
  }

  toJSON(): { type: NumericType; value: string | number } {
    return { type: this.type, value: typeof this.value === 'bigint' ? String(this.value) : this.value };
  }
}

/**
 * The shortest decimal form that reads back as the same f32 (as Rust and Python print an f32).
 * Zero, NaN and the infinities print as `String` does (the CLI spells them as Wasm does).
 */
export function formatF32(v: number): string {
  if (!Number.isFinite(v) || Object.is(v, -0) || v === 0) return String(v);
  for (let p = 1; p <= 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(v);
}

/** A bigint, or a safe integer as one; anything else is `ERR_ARG_TYPE` (or `ERR_ARG_RANGE` for an unsafe number). */
function toBigInt(value: unknown, where: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new ArgumentError(
    typeof value === 'number' ? 'ERR_ARG_RANGE' : 'ERR_ARG_TYPE',
    `${where}: ${describe(value)} is not a bigint or a safe integer`,
  );
}
