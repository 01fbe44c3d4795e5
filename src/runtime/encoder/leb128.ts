/**
 * LEB128, the integer encoding of the binary format
 * (https://webassembly.github.io/spec/core/binary/values.html#integers): the
 * one writer the runtime's encoders share. Shortest forms only.
 */
import { ArgumentError } from '../errors.js';

/** Unsigned LEB128 of a 32-bit value, shortest form. Throws `ArgumentError('ERR_ARG_RANGE')` outside 0..2^32-1. */
export function encodeU32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new ArgumentError('ERR_ARG_RANGE', `encodeU32 takes an integer from 0 to 4294967295, got ${value}`);
  }
  return encodeUnsigned(value);
}

/** Unsigned LEB128 of a 64-bit value (a bigint, or a number up to 2^53 - 1), shortest form. */
export function encodeU64(value: number | bigint): Uint8Array {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ArgumentError('ERR_ARG_RANGE', `encodeU64 takes a safe integer >= 0 or a bigint, got ${value}`);
    }
    return encodeUnsigned(value);
  }
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) {
    throw new ArgumentError('ERR_ARG_RANGE', `encodeU64 takes a bigint from 0 to 2^64 - 1, got ${value}`);
  }
  const out: number[] = [];
  let v = value;
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return new Uint8Array(out);
}

/** Numbers up to 2^53: division instead of bit operations, which would truncate to 32 bits. */
function encodeUnsigned(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return new Uint8Array(out);
}

/** Signed LEB128 of a 32-bit integer, shortest form. */
export function encodeS32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) {
    throw new ArgumentError('ERR_ARG_RANGE', `encodeS32 takes an integer from -2147483648 to 2147483647, got ${value}`);
  }
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return new Uint8Array(out);
    }
    out.push(byte | 0x80);
  }
}
