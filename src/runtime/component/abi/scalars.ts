/**
 * Plans of the scalar types: bool, the integers, the floats and char. Lowering checks the JS
 * value's type and range (`ArgumentError`); lifting wraps integers to their width as the spec's
 * `lift_flat_unsigned`/`signed` do, accepts any nonzero bool, canonicalizes NaN, and traps on
 * a char that is not a Unicode scalar value.
 */

import { CanonicalAbiError } from '../../errors.js';
import type { PrimitiveTypeName } from '../types.js';
import { badValue, type Plan, single } from './plan.js';

type Scalar = Exclude<PrimitiveTypeName, 'string' | 'error-context'>;

const INT_RANGES = {
  s8: [-0x80, 0x7f],
  u8: [0, 0xff],
  s16: [-0x8000, 0x7fff],
  u16: [0, 0xffff],
  s32: [-0x80000000, 0x7fffffff],
  u32: [0, 0xffffffff],
} as const;

function intChecker(kind: keyof typeof INT_RANGES, where: string): (value: unknown) => number {
  const [min, max] = INT_RANGES[kind];
  return (value) => {
    if (typeof value !== 'number') throw badValue('ERR_ARG_TYPE', where, `a ${kind} (a number)`, value);
    if (!Number.isInteger(value)) throw badValue('ERR_ARG_TYPE', where, `a ${kind} (an integer)`, value);
    if (value < min || value > max) throw badValue('ERR_ARG_RANGE', where, `a ${kind} in [${min}, ${max}]`, value);
    return value;
  };
}

const U64_END = 2n ** 64n;
const S64_MIN = -(2n ** 63n);
const S64_END = 2n ** 63n;

function bigChecker(kind: 's64' | 'u64', where: string): (value: unknown) => bigint {
  const [min, end] = kind === 'u64' ? [0n, U64_END] : [S64_MIN, S64_END];
  return (value) => {
    let big: bigint;
    if (typeof value === 'bigint') big = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
    else throw badValue('ERR_ARG_TYPE', where, `a ${kind} (a bigint, or a safe integer number)`, value);
    if (big < min || big >= end) throw badValue('ERR_ARG_RANGE', where, `a ${kind} in [${min}, ${end - 1n}]`, value);
    return big;
  };
}

function floatChecker(kind: 'f32' | 'f64', where: string): (value: unknown) => number {
  return (value) => {
    if (typeof value !== 'number') throw badValue('ERR_ARG_TYPE', where, `an ${kind} (a number)`, value);
    return value;
  };
}

/** One code point that is a Unicode scalar value, as a number; `ArgumentError` otherwise. */
function charChecker(where: string): (value: unknown) => number {
  return (value) => {
    if (typeof value !== 'string') throw badValue('ERR_ARG_TYPE', where, 'a char (a one-character string)', value);
    const code = value.codePointAt(0);
    if (code === undefined || value.length !== (code > 0xffff ? 2 : 1)) {
      throw badValue('ERR_ARG_TYPE', where, 'a char (a string of exactly one code point)', value);
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      throw badValue('ERR_ARG_RANGE', where, 'a char (a Unicode scalar value, not a lone surrogate)', value);
    }
    return code;
  };
}

/** A char from the guest: trapping `ERR_CANON_CHAR` on a surrogate or a value above 0x10FFFF. */
export function charFromCode(code: number, where: string): string {
  if (code >= 0x110000 || (code >= 0xd800 && code <= 0xdfff)) {
    throw new CanonicalAbiError(
      'ERR_CANON_CHAR',
      `${where}: 0x${code.toString(16)} is not a Unicode scalar value (a surrogate, or above 0x10ffff)`,
    );
  }
  return String.fromCodePoint(code);
}

/** NaN as the one canonical NaN: JS cannot see a NaN's payload, but a store could carry it on. */
function canonical(x: number): number {
  return Number.isNaN(x) ? Number.NaN : x;
}

