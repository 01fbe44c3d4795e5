/**
 * The canonical ABI's type-level facts (design/mvp/CanonicalABI.md "Alignment", "Element
 * Size", "Flattening"): how big a value is in linear memory, how it is aligned, and which core
 * values it flattens to. Pure functions of the resolved types (`./types.ts`), shared by the
 * validator (which must know whether a `canon lift`/`lower` needs `memory` and `realloc`) and
 * by the glue in `./abi/`.
 *
 * Pointers are 32-bit: the MVP's memories are `i32` (memory64 components are not in scope).
 */
import type { Case, Field, FuncType, ValType } from './types.js';

/** A core value type, as a flattened component value is passed to and from core Wasm. */
export type CoreValType = 'i32' | 'i64' | 'f32' | 'f64';

/** At most this many core parameters are passed flat; more go through memory (one i32 pointer). */
export const MAX_FLAT_PARAMS = 16;
/** At most this many core results are returned flat; more go through memory. */
export const MAX_FLAT_RESULTS = 1;

/** Size in bytes of a pointer or a length in the MVP's 32-bit memories. */
const POINTER_SIZE = 4;

/** `n` rounded up to a multiple of `alignment` (a power of two). */
export function alignTo(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

/**
 * The size in bytes of the discriminant of a variant with `caseCount` cases: the smallest of
 * u8, u16, u32 that can number them all.
 */
export function discriminantSize(caseCount: number): 1 | 2 | 4 {
  if (caseCount <= 0x100) return 1;
  if (caseCount <= 0x10000) return 2;
  return 4;
}

/** The size (and alignment) of a flags value with `count` labels: 1, 2 or 4 bytes. */
export function flagsSize(count: number): 1 | 2 | 4 {
  if (count <= 8) return 1;
  if (count <= 16) return 2;
  return 4;
}

/**
 * A value type with its specialized forms rewritten as the spec's general ones: tuple as a
 * record, enum and option and result as variants. Everything else is returned as is.
 * The case names are the spec's (`none`/`some`, `ok`/`error`).
 */
export type Despecialized =
  | { readonly kind: 'record'; readonly fields: readonly Field[] }
  | { readonly kind: 'variant'; readonly cases: readonly Case[] }
  | Exclude<ValType, { readonly kind: 'tuple' | 'enum' | 'option' | 'result' | 'record' | 'variant' }>;

/** `t` with tuple, enum, option and result rewritten as the spec's record and variants. */
export function despecialize(t: ValType): Despecialized {
  switch (t.kind) {
    case 'tuple':
      return { kind: 'record', fields: t.types.map((type, i) => ({ name: String(i), type })) };
    case 'enum':
      return { kind: 'variant', cases: t.names.map((name) => ({ name, type: undefined })) };
    case 'option':
      return {
        kind: 'variant',
        cases: [
          { name: 'none', type: undefined },
          { name: 'some', type: t.type },
        ],
      };
    case 'result':
      return {
        kind: 'variant',
        cases: [
          { name: 'ok', type: t.ok },
          { name: 'error', type: t.err },
        ],
      };
    default:
      return t;
  }
}

/**
 * The alignment in bytes of `t` in linear memory. `stream`, `future` and `error-context` are
 * handles (4 bytes); a `map` is laid out as a list of key-value tuples.
 */
export function alignment(t: ValType): number {
  const d = despecialize(t);
  switch (d.kind) {
    case 'bool':
    case 's8':
    case 'u8':
      return 1;
    case 's16':
    case 'u16':
      return 2;
    case 's32':
    case 'u32':
    case 'f32':
    case 'char':
    case 'error-context':
    case 'own':
    case 'borrow':
    case 'stream':
    case 'future':
      return 4;
    case 's64':
    case 'u64':
    case 'f64':
      return 8;
    case 'string':
    case 'map':
      return POINTER_SIZE;
    case 'list':
      return d.length === undefined ? POINTER_SIZE : alignment(d.element);
    case 'record':
      return recordAlignment(d.fields);
    case 'variant':
      return variantAlignment(d.cases);
    case 'flags':
      return flagsSize(d.names.length);
  }
}

function recordAlignment(fields: readonly Field[]): number {
  let a = 1;
  for (const f of fields) a = Math.max(a, alignment(f.type));
  return a;
}

/** The largest alignment of the cases' payloads (1 when none has one). */
export function maxCaseAlignment(cases: readonly Case[]): number {
  let a = 1;
  for (const c of cases) if (c.type !== undefined) a = Math.max(a, alignment(c.type));
  return a;
}

function variantAlignment(cases: readonly Case[]): number {
  return Math.max(discriminantSize(cases.length), maxCaseAlignment(cases));
}

/** The size in bytes of `t` in linear memory (its stride in a list), alignment padding included. */
export function elementSize(t: ValType): number {
  const d = despecialize(t);
  switch (d.kind) {
    case 'bool':
    case 's8':
    case 'u8':
      return 1;
    case 's16':
    case 'u16':
      return 2;
    case 's32':
    case 'u32':
    case 'f32':
    case 'char':
    case 'error-context':
    case 'own':
    case 'borrow':
    case 'stream':
    case 'future':
      return 4;
    case 's64':
    case 'u64':
    case 'f64':
      return 8;
    case 'string':
    case 'map':
      return 2 * POINTER_SIZE;
    case 'list':
      return d.length === undefined ? 2 * POINTER_SIZE : d.length * elementSize(d.element);
    case 'record': {
      let s = 0;
      for (const f of d.fields) s = alignTo(s, alignment(f.type)) + elementSize(f.type);
      return alignTo(s, recordAlignment(d.fields));
    }
    case 'variant': {
      let s = alignTo(discriminantSize(d.cases.length), maxCaseAlignment(d.cases));
      let payload = 0;
      for (const c of d.cases) if (c.type !== undefined) payload = Math.max(payload, elementSize(c.type));
      s += payload;
      return alignTo(s, variantAlignment(d.cases));
    }
    case 'flags':
      return flagsSize(d.names.length);
  }
}

/** The byte offsets of a record's fields (or a tuple's elements) from the record's start. */
export function fieldOffsets(types: readonly ValType[]): number[] {
  const offsets: number[] = [];
  let s = 0;
  for (const t of types) {
    s = alignTo(s, alignment(t));
    offsets.push(s);
    s += elementSize(t);
  }
  return offsets;
}

/** The offset of a variant's payload from its start: the discriminant, padded to the payloads' alignment. */
export function payloadOffset(cases: readonly Case[]): number {
  return alignTo(discriminantSize(cases.length), maxCaseAlignment(cases));
}

/** The core type two payloads' flat values share a slot in: the same, i32 for i32/f32, else i64. */
export function joinCoreTypes(a: CoreValType, b: CoreValType): CoreValType {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}

/** The core value types `t` flattens to, in order (a string is two i32s: pointer and length). */
export function flattenType(t: ValType): CoreValType[] {
  const d = despecialize(t);
  switch (d.kind) {
    case 'bool':
    case 's8':
    case 'u8':
    case 's16':
    case 'u16':
    case 's32':
    case 'u32':
    case 'char':
    case 'error-context':
    case 'flags':
    case 'own':
    case 'borrow':
    case 'stream':
    case 'future':
      return ['i32'];
    case 's64':
    case 'u64':
      return ['i64'];
    case 'f32':
      return ['f32'];
    case 'f64':
      return ['f64'];
    case 'string':
    case 'map':
      return ['i32', 'i32'];
    case 'list': {
      if (d.length === undefined) return ['i32', 'i32'];
      const one = flattenType(d.element);
      const flat: CoreValType[] = [];
      for (let i = 0; i < d.length; i++) flat.push(...one);
      return flat;
    }
    case 'record':
      return d.fields.flatMap((f) => flattenType(f.type));
    case 'variant':
      return ['i32', ...flattenPayloads(d.cases)];
  }
}

/** The joined flat slots of a variant's payloads (without the discriminant). */
export function flattenPayloads(cases: readonly Case[]): CoreValType[] {
  const flat: CoreValType[] = [];
  for (const c of cases) {
    if (c.type === undefined) continue;
    flattenType(c.type).forEach((ft, i) => {
      const have = flat[i];
      flat[i] = have === undefined ? ft : joinCoreTypes(have, ft);
    });
  }
  return flat;
}

/** A component function's core signature for `canon lift` or `canon lower`. */
export interface FlatFuncType {
  readonly params: readonly CoreValType[];
  readonly results: readonly CoreValType[];
  /** More than MAX_FLAT_PARAMS flat params: the params are one i32 pointer to a tuple in memory. */
  readonly paramsInMemory: boolean;
  /**
   * More than MAX_FLAT_RESULTS flat results: when lifting, the core function returns an i32
   * pointer to them; when lowering, the core caller passes an i32 out-pointer as a last param.
   */
  readonly resultsInMemory: boolean;
}

/** The flat core values of all of `ft`'s parameters, in order. */
export function flattenParams(ft: FuncType): CoreValType[] {
  return ft.params.flatMap((p) => flattenType(p.type));
}

/** The core function type of `ft` when lifted (a guest export) or lowered (a guest import). */
export function flattenFunc(ft: FuncType, context: 'lift' | 'lower'): FlatFuncType {
  let params = flattenParams(ft);
  let results = ft.result === undefined ? [] : flattenType(ft.result);
  const paramsInMemory = params.length > MAX_FLAT_PARAMS;
  const resultsInMemory = results.length > MAX_FLAT_RESULTS;
  if (paramsInMemory) params = ['i32'];
  if (resultsInMemory) {
    if (context === 'lift') {
      results = ['i32'];
    } else {
      params = [...params, 'i32'];
      results = [];
    }
  }
  return { params, results, paramsInMemory, resultsInMemory };
}

/** Whether `t` holds a value stored out of line: a string or a variable-length list (or a map). */
export function containsPointer(t: ValType): boolean {
  const d = despecialize(t);
  switch (d.kind) {
    case 'string':
    case 'map':
      return true;
    case 'list':
      return d.length === undefined || containsPointer(d.element);
    case 'record':
      return d.fields.some((f) => containsPointer(f.type));
    case 'variant':
      return d.cases.some((c) => c.type !== undefined && containsPointer(c.type));
    default:
      return false;
  }
}

/**
 * Whether `t` holds a `borrow` anywhere (the validator refuses one in a function's result; the
 * glue tracks the borrows of calls whose params hold one).
 */
export function containsBorrow(t: ValType): boolean {
  const d = despecialize(t);
  switch (d.kind) {
    case 'borrow':
      return true;
    case 'list':
      return containsBorrow(d.element);
    case 'map':
      return containsBorrow(d.key) || containsBorrow(d.value);
    case 'record':
      return d.fields.some((f) => containsBorrow(f.type));
    case 'variant':
      return d.cases.some((c) => c.type !== undefined && containsBorrow(c.type));
    default:
      return false;
  }
}

/**
 * Whether a `canon lift` (context 'lift') or `canon lower` ('lower') of `ft` needs the
 * `memory` option: some value lives in memory (a string, a list, or params/results that do
 * not fit flat).
 */
export function needsMemory(ft: FuncType, context: 'lift' | 'lower'): boolean {
  const flat = flattenFunc(ft, context);
  if (flat.paramsInMemory || flat.resultsInMemory) return true;
  return ft.params.some((p) => containsPointer(p.type)) || (ft.result !== undefined && containsPointer(ft.result));
}

/**
 * Whether the `realloc` option is needed: lifting writes the params into the guest's memory
 * (strings, lists, or params in memory); lowering writes the results (strings or lists: results
 * in memory go to the caller's out-pointer, which needs no allocation).
 */
export function needsRealloc(ft: FuncType, context: 'lift' | 'lower'): boolean {
  if (context === 'lift') {
    return flattenFunc(ft, 'lift').paramsInMemory || ft.params.some((p) => containsPointer(p.type));
  }
  return ft.result !== undefined && containsPointer(ft.result);
}
