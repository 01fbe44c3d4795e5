/**
 * Calls Wasm functions whose signature has `v128`, which V8 refuses to pass
 * across the JS boundary. For each such signature we build (once, in binary,
 * with encoder/) an adapter module that imports the target
 * function and exports `call` with only scalar parameters: each v128 argument
 * is read from the adapter's memory (slot i = bytes 16*i..16*i+15), and every
 * result is stored to the slot after the parameters'. JS writes and reads those
 * slots, so a v128 crosses as 16 little-endian bytes.
 */
import { boxedArray, callError, convertArguments, converterFor, registerWrapper } from './convert.js';
import { encodeS32, encodeU32 } from './encoder/leb128.js';
import { encodeFuncType, encodeName, encodeSection, encodeVec, VALTYPE_BYTE } from './encoder/module.js';
import { ArgumentError } from './errors.js';
import { formatSignature } from './kinds.js';
import { PAGE_SIZE } from './parser/limits.js';
import type { FuncType, ValType } from './parser/types.js';
import { Value } from './value.js';

type AnyFunction = (...args: unknown[]) => unknown;

// Store opcode and alignment (log2) for each storable result type.
const STORE: Record<string, readonly number[]> = {
  i32: [0x36, 2],
  i64: [0x37, 3],
  f32: [0x38, 2],
  f64: [0x39, 3],
  v128: [0xfd, 0x0b, 4],
};

const SLOT = 16;

/** Whether the adapter can handle `type`: numeric and v128 parameters and results (plus reference parameters). */
export function isAdaptable(type: FuncType): boolean {
  return type.params.every((t) => VALTYPE_BYTE[t] !== undefined) && type.results.every((t) => STORE[t] !== undefined);
}

/** The adapter module's binary for `type` (exported so tests can check it against V8's validator). */
export function encodeAdapter(type: FuncType): Uint8Array {
  const scalarParams = type.params.filter((t) => t !== 'v128');
  const resultBase = SLOT * type.params.length;
  const pages = Math.max(1, Math.ceil((SLOT * (type.params.length + type.results.length)) / PAGE_SIZE));
  const body: number[] = [];
  let k = 0;
  type.params.forEach((t, i) => {
    if (t === 'v128') body.push(0x41, ...encodeS32(SLOT * i), 0xfd, 0x00, 4, 0);
    else body.push(0x20, ...encodeU32(k++));
  });
  body.push(0x10, 0);
  const firstLocal = scalarParams.length;
  for (let j = type.results.length - 1; j >= 0; j--) body.push(0x21, ...encodeU32(firstLocal + j));
  type.results.forEach((t, j) => {
    const op = STORE[t] as readonly number[];
    body.push(0x41, ...encodeS32(resultBase + SLOT * j), 0x20, ...encodeU32(firstLocal + j), ...op, 0);
  });
  body.push(0x0b);
  const locals = encodeVec(type.results.map((t) => [1, VALTYPE_BYTE[t] as number]));
  const code = [...locals, ...body];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...encodeSection(1, encodeVec([encodeFuncType(type.params, type.results), encodeFuncType(scalarParams, [])])),
    ...encodeSection(2, encodeVec([[...encodeName('t'), ...encodeName('f'), 0x00, 0x00]])),
    ...encodeSection(3, encodeVec([[1]])),
    ...encodeSection(5, encodeVec([[0x00, ...encodeU32(pages)]])),
    ...encodeSection(
      7,
      encodeVec([
        [...encodeName('call'), 0x00, 1],
        [...encodeName('memory'), 0x02, 0],
      ]),
    ),
    ...encodeSection(10, encodeVec([[...encodeU32(code.length), ...code]])),
  ]);
}

const ADAPTERS = new Map<string, WebAssembly.Module>();

function adapterModule(type: FuncType): WebAssembly.Module {
  const key = `${type.params.join(',')}->${type.results.join(',')}`;
  let module = ADAPTERS.get(key);
  if (module === undefined) {
    module = new WebAssembly.Module(encodeAdapter(type));
    ADAPTERS.set(key, module);
  }
  return module;
}

const MASK64 = (1n << 64n) - 1n;

/**
 * A JS-callable wrapper for a raw exported function whose signature has v128.
 * v128 arguments are `Value.v128`s or bigints; v128 results come back as
 * `Value.v128`, i64 as bigint, several results as an array.
 */
export function wrapV128Function(
  raw: AnyFunction,
  fnName: string,
  type: FuncType,
  names: ReadonlyMap<number, string> | undefined,
  paramNames?: () => readonly (string | undefined)[],
): AnyFunction {
  const label = formatSignature(type, { name: fnName, paramNames: paramNames?.() ?? [] });
  if (!isAdaptable(type)) {
    const unsupported = (): never => {
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `${label}: this signature mixes v128 with reference results and cannot be called from JS`,
      );
    };
    return unsupported;
  }
  const adapter = new WebAssembly.Instance(adapterModule(type), { t: { f: raw } });
  const call = adapter.exports.call as AnyFunction;
  const view = new DataView((adapter.exports.memory as WebAssembly.Memory).buffer);
  const converters = type.params.map((t) => converterFor(t));
  const resultBase = SLOT * type.params.length;
  const scalarCount = type.params.filter((t) => t !== 'v128').length;
  const wrapper = (...args: unknown[]): unknown => {
    const converted = convertArguments(args, converters, label);
    // Boxed arrays, here and for the results: NaN bits must cross unchanged (see boxedArray).
    const scalars = boxedArray(scalarCount);
    let k = 0;
    type.params.forEach((t, i) => {
      const v = converted[i];
      if (t === 'v128') {
        const big = v as bigint;
        view.setBigUint64(SLOT * i, big & MASK64, true);
        view.setBigUint64(SLOT * i + 8, big >> 64n, true);
      } else scalars[k++] = v;
    });
    try {
      call(...scalars);
    } catch (e) {
      throw callError(e, label, names);
    }
    const count = type.results.length;
    if (count === 0) return undefined;
    if (count === 1) return readSlot(view, resultBase, type.results[0] as ValType);
    const results = boxedArray(count);
    for (let j = 0; j < count; j++) results[j] = readSlot(view, resultBase + SLOT * j, type.results[j] as ValType);
    return results;
  };
  Object.defineProperty(wrapper, 'name', { value: fnName });
  registerWrapper(wrapper, raw);
  return wrapper;
}

function readSlot(view: DataView, offset: number, type: ValType): unknown {
  switch (type) {
    case 'i32':
      return view.getInt32(offset, true);
    case 'i64':
      return view.getBigInt64(offset, true);
    case 'f32':
      return view.getFloat32(offset, true);
    case 'f64':
      return view.getFloat64(offset, true);
    default:
      return Value.v128((view.getBigUint64(offset + 8, true) << 64n) | view.getBigUint64(offset, true));
  }
}

/** Whether a signature needs the adapter. */
export function hasV128(type: FuncType): boolean {
  return type.params.includes('v128') || type.results.includes('v128');
}
