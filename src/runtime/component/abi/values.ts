/**
 * The plan of any value type (the dispatcher over scalars, strings, lists, compounds and
 * handles), the JS shapes of the variant family, and `liftValue`/`lowerValue` for one value
 * in memory. The JS shapes:
 *
 * - variant `{ tag: 'case-name', val }` (no `val` for a case without payload); enum: the case name;
 * - option<T>: `undefined` or the T (lowering also takes `null` for none); when T is itself an
 *   option, `{ tag: 'none' }` or `{ tag: 'some', val }`, so the two nones stay apart;
 * - result: `{ tag: 'ok' | 'err', val }` (no `val` when that side has no type);
 * - record and flags: objects keyed by the lowerCamelCase of the kebab names; tuple: an array.
 */

import { LinkError } from '../../errors.js';
import type { ValType } from '../types.js';
import { type CaseMapping, flagsPlan, recordPlan, variantPlan } from './compound.js';
import { type CanonContext, Cx } from './context.js';
import { fixedListPlan, listPlan } from './lists.js';
import { badValue, jsName, type Plan } from './plan.js';
import { borrowPlan, ownPlan } from './resources.js';
import { scalarPlan } from './scalars.js';
import { stringPlan } from './strings.js';

function tagOf(value: unknown, tags: ReadonlyMap<string, number>, where: string, expected: string): number {
  const tag = typeof value === 'object' && value !== null ? (value as { tag?: unknown }).tag : undefined;
  const index = typeof tag === 'string' ? tags.get(tag) : undefined;
  if (index === undefined) throw badValue('ERR_ARG_TYPE', where, expected, value);
  return index;
}

const valOf = (value: unknown): unknown => (value as { val?: unknown }).val;

/** `{ tag, val }` shapes over `tags`; `hasPayload[i]` says whether case i carries a `val`. */
function taggedMapping(
  tags: readonly string[],
  hasPayload: readonly boolean[],
  where: string,
  what: string,
): CaseMapping {
  const index = new Map(tags.map((t, i) => [t, i]));
  const expected = `${what} (an object with tag ${tags.map((t) => `'${t}'`).join(' or ')})`;
  return {
    caseOf: (value) => tagOf(value, index, where, expected),
    payloadOf: valOf,
    make: (i, payload) => (hasPayload[i] ? { tag: tags[i], val: payload } : { tag: tags[i] }),
  };
}

/**
 * The plan of `type` at `where` (the function and place errors name: `greet parameter "name"`).
 * Throws `LinkError` `ERR_LINK` for the types this ABI does not carry (stream, future,
 * error-context: the async ABI).
 */
