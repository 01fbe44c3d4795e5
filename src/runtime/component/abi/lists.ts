/**
 * Lists: a pointer and a length, the elements packed at the element's size. A list of a
 * number type is a typed array in JS (lowering also takes a plain array), copied with one
 * `set`/`slice` rather than element by element. Assumes a little-endian host, as Wasm memory
 * is (every platform Node supports).
 */

import { CanonicalAbiError } from '../../errors.js';
import type { PrimitiveTypeName } from '../types.js';
import type { Cx } from './context.js';
import { badValue, type Flat, type Plan } from './plan.js';

/** The spec's bound on a list's byte length in memory. */
export const MAX_LIST_BYTE_LENGTH = 2 ** 28 - 1;

type TypedArrayClass =
  | Uint8ArrayConstructor
  | Int8ArrayConstructor
  | Uint16ArrayConstructor
  | Int16ArrayConstructor
  | Uint32ArrayConstructor
  | Int32ArrayConstructor
  | BigUint64ArrayConstructor
  | BigInt64ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

type TypedArray = InstanceType<TypedArrayClass>;

/** The JS typed array of each number type's lists. */
export const TYPED_ARRAYS: Partial<Record<PrimitiveTypeName, TypedArrayClass>> = {
  u8: Uint8Array,
  s8: Int8Array,
  u16: Uint16Array,
  s16: Int16Array,
  u32: Uint32Array,
  s32: Int32Array,
  u64: BigUint64Array,
  s64: BigInt64Array,
  f32: Float32Array,
  f64: Float64Array,
};

/** The list's elements as JS: a typed array, or an array of the element plan's values. */
function loadElements(cx: Cx, element: Plan, typed: TypedArrayClass | undefined, ptr: number, length: number): unknown {
  if (typed !== undefined) {
    const copy = new typed(cx.bytes().slice(ptr, ptr + length * element.size).buffer);
    if (copy instanceof Float32Array || copy instanceof Float64Array) {
      // Canonical NaNs, as lifting one float would give.
      for (let i = 0; i < copy.length; i++) if (Number.isNaN(copy[i])) copy[i] = Number.NaN;
    }
    return copy;
  }
  const out = new Array<unknown>(length);
  for (let i = 0; i < length; i++) out[i] = element.load(cx, ptr + i * element.size);
  return out;
}

/** The elements of a JS list value (checked to be an array, or the matching typed array). */
function elementsOf(value: unknown, typed: TypedArrayClass | undefined, where: string): ArrayLike<unknown> {
  if (Array.isArray(value)) return value;
  if (typed !== undefined && value instanceof typed) return value;
  const expected = typed === undefined ? 'an array' : `a ${typed.name} or an array`;
  throw badValue('ERR_ARG_TYPE', where, expected, value);
}

function storeElements(
  cx: Cx,
  element: Plan,
  items: ArrayLike<unknown>,
  typed: TypedArrayClass | undefined,
  ptr: number,
) {
  if (typed !== undefined && items instanceof typed) {
    const t = items as TypedArray;
    cx.bytes().set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), ptr);
    return;
  }
  for (let i = 0; i < items.length; i++) element.store(cx, items[i], ptr + i * element.size);
}

/** Traps `ERR_CANON_LIMIT` for a list of more than MAX_LIST_BYTE_LENGTH bytes. */
function checkListLength(length: number, size: number, where: string): void {
  if (length * size > MAX_LIST_BYTE_LENGTH) {
    throw new CanonicalAbiError(
      'ERR_CANON_LIMIT',
      `${where}: a list of ${length} elements of ${size} bytes is longer than the canonical ABI allows (${MAX_LIST_BYTE_LENGTH} bytes)`,
    );
  }
}

