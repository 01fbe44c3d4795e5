/**
 * The core signature a component function has when lifted or lowered
 * (design/mvp/CanonicalABI.md "Flattening", `flatten_functype`), as validation needs it:
 * a lifted core function must have exactly that type, and a lowered one is given it.
 */
import type { ValType as CoreValType } from '../../parser/types.js';
import type { FuncType, ValType } from '../types.js';
import { coreFuncText } from './core-types.js';
import { FLAT_LIMIT, type Flat, factsOf, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS } from './type-facts.js';

/** The flat core types of `types` in order, cut after `FLAT_LIMIT` (enough to tell that they spill). */
export function flattenTypes(types: readonly (ValType | undefined)[]): Flat[] {
  const out: Flat[] = [];
  for (const t of types) {
    if (t === undefined) continue;
    if (out.length >= FLAT_LIMIT) break;
    out.push(...factsOf(t).flat);
  }
  return out.slice(0, FLAT_LIMIT);
}

/** Whether the flat parameters and the flat results of `ft` spill to memory. */
export function spills(ft: FuncType): { readonly params: boolean; readonly results: boolean } {
  return {
    params: flattenTypes(ft.params.map((p) => p.type)).length > MAX_FLAT_PARAMS,
    results: flattenTypes([ft.result]).length > MAX_FLAT_RESULTS,
  };
}

/**
 * `flatten_functype` for a synchronous function: the core function type of `ft` lifted
 * (`lift`) or lowered (`lower`), with `ptr` the memory's address type, and as text.
 */
export function flatFuncType(
  ft: FuncType,
  context: 'lift' | 'lower',
  ptr: 'i32' | 'i64' = 'i32',
): { readonly params: readonly CoreValType[]; readonly results: readonly CoreValType[]; readonly text: string } {
  let params: CoreValType[] = flattenTypes(ft.params.map((p) => p.type));
  let results: CoreValType[] = flattenTypes([ft.result]);
  if (params.length > MAX_FLAT_PARAMS) params = [ptr];
  if (results.length > MAX_FLAT_RESULTS) {
    if (context === 'lift') results = [ptr];
    else {
      params = [...params, ptr];
      results = [];
    }
  }
  return { params, results, text: coreFuncText(params, results) };
}

/** Whether `t` holds a string or a variable-length list anywhere (so lifting or lowering it needs memory). */
export function needsMemory(t: ValType | undefined): boolean {
  return t !== undefined && factsOf(t).needsMemory;
}
