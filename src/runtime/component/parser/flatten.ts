/**
 * The core signature a component function has when lifted or lowered
 * (design/mvp/CanonicalABI.md "Flattening", `flatten_functype`), as validation needs it:
 * a lifted core function must have exactly that type, and a lowered one is given it.
 */
import type { ValType as CoreValType } from '../../parser/types.js';
import type { FuncType, ValType } from '../types.js';
import { coreFuncText } from './core-types.js';
import { FLAT_LIMIT, type Flat, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, type TypeFactsCache } from './type-facts.js';

/** The flat core types of `types` in order, cut after `FLAT_LIMIT` (enough to tell that they spill). */
export function flattenTypes(types: readonly (ValType | undefined)[], facts: TypeFactsCache): Flat[] {
  const out: Flat[] = [];
  for (const t of types) {
    if (t === undefined) continue;
    if (out.length >= FLAT_LIMIT) break;
    out.push(...facts.of(t).flat);
  }
  return out.slice(0, FLAT_LIMIT);
}

/** Whether the flat parameters and the flat results of `ft` spill to memory. */
export function spills(ft: FuncType, facts: TypeFactsCache): { readonly params: boolean; readonly results: boolean } {
  return {
    params:
      flattenTypes(
        ft.params.map((p) => p.type),
        facts,
      ).length > MAX_FLAT_PARAMS,
    results: flattenTypes([ft.result], facts).length > MAX_FLAT_RESULTS,
  };
}

/**
 * `flatten_functype` for a synchronous function: the core function type of `ft` lifted
 * (`lift`) or lowered (`lower`), with `ptr` the memory's address type, and as text.
 */
export function flatFuncType(
  ft: FuncType,
  context: 'lift' | 'lower',
  facts: TypeFactsCache,
  ptr: 'i32' | 'i64' = 'i32',
): { readonly params: readonly CoreValType[]; readonly results: readonly CoreValType[]; readonly text: string } {
  let params: CoreValType[] = flattenTypes(
    ft.params.map((p) => p.type),
    facts,
  );
  let results: CoreValType[] = flattenTypes([ft.result], facts);
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
export function needsMemory(t: ValType | undefined, facts: TypeFactsCache): boolean {
  return t !== undefined && facts.of(t).needsMemory;
}
