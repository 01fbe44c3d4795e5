/** What WAVE's reader and writer share: type descriptions for messages, integer ranges, typed arrays. */
import type { ValType } from './types.js';
import { witTypeText } from './wit-type.js';

export type IntegerKind = 's8' | 'u8' | 's16' | 'u16' | 's32' | 'u32' | 's64' | 'u64';

/** Inclusive bounds of each integer type, as bigints so the 64-bit ones are exact. */
export const INTEGER_RANGES: Readonly<Record<IntegerKind, readonly [bigint, bigint]>> = {
  s8: [-0x80n, 0x7fn],
  u8: [0n, 0xffn],
  s16: [-0x8000n, 0x7fffn],
  u16: [0n, 0xffffn],
  s32: [-0x8000_0000n, 0x7fff_ffffn],
  u32: [0n, 0xffff_ffffn],
  s64: [-0x8000_0000_0000_0000n, 0x7fff_ffff_ffff_ffffn],
  u64: [0n, 0xffff_ffff_ffff_ffffn],
};

export type NumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

interface TypedArrayClass {
  from(values: ArrayLike<never>): NumericArray;
}

/**
 * The typed array a `list<T>` of this element type is in JS (`list<u8>` → `Uint8Array`), or
 * undefined when the list is a plain array. An element type that is an alias (`type byte = u8`)
 * is still a number, so the alias does not change the array.
 */
export function typedArrayOf(element: ValType): TypedArrayClass | undefined {
  switch (element.kind) {
    case 'u8':
      return Uint8Array as TypedArrayClass;
    case 's8':
      return Int8Array as TypedArrayClass;
    case 'u16':
      return Uint16Array as TypedArrayClass;
    case 's16':
      return Int16Array as TypedArrayClass;
    case 'u32':
      return Uint32Array as TypedArrayClass;
    case 's32':
      return Int32Array as TypedArrayClass;
    case 'u64':
      return BigUint64Array as TypedArrayClass;
    case 's64':
      return BigInt64Array as TypedArrayClass;
    case 'f32':
      return Float32Array as TypedArrayClass;
    case 'f64':
      return Float64Array as TypedArrayClass;
    default:
      return undefined;
  }
}

const DEFINED_KINDS: ReadonlySet<string> = new Set(['record', 'variant', 'enum', 'flags']);

/** `a u32`, `an s8`, `a list<u8>`, `a record point`, `an enum color`, `a u32 (size)` for an alias. */
export function describeType(type: ValType): string {
  let text: string;
  if (type.name !== undefined && DEFINED_KINDS.has(type.kind)) text = `${type.kind} ${type.name}`;
  else if (type.name !== undefined) {
    const { name, ...anonymous } = type;
    text = `${witTypeText(anonymous as ValType)} (${name})`;
  } else text = witTypeText(type);
  return `${/^(?:[aeio]|[sf][0-9])/.test(text) ? 'an' : 'a'} ${text}`;
}
