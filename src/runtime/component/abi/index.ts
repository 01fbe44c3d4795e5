/**
 * The canonical ABI's glue between JS and a component's core code (design/mvp/CanonicalABI.md,
 * the synchronous ABI): `liftFunction`/`lowerFunction` for `canon lift`/`canon lower`, the
 * `resource.*` built-ins, the per-instance `ComponentState`, and `liftValue`/`lowerValue` for
 * one value in memory. How instantiation uses it:
 *
 * ```ts
 * const state = new ComponentState(); // one per component instance
 * let memory: WebAssembly.Memory | undefined; // bound once the core instance exists
 * const ctx: CanonContext = {
 *   memory: () => memory as WebAssembly.Memory,
 *   realloc: (...a) => (reallocExport as (...a: number[]) => number)(...a),
 *   stringEncoding: options.stringEncoding,
 *   state,
 * };
 * // canon lower: a core import from a host (or another component's lifted) function
 * const coreLog = lowerFunction(logType, (message) => console.log(message), ctx, 'wasi:cli/log#log');
 * // canon resource.new/rep/drop: core imports too
 * const fileNew = resourceNew(fileResource, state);
 * // canon lift: a JS function from a core export (post-return from the canon options)
 * const greet = liftFunction(greetType, coreGreet, { ...ctx, postReturn: corePostGreet }, 'greet');
 * greet('world'); // 'Hello, world!'
 * // a guest-defined resource: objects of its JS class stand for its handles
 * state.bindResource(counterResource, { create: () => Object.create(Counter.prototype), destructor: () => coreDtor });
 * ```
 *
 * JS shapes: bool boolean; s8..u32, f32, f64 number; s64, u64 bigint (lowering also takes a safe
 * integer number); char a one-code-point string; string string; list a typed array for the
 * number types (lowering also takes an array), else an array; record an object keyed by the
 * lowerCamelCase names; tuple an array; variant `{ tag, val }`; enum the case name; flags an
 * object of booleans; option `undefined` or the value (`{ tag: 'none' | 'some', val }` when
 * nested); result `{ tag: 'ok' | 'err', val }`, but a function's result returns ok and throws
 * `ResultError` for err; map a `Map`; own/borrow the resource objects (`ComponentState`).
 */
export type { CanonContext } from './context.js';
export { liftFunction, lowerFunction } from './function.js';
export { MAX_LIST_BYTE_LENGTH, markTransientBytes, TRANSIENT_BYTES } from './lists.js';
export { type Flat, jsName } from './plan.js';
export { resourceDrop, resourceNew, resourceRep } from './resources.js';
export { ComponentState, type HandleEntry, MAX_HANDLES, type ResourceBinding, resourceName } from './state.js';
export { MAX_STRING_BYTE_LENGTH } from './strings.js';
export { liftValue, lowerValue, planOf } from './values.js';
