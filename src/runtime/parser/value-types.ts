/**
 * The one decoder of value, reference and heap types
 * (https://webassembly.github.io/spec/core/binary/types.html, with the typed
 * references and abstract heap types of the GC proposal,
 * https://webassembly.github.io/gc/core/binary/types.html). The module parser
 * and the code scanner both use it, and each read notes in `features` the
 * proposal the type needs.
 */
import { hex } from '../units.js';
import type { Reader } from './reader.js';
import type { Feature, RefType, ValType } from './types.js';

/** Abstract heap types by their one-byte encoding (0x69..0x74; as an s33 they are -0x17..-0x0c). */
const HEAP_TYPES: readonly (string | undefined)[] = (() => {
  const out: (string | undefined)[] = new Array(0x80).fill(undefined);
  out[0x70] = 'func';
  out[0x6f] = 'extern';
  out[0x6e] = 'any';
  out[0x6d] = 'eq';
  out[0x6c] = 'i31';
  out[0x6b] = 'struct';
  out[0x6a] = 'array';
  out[0x69] = 'exn';
  out[0x71] = 'none';
  out[0x72] = 'noextern';
  out[0x73] = 'nofunc';
  out[0x74] = 'noexn';
  return out;
})();

/** Shorthand names of the nullable abstract reference types: (ref null func) is funcref, (ref null none) is nullref. */
const NULLABLE_SHORTHAND: Readonly<Record<string, RefType>> = {
  func: 'funcref',
  extern: 'externref',
  any: 'anyref',
  eq: 'eqref',
  i31: 'i31ref',
  struct: 'structref',
  array: 'arrayref',
  exn: 'exnref',
  none: 'nullref',
  noextern: 'nullexternref',
  nofunc: 'nullfuncref',
  noexn: 'nullexnref',
};

/** Heap types that only the GC proposal introduces (func, extern and exn predate it). */
const GC_HEAP_TYPES = new Set(['any', 'eq', 'i31', 'struct', 'array', 'none', 'noextern', 'nofunc']);

/** The proposal an abstract heap type needs, if any. */
function noteHeapType(heap: string, features: Set<Feature>): void {
  if (heap === 'extern') features.add('reference-types');
  else if (heap === 'exn' || heap === 'noexn') features.add('exceptions');
  else if (GC_HEAP_TYPES.has(heap)) features.add('gc');
}

/** https://webassembly.github.io/spec/core/binary/types.html#value-types */
export function readValType(r: Reader, features: Set<Feature>): ValType {
  const offset = r.offset;
  const b = r.readU8('a value type');
  switch (b) {
    case 0x7f:
      return 'i32';
    case 0x7e:
      return 'i64';
    case 0x7d:
      return 'f32';
    case 0x7c:
      return 'f64';
    case 0x7b:
      features.add('simd');
      return 'v128';
    default:
      r.offset = offset;
      return readRefType(r, features, 'a value type');
  }
}

/**
 * https://webassembly.github.io/spec/core/binary/types.html#reference-types: a one-byte
 * abstract type (funcref, externref...), or 0x63/0x64 then a heap type ((ref null ht), (ref ht)).
 * The two-byte forms come from typed function references, which V8 ships with GC: they note 'gc'.
 */
export function readRefType(r: Reader, features: Set<Feature>, what = 'a reference type'): RefType {
  const offset = r.offset;
  const b = r.readU8(what);
  if (b === 0x63 || b === 0x64) {
    const nullable = b === 0x63;
    const heap = readHeapType(r, features);
    features.add('gc');
    if (typeof heap === 'number') return nullable ? `(ref null ${heap})` : `(ref ${heap})`;
    return nullable ? NULLABLE_SHORTHAND[heap]! : `(ref ${heap})`;
  }
  const heap = b < 0x80 ? HEAP_TYPES[b] : undefined;
  if (heap === undefined) {
    return r.fail(
      'ERR_BAD_TYPE',
      `unknown ${what === 'a value type' ? 'value' : 'reference'} type 0x${hex(b)} in the ${r.context} (expected i32 0x7f, i64 0x7e, f32 0x7d, f64 0x7c, v128 0x7b or a reference type)`,
      offset,
    );
  }
  noteHeapType(heap, features);
  return NULLABLE_SHORTHAND[heap]!;
}

/** https://webassembly.github.io/gc/core/binary/types.html#heap-types: an abstract heap type's name, or a type index. */
export function readHeapType(r: Reader, features: Set<Feature>): string | number {
  const offset = r.offset;
  const v = r.readS33('a heap type');
  if (v >= 0) return v;
  const heap = v >= -64 ? HEAP_TYPES[v + 0x80] : undefined;
  if (heap === undefined) {
    return r.fail(
      'ERR_BAD_TYPE',
      `unknown heap type ${v} in the ${r.context} (expected func, extern, any... or a type index)`,
      offset,
    );
  }
  noteHeapType(heap, features);
  return heap;
}
