/**
 * The canonical ABI's glue between JS and component core code: `liftFunction`/`lowerFunction`
 * for `canon lift`/`canon lower`, the `resource.*` built-ins, the per-instance
 * `ComponentState`, and `liftValue`/`lowerValue` for single values in memory.
 */
export type { CanonContext } from './context.js';
export { liftFunction, lowerFunction } from './function.js';
export { MAX_LIST_BYTE_LENGTH, markTransientBytes, TRANSIENT_BYTES } from './lists.js';
export { type Flat, jsName } from './plan.js';
export { resourceDrop, resourceNew, resourceRep } from './resources.js';
export { ComponentState, type HandleEntry, MAX_HANDLES, type ResourceBinding } from './state.js';
export { MAX_STRING_BYTE_LENGTH } from './strings.js';
export { liftValue, lowerValue, planOf } from './values.js';