/** A variable-length list of `element` at `where`; `kind` is the element type's kind (for typed arrays). */
export function listPlan(element: Plan, kind: string, where: string): Plan {
  const typed = TYPED_ARRAYS[kind as PrimitiveTypeName];
  const { size, align } = element;
  const lift = (cx: Cx, ptr: number, length: number): unknown => {
    checkListLength(length, size, where);
    cx.check(ptr, length * size, align, where);
    return loadElements(cx, element, typed, ptr, length);
  };
  /** Stores the list's elements into a new block; returns its pointer, the length in `cx.units`. */
  const lower = (cx: Cx, value: unknown): number => {
    const items = elementsOf(value, typed, where);
    checkListLength(items.length, size, where);
    const ptr = cx.allocate(align, items.length * size, where);
    storeElements(cx, element, items, typed, ptr);
    cx.units = items.length;
    return ptr;
  };
  return {
    flat: ['i32', 'i32'],
    size: 8,
    align: 4,
    lowerFlat(cx, value, out, at) {
      out[at] = lower(cx, value);
      out[at + 1] = cx.units;
    },
    liftFlat: (cx, src, at) => lift(cx, (src[at] as number) >>> 0, (src[at + 1] as number) >>> 0),
    store(cx, value, p) {
      const ptr = lower(cx, value);
      const view = cx.view();
      view.setUint32(p, ptr, true);
      view.setUint32(p + 4, cx.units, true);
    },
    load(cx, p) {
      const view = cx.view();
      return lift(cx, view.getUint32(p, true), view.getUint32(p + 4, true));
    },
  };
}

/**
 * Marks a host function (or a resource method on its class's prototype) that reads a
 * `list<u8>` parameter only during the call and keeps no reference to it: such a
 * parameter is lifted as a view of the guest's memory instead of a copy, which the
 * WASI host's stream and file writes rely on (a copy per 64 KiB write was half their
 * time). A view kept past the call would see the guest's memory change under it.
 */
export const TRANSIENT_BYTES: unique symbol = Symbol('wasmer-ts.transient-bytes');

/** Marks `fn` with `TRANSIENT_BYTES`: it reads its `list<u8>` parameters only during the call. */
export function markTransientBytes(fn: (...args: never[]) => unknown): void {
  Object.defineProperty(fn, TRANSIENT_BYTES, { value: true });
}

/** `bytes`, the plan of a `list<u8>`, lifting a view of the guest's memory valid during the call only (see TRANSIENT_BYTES). */
export function bytesViewPlan(bytes: Plan, where: string): Plan {
  const lift = (cx: Cx, ptr: number, length: number): Uint8Array => {
    checkListLength(length, 1, where);
    cx.check(ptr, length, 1, where);
    return cx.bytes().subarray(ptr, ptr + length);
  };
  return {
    ...bytes,
    liftFlat: (cx, src, at) => lift(cx, (src[at] as number) >>> 0, (src[at + 1] as number) >>> 0),
    load(cx, p) {
      const view = cx.view();
      return lift(cx, view.getUint32(p, true), view.getUint32(p + 4, true));
    },
  };
}

/** A fixed-length list (`list<T, N>`): stored inline, flattened to N times T's flat values. */
export function fixedListPlan(element: Plan, kind: string, length: number, where: string): Plan {
  const typed = TYPED_ARRAYS[kind as PrimitiveTypeName];
  const step = element.flat.length;
  const check = (value: unknown): ArrayLike<unknown> => {
    const items = elementsOf(value, typed, where);
    if (items.length !== length) throw badValue('ERR_ARG_RANGE', where, `a list of exactly ${length} elements`, value);
    return items;
  };
  const flat = Array.from({ length }, () => element.flat).flat();
  return {
    flat,
    size: length * element.size,
    align: element.align,
    lowerFlat(cx, value, out, at) {
      const items = check(value);
      for (let i = 0; i < length; i++) element.lowerFlat(cx, items[i], out, at + i * step);
    },
    liftFlat(cx, src: readonly Flat[], at) {
      const items = new Array<unknown>(length);
      for (let i = 0; i < length; i++) items[i] = element.liftFlat(cx, src, at + i * step);
      return typed === undefined ? items : (typed.from as (a: unknown[]) => TypedArray)(items);
    },
    store: (cx, value, p) => storeElements(cx, element, check(value), typed, p),
    load: (cx, p) => loadElements(cx, element, typed, p, length),
  };
}
