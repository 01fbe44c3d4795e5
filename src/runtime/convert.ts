/**
 * Argument converters and the wrappers of exported functions. Wrapper code is
 * generated once per parameter list (`new Function`, cached), so a call costs
 * one cheap check per argument before the raw V8 call: `typeof a === 'number' &&
 * (a | 0) === a` for i32, `typeof a === 'number'` for floats, `BigInt.asIntN(64,
 * a) === a` for i64. Anything else (unsigned i32, safe-integer i64, `Value`s,
 * wrong types, wrong counts) takes the slow path, which converts or throws
 * `ArgumentError`. Results need no conversion: V8 already returns i64 as bigint
 * and several results as an array.
 */

import { describe } from './describe.js';
import { ArgumentError } from './errors.js';
import { formatSignature, nameType, type TypeNames } from './kinds.js';
import type { FuncType, ValType } from './parser/types.js';
import { checkRef, crossesBoundary, expectedRef, type RefParts, refParts, type TypeKind } from './ref.js';
import { toTrap } from './trap.js';
import { Value } from './value.js';

type AnyFunction = (...args: unknown[]) => unknown;

/** What errors call the function: `sum(x: i32, y: i32) -> i32`, or a thunk building it (only on error). */
export type Label = string | (() => string);

function labelText(label: Label): string {
  return typeof label === 'string' ? label : label();
}

/** Converts one argument for parameter `index` (0-based) or throws `ArgumentError`. */
export type Converter = (value: unknown, index: number, label: Label) => unknown;

const NO_NAMES: TypeNames = () => new Map();

const I64_MIN = -(1n << 63n);
const U64_END = 1n << 64n;

/** Our wrapper -> the raw V8 function, so wrappers passed back to Wasm (imports, tables) cost nothing. */
const RAW_OF = new WeakMap<object, AnyFunction>();

/** The raw V8 function behind one of our export wrappers, or `fn` itself. */
export function unwrapFunction<T>(fn: T): T {
  if (typeof fn === 'function') return (RAW_OF.get(fn) as T | undefined) ?? fn;
  return fn;
}

export function registerWrapper(wrapper: object, raw: AnyFunction): void {
  RAW_OF.set(wrapper, raw);
}

function fail(
  code: 'ERR_ARG_TYPE' | 'ERR_ARG_RANGE',
  label: Label,
  index: number,
  value: unknown,
  expected: string,
): never {
  throw new ArgumentError(
    code,
    `${labelText(label)}: argument ${index + 1} is ${describe(value)}, expected ${expected}`,
  );
}

function valueOfType(value: unknown, type: string): value is Value {
  return value instanceof Value && value.type === type;
}

const I32_EXPECTED = 'an i32 (an integer in [-2^31, 2^32) or Value.i32)';
const I64_EXPECTED = 'an i64 (a bigint in [-2^63, 2^64), a safe integer, or Value.i64)';

const toI32: Converter = (v, i, label) => {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -0x80000000 && v <= 0xffffffff) return v | 0;
    return fail('ERR_ARG_RANGE', label, i, v, I32_EXPECTED);
  }
  if (valueOfType(v, 'i32')) return v.value;
  return fail('ERR_ARG_TYPE', label, i, v, I32_EXPECTED);
};

const toI64: Converter = (v, i, label) => {
  if (typeof v === 'bigint') {
    if (v >= I64_MIN && v < U64_END) return v;
    return fail('ERR_ARG_RANGE', label, i, v, I64_EXPECTED);
  }
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return BigInt(v);
    return fail('ERR_ARG_RANGE', label, i, v, I64_EXPECTED);
  }
  if (valueOfType(v, 'i64')) return v.value;
  return fail('ERR_ARG_TYPE', label, i, v, I64_EXPECTED);
};

const toF32: Converter = (v, i, label) => {
  if (typeof v === 'number') return v;
  if (valueOfType(v, 'f32')) return v.value;
  return fail('ERR_ARG_TYPE', label, i, v, 'an f32 (a number or Value.f32)');
};

const toF64: Converter = (v, i, label) => {
  if (typeof v === 'number') return v;
  if (valueOfType(v, 'f64')) return v.value;
  return fail('ERR_ARG_TYPE', label, i, v, 'an f64 (a number or Value.f64)');
};

/** v128 arguments become an unsigned bigint in [0, 2^128); the adapter splits them. */
const toV128: Converter = (v, i, label) => {
  if (valueOfType(v, 'v128')) return v.value;
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v))) {
    try {
      return Value.v128(v).value;
    } catch {
      return fail('ERR_ARG_RANGE', label, i, v, 'a v128 (Value.v128 or a bigint in [-2^127, 2^128))');
    }
  }
  const code = typeof v === 'number' ? 'ERR_ARG_RANGE' : 'ERR_ARG_TYPE';
  return fail(code, label, i, v, 'a v128 (Value.v128 or a bigint in [-2^127, 2^128))');
};

const toAny: Converter = (v) => (v instanceof Value ? v.value : v);