export function planOf(type: ValType, where: string): Plan {
  switch (type.kind) {
    case 'string':
      return stringPlan(where);
    case 'error-context':
    case 'stream':
    case 'future':
      throw new LinkError(
        'ERR_LINK',
        `${where}: ${type.kind} values need the async canonical ABI, which is not supported`,
      );
    case 'list': {
      const element = planOf(type.element, `${where} element`);
      return type.length === undefined
        ? listPlan(element, type.element.kind, where)
        : fixedListPlan(element, type.element.kind, type.length, where);
    }
    case 'map':
      return mapPlan(type.key, type.value, where);
    case 'record':
      return recordPlan(
        type.fields.map((f) => ({ key: jsName(f.name), plan: planOf(f.type, `${where} field "${f.name}"`) })),
        false,
        where,
      );
    case 'tuple':
      return recordPlan(
        type.types.map((t, i) => ({ key: String(i), plan: planOf(t, `${where} element ${i}`) })),
        true,
        where,
      );
    case 'variant': {
      const names = type.cases.map((c) => c.name);
      const payloads = type.cases.map((c) => c.type !== undefined);
      return variantPlan(
        type.cases.map((c) => (c.type === undefined ? undefined : planOf(c.type, `${where} case "${c.name}"`))),
        names,
        taggedMapping(names, payloads, where, 'a variant'),
        where,
      );
    }
    case 'enum': {
      const index = new Map(type.names.map((n, i) => [n, i]));
      const expected = `one of ${type.names.map((n) => `'${n}'`).join(', ')}`;
      return variantPlan(
        type.names.map(() => undefined),
        type.names,
        {
          caseOf: (value) => {
            const i = typeof value === 'string' ? index.get(value) : undefined;
            if (i === undefined) throw badValue('ERR_ARG_TYPE', where, expected, value);
            return i;
          },
          payloadOf: () => undefined,
          make: (i) => type.names[i],
        },
        where,
      );
    }
    case 'option': {
      const some = planOf(type.type, `${where} (some)`);
      const mapping: CaseMapping =
        type.type.kind === 'option'
          ? taggedMapping(['none', 'some'], [false, true], where, 'a nested option')
          : {
              caseOf: (value) => (value === undefined || value === null ? 0 : 1),
              payloadOf: (value) => value,
              make: (i, payload) => (i === 0 ? undefined : payload),
            };
      return variantPlan([undefined, some], ['none', 'some'], mapping, where);
    }
    case 'result': {
      const ok = type.ok === undefined ? undefined : planOf(type.ok, `${where} (ok)`);
      const err = type.err === undefined ? undefined : planOf(type.err, `${where} (err)`);
      return variantPlan(
        [ok, err],
        ['ok', 'err'],
        taggedMapping(['ok', 'err'], [ok !== undefined, err !== undefined], where, 'a result'),
        where,
      );
    }
    case 'flags':
      return flagsPlan(type.names.map(jsName), where);
    case 'own':
      return ownPlan(type.resource, where);
    case 'borrow':
      return borrowPlan(type.resource, where);
    default:
      return scalarPlan(type.kind, where);
  }
}

/** `map<K, V>`: a JS `Map` (lowering also takes an array of `[key, value]` pairs), laid out as `list<tuple<K, V>>`. */
function mapPlan(key: ValType, value: ValType, where: string): Plan {
  const list = planOf({ kind: 'list', element: { kind: 'tuple', types: [key, value] } }, where);
  const toPairs = (v: unknown): unknown => (v instanceof Map ? [...v] : v);
  const toMap = (pairs: unknown): Map<unknown, unknown> => new Map(pairs as [unknown, unknown][]);
  return {
    flat: list.flat,
    size: list.size,
    align: list.align,
    lowerFlat: (cx, v, out, at) => list.lowerFlat(cx, toPairs(v), out, at),
    liftFlat: (cx, src, at) => toMap(list.liftFlat(cx, src, at)),
    store: (cx, v, p) => list.store(cx, toPairs(v), p),
    load: (cx, p) => toMap(list.load(cx, p)),
  };
}

/**
 * Writes the JS `value` of `type` into the guest memory of `ctx` at `ptr`, allocating strings
 * and lists with its realloc. Throws `ArgumentError` (`ERR_ARG_TYPE`/`ERR_ARG_RANGE`) for a
 * value that does not fit the type, and traps (`CanonicalAbiError`) `ERR_CANON_ALIGN` /
 * `ERR_CANON_BOUNDS` for a bad `ptr` or a bad block from realloc.
 */
export function lowerValue(type: ValType, value: unknown, ctx: CanonContext, ptr: number, label = 'value'): void {
  const plan = planOf(type, label);
  const cx = new Cx(ctx, label);
  cx.check(ptr, plan.size, plan.align, label);
  plan.store(cx, value, ptr);
}

/**
 * The JS value of `type` in the guest memory of `ctx` at `ptr`. Traps (`CanonicalAbiError`)
 * as the spec does for what the guest wrote: bad pointers, strings, chars, discriminants, handles.
 * A borrow cannot be lifted here (it needs a call to be lent for).
 */
export function liftValue(type: ValType, ctx: CanonContext, ptr: number, label = 'value'): unknown {
  const plan = planOf(type, label);
  const cx = new Cx(ctx, label);
  cx.check(ptr, plan.size, plan.align, label);
  return plan.load(cx, ptr);
}
