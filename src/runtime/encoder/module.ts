/**
 * Builders for the pieces of a module binary
 * (https://webassembly.github.io/spec/core/binary/modules.html), as arrays of
 * bytes to splice together: used for the small modules the runtime makes
 * itself (the v128 adapter) and by the tests' generated modules.
 */
import type { ValType } from '../parser/types.js';
import { encodeU32 } from './leb128.js';

/** The one-byte encodings of the number, vector and abstract reference types. */
export const VALTYPE_BYTE: Readonly<Record<string, number>> = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
};

/** A name: its UTF-8 length, then its bytes. */
export function encodeName(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...encodeU32(bytes.length), ...bytes];
}

/** A vector: its length, then each item. */
export function encodeVec(items: readonly (readonly number[])[]): number[] {
  return [...encodeU32(items.length), ...items.flat()];
}

/** A section: its id, its size, its content. */
export function encodeSection(id: number, content: readonly number[]): number[] {
  return [id, ...encodeU32(content.length), ...content];
}

/** A function type of one-byte value types (see `VALTYPE_BYTE`). */
export function encodeFuncType(params: readonly ValType[], results: readonly ValType[]): number[] {
  const enc = (t: ValType): number[] => [VALTYPE_BYTE[t] as number];
  return [0x60, ...encodeVec(params.map(enc)), ...encodeVec(results.map(enc))];
}

/** A custom section named `name` holding `payload`. */
export function encodeCustomSection(name: string, payload: readonly number[] | Uint8Array): number[] {
  return encodeSection(0, [...encodeName(name), ...payload]);
}