/** What reference converters need to know of the module: concrete types' kinds and names. */
export interface RefContext {
  /** Whether type index i is a func, struct or array type (checks a concrete reference type's value). */
  readonly kind?: TypeKind | undefined;
  /** Names concrete reference types in messages: `(ref $point)` rather than `(ref 0)`. */
  readonly typeNames?: TypeNames | undefined;
}

/**
 * The converter of a reference type: a `Value` gives its number (an i31ref's, say),
 * an export wrapper its raw function where a function is expected; then the value is
 * checked by the JS API's rules (see ref.ts). Values whose struct/array or concrete
 * type only V8 can check pass as they are, and `callError` names them if V8 refuses.
 */
function refConverter(type: ValType, parts: RefParts, context: RefContext): Converter {
  const isFunc =
    parts.heap === 'func' || (typeof parts.heap === 'number' && (context.kind?.(parts.heap) ?? 'func') === 'func');
  let expected: string | undefined;
  return (v, i, label) => {
    const value = v instanceof Value ? v.value : isFunc ? unwrapFunction(v) : v;
    const check = checkRef(value, parts, context.kind);
    if (check === 'ok' || check === 'v8') return value;
    expected ??= expectedRef(nameType(type, context.typeNames), parts, context.kind);
    return fail('ERR_ARG_TYPE', label, i, v, expected);
  };
}

/** The converter for one parameter type. */
/** The converter for one parameter type. */
export function converterFor(type: ValType, context: RefContext = {}): Converter {
  switch (type) {
    case 'i32':
      return toI32;
    case 'i64':
      return toI64;
    case 'f32':
      return toF32;
    case 'f64':
      return toF64;
    case 'v128':
      return toV128;
    case 'externref':
      return toAny;
    default: {
      const parts = refParts(type);
      return parts === null ? toAny : refConverter(type, parts, context);
    }
  }
}

/**
 * An array of `length` that keeps the numbers stored in it boxed, bit for bit. V8 keeps
 * an array of only numbers as raw doubles and quiets every NaN stored there (signalling
 * NaNs and their payloads would change on the way into Wasm); once it has held
 * `undefined`, it never becomes such an array.
 */
export function boxedArray(length: number): unknown[] {
  return new Array<unknown>(length).fill(undefined);
}

/** Converts every argument (checking the count first) for a call of `label`. */
export function convertArguments(
  args: ArrayLike<unknown>,
  converters: readonly Converter[],
  label: Label,
  count = args.length,
): unknown[] {
  if (count !== converters.length) {
    throw new ArgumentError(
      'ERR_ARG_COUNT',
      `${labelText(label)}: expected ${converters.length} argument${converters.length === 1 ? '' : 's'}, got ${count}`,
    );
  }
  const out = boxedArray(converters.length);
  for (let i = 0; i < converters.length; i++) out[i] = (converters[i] as Converter)(args[i], i, label);
  return out;
}

// V8's message when a value cannot cross the JS/Wasm boundary (a bad funcref...).
const BOUNDARY_TYPE_ERROR = 'type incompatibility when transforming from/to JS';

/**
 * The error to throw for an error out of a Wasm call: a Trap, an ArgumentError for a boundary
 * TypeError, or as is. `suspects` names the arguments V8 alone could check (a struct given for
 * an arrayref, a struct of another type for `(ref $point)`...), for V8's TypeError, which names none.
 */
export function callError(
  error: unknown,
  label: Label,
  names: ReadonlyMap<number, string> | undefined,
  suspects?: () => string | null,
): unknown {
  if (error instanceof TypeError && error.message.includes(BOUNDARY_TYPE_ERROR)) {
    const which = suspects?.() ?? null;
    return new ArgumentError('ERR_ARG_TYPE', `${labelText(label)}: ${which ?? error.message}`, { cause: error });
  }
  return toTrap(error, names);
}

/**
 * For `callError`: the arguments of reference types whose value V8 alone could check
 * (`argument 2 is an object (Object), expected (ref $point) (a Wasm struct of that type)`),
 * or null when there is none.
 */
function boundarySuspects(args: readonly unknown[], params: readonly ValType[], context: RefContext): string | null {
  const found: string[] = [];
  params.forEach((type, i) => {
    const parts = refParts(type);
    if (parts === null) return;
    const v = args[i];
    if (checkRef(v instanceof Value ? v.value : unwrapFunction(v), parts, context.kind) !== 'v8') return;
    const shown = nameType(type, context.typeNames);
    found.push(`argument ${i + 1} is ${describe(v)}, expected ${expectedRef(shown, parts, context.kind)}`);
  });
  if (found.length === 0) return null;
  if (found.length === 1) return found[0] as string;
  return `V8 refused one of these: ${found.join('; ')}`;
}

export type Factory = (
  raw: AnyFunction,
  slow: (count: number, ...args: unknown[]) => unknown,
  onError: (e: unknown) => unknown,
) => AnyFunction;

/**
 * One compiled wrapper factory per parameter list, shared by every export of
 * that signature. (Dedicated code per export measured no faster in `bench/`:
 * what mattered was the exports object staying in V8's fast mode.)
 */
