// Hand-encoded WebAssembly 3.0 modules (GC types, typed references, table64,
// tags, extended constant expressions, the extended name section) for the tests:
// wabt 1.0.39 knows none of the GC text syntax (struct, rec, sub, (ref null $t)),
// so these are byte-built, each group of bytes commented. Built on the
// independent byte helpers of test/runtime/parser/binary.ts, not on src/.
import { END, module, name, section, u32, vec } from '../runtime/parser/binary.js';

/** Unsigned LEB128 of any u64, as a bigint. */
export function u64(n: bigint): number[] {
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return out;
}

/** Signed LEB128 of a number (s32/s33: heap type indexes, i32.const). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

// ---- value, heap and storage types ----
type TypeName =
  | 'i32'
  | 'i64'
  | 'f32'
  | 'f64'
  | 'i8'
  | 'i16'
  | 'funcref'
  | 'externref'
  | 'anyref'
  | 'eqref'
  | 'i31ref'
  | 'structref'
  | 'arrayref'
  | 'exnref'
  | 'nullref'
  | 'nullexternref'
  | 'nullfuncref'
  | 'nullexnref';

/** One-byte value types (and the packed i8, i16), as spliceable arrays. */
export const T: Readonly<Record<TypeName, number[]>> = {
  i32: [0x7f],
  i64: [0x7e],
  f32: [0x7d],
  f64: [0x7c],
  i8: [0x78],
  i16: [0x77],
  funcref: [0x70],
  externref: [0x6f],
  anyref: [0x6e],
  eqref: [0x6d],
  i31ref: [0x6c],
  structref: [0x6b],
  arrayref: [0x6a],
  exnref: [0x69],
  nullref: [0x71],
  nullexternref: [0x72],
  nullfuncref: [0x73],
  nullexnref: [0x74],
};

/** Abstract heap types by name, as their one-byte (s33) encoding. */
export const HEAP = {
  func: 0x70,
  extern: 0x6f,
  any: 0x6e,
  eq: 0x6d,
  i31: 0x6c,
  struct: 0x6b,
  array: 0x6a,
  exn: 0x69,
  none: 0x71,
  noextern: 0x72,
  nofunc: 0x73,
  noexn: 0x74,
} as const;

/** `(ref null ht)`: 0x63 then the heap type (an index as s33, or an abstract heap type's byte). */
export function refNull(heap: number | keyof typeof HEAP): number[] {
  return [0x63, ...(typeof heap === 'number' ? sleb(heap) : [HEAP[heap]])];
}

/** `(ref ht)`: 0x64 then the heap type. */
export function ref(heap: number | keyof typeof HEAP): number[] {
  return [0x64, ...(typeof heap === 'number' ? sleb(heap) : [HEAP[heap]])];
}

// ---- type section entries ----

/** A field: storage type, then 0x00 const / 0x01 var. */
export function field(type: readonly number[], mutable = false): number[] {
  return [...type, mutable ? 1 : 0];
}
export function struct(...fields: number[][]): number[] {
  return [0x5f, ...vec(fields)];
}
export function array(element: number[]): number[] {
  return [0x5e, ...element];
}
export function func(params: number[][], results: number[][]): number[] {
  return [0x60, ...vec(params), ...vec(results)];
}
/** `(sub $super* comptype)`: 0x50, or 0x4f for `sub final`. */
export function sub(isFinal: boolean, supertypes: number[], composite: number[]): number[] {
  return [isFinal ? 0x4f : 0x50, ...vec(supertypes.map(u32)), ...composite];
}
export function rec(...types: number[][]): number[] {
  return [0x4e, ...vec(types)];
}

// ---- instructions for constant expressions ----
export const I = {
  i32: (n: number) => [0x41, ...sleb(n)],
  i64: (n: number) => [0x42, ...sleb(n)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i64Add: [0x7c],
  i64Sub: [0x7d],
  i64Mul: [0x7e],
  globalGet: (i: number) => [0x23, ...u32(i)],
  refNull: (heap: number | keyof typeof HEAP) => [0xd0, ...(typeof heap === 'number' ? sleb(heap) : [HEAP[heap]])],
  refFunc: (i: number) => [0xd2, ...u32(i)],
  structNew: (t: number) => [0xfb, 0x00, ...u32(t)],
  structNewDefault: (t: number) => [0xfb, 0x01, ...u32(t)],
  arrayNewFixed: (t: number, n: number) => [0xfb, 0x08, ...u32(t), ...u32(n)],
  refI31: [0xfb, 0x1c],
  anyConvertExtern: [0xfb, 0x1a],
  externConvertAny: [0xfb, 0x1b],
  throw: (tag: number) => [0x08, ...u32(tag)],
};

/** A constant expression: the instructions, then `end`. */
export function expr(...instructions: number[][]): number[] {
  return [...instructions.flat(), END];
}

/** A function body: no locals, the instructions, end. */
export function code(...instructions: number[][]): number[] {
  const content = [0x00, ...instructions.flat(), END];
  return [...u32(content.length), ...content];
}

/** Limits: flags (bit 0 max, bit 2 64-bit), minimum, maximum; 64-bit bounds as bigint. */
export function limits(minimum: number | bigint, maximum: number | bigint | null, is64: boolean): number[] {
  const enc = (n: number | bigint) => (is64 ? u64(BigInt(n)) : u32(Number(n)));
  const flags = (maximum === null ? 0 : 1) | (is64 ? 4 : 0);
  return [flags, ...enc(minimum), ...(maximum === null ? [] : enc(maximum))];
}

// ---- the name section (https://webassembly.github.io/spec/core/appendix/custom.html#name-section) ----

/** A name map: (index, name) pairs in index order. */
export function nameMap(entries: readonly (readonly [number, string])[]): number[] {
  return vec(entries.map(([i, n]) => [...u32(i), ...name(n)]));
}

/** A name subsection: its id, its size, its content. */
export function nameSubsection(id: number, content: number[]): number[] {
  return [id, ...u32(content.length), ...content];
}

/** The custom section "name" holding `subsections`. */
export function nameSection(...subsections: number[][]): number[] {
  return section(0, [...name('name'), ...subsections.flat()]);
}

export { END, module, name, section, u32, vec };
