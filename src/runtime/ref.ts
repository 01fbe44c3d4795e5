/**
 * Reference types at the JS/Wasm boundary: which JS values V8 accepts for each
 * (the JS API's ToWebAssemblyValue, https://webassembly.github.io/spec/js-api/#towebassemblyvalue,
 * with the GC proposal's rules), checked by us first so that a bad argument, global
 * or table value gets our `ArgumentError` naming what was expected. Only what JS cannot
 * see is left to V8: whether a Wasm GC object is a struct or an array, and which
 * concrete type it has.
 */
import type { RefType, ValType } from './parser/types.js';

/** An abstract heap type's name, or a concrete type's index in the module. */
export type HeapType =
  | 'func'
  | 'extern'
  | 'any'
  | 'eq'
  | 'i31'
  | 'struct'
  | 'array'
  | 'exn'
  | 'none'
  | 'noextern'
  | 'nofunc'
  | 'noexn'
  | number;

/** A reference type taken apart: `(ref null 3)` is `{ nullable: true, heap: 3 }`. */
export interface RefParts {
  readonly nullable: boolean;
  readonly heap: HeapType;
}

const SHORTHAND: Readonly<Record<string, HeapType>> = {
  funcref: 'func',
  externref: 'extern',
  anyref: 'any',
  eqref: 'eq',
  i31ref: 'i31',
  structref: 'struct',
  arrayref: 'array',
  exnref: 'exn',
  nullref: 'none',
  nullexternref: 'noextern',
  nullfuncref: 'nofunc',
  nullexnref: 'noexn',
};

const ABSTRACT = new Set<string>(Object.values(SHORTHAND) as string[]);
const REF = /^\(ref (null )?([a-z0-9]+)\)$/;

/** The parts of a reference type as the parser spells it, or null for a numeric or vector type. */
export function refParts(type: ValType): RefParts | null {
  const short = SHORTHAND[type];
  if (short !== undefined) return { nullable: true, heap: short };
  const m = REF.exec(type);
  if (m === null) return null;
  const heap = m[2] as string;
  if (/^\d+$/.test(heap)) return { nullable: m[1] !== undefined, heap: Number(heap) };
  return ABSTRACT.has(heap) ? { nullable: m[1] !== undefined, heap: heap as HeapType } : null;
}

/** The kind of a concrete type (its index in the module's type section). */
export type TypeKind = (index: number) => 'func' | 'struct' | 'array' | undefined;

// V8 prints an exported Wasm function as `function 12() { [native code] }` (its
// function index as name), which no JS function or bound function can look like.
const WASM_FUNCTION_SOURCE = /^function \d+\(\) \{ \[native code\] \}$/;

/** Whether `fn` is a Wasm function (V8's exported function, of this instance or another). */
export function isWasmFunction(fn: unknown): boolean {
  return typeof fn === 'function' && WASM_FUNCTION_SOURCE.test(Function.prototype.toString.call(fn));
}

/**
 * Whether `v` looks like a Wasm GC object (a struct or an array): V8 gives them to JS as
 * frozen objects with a null prototype ("WebAssembly objects are opaque"). A frozen
 * `Object.create(null)` looks the same; V8 then refuses it, and the caller says so.
 */
export function isGcObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === null && Object.isFrozen(v);
}

/** Whether `v` is a number V8 turns into an i31ref: an integer in [-2^30, 2^30). */
export function isI31(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= -0x40000000 && v < 0x40000000;
}

/**
 * What a check of one value concluded: `ok` (V8 will accept it), `v8` (it has the right
 * shape and only V8 can tell whether its struct/array or concrete type fits), or the
 * reason it does not fit.
 */
export type RefCheck = 'ok' | 'v8' | { readonly refused: string };

/** How messages name what a reference type accepts: `expected ${expectedRef(...)}`. */
export function expectedRef(type: string, parts: RefParts, kind: TypeKind | undefined): string {
  const orNull = parts.nullable ? ' or null' : '';
  const heap = parts.heap;
  let what: string;
  if (typeof heap === 'number') {
    const k = kind?.(heap);
    what = k === 'func' ? `a Wasm function of that type${orNull}` : `a Wasm ${k ?? 'GC object'} of that type${orNull}`;
  } else {
    switch (heap) {
      case 'extern':
      case 'any':
        what = parts.nullable ? 'any JS value' : 'any JS value but null';
        break;
      case 'func':
        what = `an exported Wasm function${orNull}`;
        break;
      case 'eq':
        what = `a Wasm struct or array, an integer in [-2^30, 2^30)${orNull}`;
        break;
      case 'i31':
        what = `an integer in [-2^30, 2^30)${orNull}`;
        break;
      case 'struct':
        what = `a Wasm struct${orNull}`;
        break;
      case 'array':
        what = `a Wasm array${orNull}`;
        break;
      case 'exn':
      case 'noexn':
        what = 'nothing: exception references cannot cross the JS/Wasm boundary';
        break;
      default:
        what = 'null';
    }
  }
  return `${type} (${what})`;
}

/** Checks `v` (already unwrapped from our export wrappers) against a reference type. */
export function checkRef(v: unknown, parts: RefParts, kind: TypeKind | undefined): RefCheck {
  const heap = parts.heap;
  if (heap === 'exn' || heap === 'noexn') return { refused: 'exception references cannot cross the JS/Wasm boundary' };
  if (v === null) return parts.nullable ? 'ok' : { refused: 'the type is not nullable' };
  if (typeof heap === 'number') {
    const k = kind?.(heap);
    if (k === 'func') return isWasmFunction(v) ? 'v8' : { refused: 'not a Wasm function' };
    if (k === 'struct' || k === 'array') return isGcObject(v) ? 'v8' : { refused: `not a Wasm ${k}` };
    return isWasmFunction(v) || isGcObject(v) ? 'v8' : { refused: 'not a Wasm object' };
  }
  switch (heap) {
    case 'extern':
    case 'any':
      return 'ok';
    case 'func':
      return isWasmFunction(v) ? 'ok' : { refused: 'not a Wasm function' };
    case 'eq':
      return isI31(v) || isGcObject(v) ? 'ok' : { refused: 'not a Wasm struct, array or i31' };
    case 'i31':
      return isI31(v) ? 'ok' : { refused: 'not an integer in [-2^30, 2^30)' };
    case 'struct':
    case 'array':
      return isGcObject(v) ? 'v8' : { refused: `not a Wasm ${heap}` };
    default:
      return { refused: 'only null fits' };
  }
}

/** Whether a value of `type` can cross the JS/Wasm boundary at all (exnref cannot). */
export function crossesBoundary(type: RefType): boolean {
  const parts = refParts(type);
  return parts === null || (parts.heap !== 'exn' && parts.heap !== 'noexn');
}