const FACTORIES = new Map<string, Factory>();

/** Fast-path condition for parameter `a` of `type`, or null when that type always takes the slow path. */
function fastCheck(type: ValType, a: string): string | null {
  switch (type) {
    case 'i32':
      // typeof first: `|` on a bigint throws, and on an object calls its valueOf.
      return `typeof ${a} === 'number' && (${a} | 0) === ${a}`;
    case 'i64':
      // TurboFan lowers asIntN(64) to a machine op: far cheaper than two bigint
      // comparisons. Unsigned values in [2^63, 2^64) take the slow path.
      return `typeof ${a} === 'bigint' && BigInt.asIntN(64, ${a}) === ${a}`;
    case 'f32':
    case 'f64':
      return `typeof ${a} === 'number'`;
    case 'externref':
    case 'anyref':
      return `!(${a} instanceof Value)`;
    case 'i31ref':
      // Exactly the integers in [-2^30, 2^30); null and the rest take the slow path.
      return `typeof ${a} === 'number' && (${a} | 0) === ${a} && ${a} >= -0x40000000 && ${a} < 0x40000000`;
    default:
      return null;
  }
}

function factoryFor(params: readonly ValType[]): Factory {
  const key = params.join(',');
  let factory = FACTORIES.get(key);
  if (factory !== undefined) return factory;
  const names = params.map((_, i) => `a${i}`);
  const checks = [`arguments.length === ${params.length}`];
  let alwaysSlow = false;
  params.forEach((type, i) => {
    const check = fastCheck(type, `a${i}`);
    if (check === null) alwaysSlow = true;
    else checks.push(check);
  });
  // Only `arguments.length` is read: letting `arguments` escape would allocate it on every call.
  const slowCall = `slow(${['arguments.length', ...names].join(', ')})`;
  const source = alwaysSlow
    ? `return function (${names.join(', ')}) { return ${slowCall}; };`
    : `return function (${names.join(', ')}) {
  if (${checks.join(' && ')}) {
    try { return raw(${names.join(', ')}); } catch (e) { throw onError(e); }
  }
  return ${slowCall};
};`;
  const make = new Function('Value', 'raw', 'slow', 'onError', `'use strict';\n${source}`) as (
    ...args: unknown[]
  ) => AnyFunction;
  factory = (raw, slow, onError) => make(Value, raw, slow, onError);
  FACTORIES.set(key, factory);
  return factory;
}

/**
 * Wraps a raw exported function of signature `type` (with no v128: see v128.ts)
 * into a function that casts its arguments, and turns traps into `Trap`.
 */
export function wrapFunction(
  raw: AnyFunction,
  name: string,
  type: FuncType,
  names: ReadonlyMap<number, string> | undefined,
  paramNames?: () => readonly (string | undefined)[],
  context: RefContext = {},
  promising?: (...args: unknown[]) => Promise<unknown>,
): AnyFunction {
  let text: string | undefined;
  const label = (): string => {
    text ??= formatSignature(type, {
      name,
      paramNames: paramNames?.() ?? [],
      typeNames: context.typeNames ?? NO_NAMES,
    });
    return text;
  };
  const blocked = [...type.params, ...type.results].find((t) => !crossesBoundary(t));
  if (blocked !== undefined) {
    // V8 refuses every call of such a signature from JS, before running it.
    const unsupported = (): never => {
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `${label()}: ${blocked} values cannot cross the JS/Wasm boundary, so this function cannot be called from JS (call it from Wasm)`,
      );
    };
    Object.defineProperty(unsupported, 'name', { value: name });
    registerWrapper(unsupported, raw);
    return unsupported;
  }
  const converters = type.params.map((t) => converterFor(t, context));
  if (promising !== undefined) {
    // JSPI (options.async): every outcome is the promise's, argument errors and traps included.
    const wrapper = (...args: unknown[]): Promise<unknown> => {
      let converted: unknown[];
      try {
        converted = convertArguments(args, converters, label);
      } catch (e) {
        return Promise.reject(e);
      }
      const suspects = () => boundarySuspects(args, type.params, context);
      try {
        return promising(...converted).catch((e: unknown) => {
          throw callError(e, label, names, suspects);
        });
      } catch (e) {
        return Promise.reject(callError(e, label, names, suspects));
      }
    };
    Object.defineProperty(wrapper, 'name', { value: name });
    registerWrapper(wrapper, raw);
    return wrapper;
  }
  const onError = (e: unknown): unknown => callError(e, label, names);
  const slow = (count: number, ...args: unknown[]): unknown => {
    const converted = convertArguments(args, converters, label, count);
    try {
      return raw(...converted);
    } catch (e) {
      throw callError(e, label, names, () => boundarySuspects(args, type.params, context));
    }
  };
  const wrapper = factoryFor(type.params)(raw, slow, onError);
  Object.defineProperty(wrapper, 'name', { value: name });
  registerWrapper(wrapper, raw);
  return wrapper;
}