/** The plan of a scalar type at `where` (the place named in errors). */
export function scalarPlan(kind: Scalar, where: string): Plan {
  switch (kind) {
    case 'bool': {
      const check = (value: unknown): number => {
        if (typeof value !== 'boolean') throw badValue('ERR_ARG_TYPE', where, 'a bool (true or false)', value);
        return value ? 1 : 0;
      };
      return single(
        'i32',
        1,
        (_, v) => check(v),
        (_, x) => x !== 0,
        (cx, v, p) => cx.view().setUint8(p, check(v)),
        (cx, p) => cx.view().getUint8(p) !== 0,
      );
    }
    case 'u8': {
      const check = intChecker(kind, where);
      return single(
        'i32',
        1,
        (_, v) => check(v),
        (_, x) => (x as number) & 0xff,
        (cx, v, p) => cx.view().setUint8(p, check(v)),
        (cx, p) => cx.view().getUint8(p),
      );
    }
    case 's8': {
      const check = intChecker(kind, where);
      return single(
        'i32',
        1,
        (_, v) => check(v),
        (_, x) => ((x as number) << 24) >> 24,
        (cx, v, p) => cx.view().setInt8(p, check(v)),
        (cx, p) => cx.view().getInt8(p),
      );
    }
    case 'u16': {
      const check = intChecker(kind, where);
      return single(
        'i32',
        2,
        (_, v) => check(v),
        (_, x) => (x as number) & 0xffff,
        (cx, v, p) => cx.view().setUint16(p, check(v), true),
        (cx, p) => cx.view().getUint16(p, true),
      );
    }
    case 's16': {
      const check = intChecker(kind, where);
      return single(
        'i32',
        2,
        (_, v) => check(v),
        (_, x) => ((x as number) << 16) >> 16,
        (cx, v, p) => cx.view().setInt16(p, check(v), true),
        (cx, p) => cx.view().getInt16(p, true),
      );
    }
    case 'u32': {
      const check = intChecker(kind, where);
      return single(
        'i32',
        4,
        (_, v) => check(v),
        (_, x) => (x as number) >>> 0,
        (cx, v, p) => cx.view().setUint32(p, check(v), true),
        (cx, p) => cx.view().getUint32(p, true),
      );
    }
    case 's32': {
      const check = intChecker(kind, where);
      return single(
        'i32',
        4,
        (_, v) => check(v),
        (_, x) => (x as number) | 0,
        (cx, v, p) => cx.view().setInt32(p, check(v), true),
        (cx, p) => cx.view().getInt32(p, true),
      );
    }
    case 'u64': {
      const check = bigChecker(kind, where);
      return single(
        'i64',
        8,
        (_, v) => check(v),
        (_, x) => BigInt.asUintN(64, x as bigint),
        (cx, v, p) => cx.view().setBigUint64(p, check(v), true),
        (cx, p) => cx.view().getBigUint64(p, true),
      );
    }
    case 's64': {
      const check = bigChecker(kind, where);
      return single(
        'i64',
        8,
        (_, v) => check(v),
        (_, x) => BigInt.asIntN(64, x as bigint),
        (cx, v, p) => cx.view().setBigInt64(p, check(v), true),
        (cx, p) => cx.view().getBigInt64(p, true),
      );
    }
    case 'f32': {
      const check = floatChecker(kind, where);
      return single(
        'f32',
        4,
        (_, v) => check(v),
        (_, x) => canonical(x as number),
        (cx, v, p) => cx.view().setFloat32(p, check(v), true),
        (cx, p) => canonical(cx.view().getFloat32(p, true)),
      );
    }
    case 'f64': {
      const check = floatChecker(kind, where);
      return single(
        'f64',
        8,
        (_, v) => check(v),
        (_, x) => canonical(x as number),
        (cx, v, p) => cx.view().setFloat64(p, check(v), true),
        (cx, p) => canonical(cx.view().getFloat64(p, true)),
      );
    }
    case 'char': {
      const check = charChecker(where);
      return single(
        'i32',
        4,
        (_, v) => check(v),
        (_, x) => charFromCode((x as number) >>> 0, where),
        (cx, v, p) => cx.view().setUint32(p, check(v), true),
        (cx, p) => charFromCode(cx.view().getUint32(p, true), where),
      );
    }
  }
}

// One scratch cell for reinterpreting bits between a variant's joined flat slots and its cases.
const scratch = new DataView(new ArrayBuffer(8));

/** The f32 `x`'s bits as an i32. */
export function f32Bits(x: number): number {
  scratch.setFloat32(0, x, true);
  return scratch.getInt32(0, true);
}

/** The i32 bits `i` as an f32, NaN canonicalized. */
export function f32FromBits(i: number): number {
  scratch.setInt32(0, i, true);
  return canonical(scratch.getFloat32(0, true));
}

/** The f64 `x`'s bits as an i64. */
export function f64Bits(x: number): bigint {
  scratch.setFloat64(0, x, true);
  return scratch.getBigInt64(0, true);
}

/** The i64 bits `i` as an f64, NaN canonicalized. */
export function f64FromBits(i: bigint): number {
  scratch.setBigInt64(0, BigInt.asIntN(64, i), true);
  return canonical(scratch.getFloat64(0, true));
}
