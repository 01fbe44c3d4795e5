/**
 * Plans of the compound types: records and tuples (fields at their aligned offsets, flat values
 * one after another), the variant family (variant, enum, option, result: a discriminant, then
 * the case's payload in slots the cases share, reinterpreted where their core types differ),
 * and flags (a bit vector). Each takes its children's plans, so this file needs no dispatcher.
 */

import { CanonicalAbiError } from '../../errors.js';
import { alignTo, type CoreValType, discriminantSize, flagsSize, joinCoreTypes } from '../canonical-types.js';
import type { Cx } from './context.js';
import { badValue, type Flat, type Plan, single, zeroOf } from './plan.js';
import { f32Bits, f32FromBits, f64Bits, f64FromBits } from './scalars.js';

/** A record's field or a tuple's element: where it is and how it goes. */
interface Member {
  readonly key: string;
  readonly plan: Plan;
}

function layout(members: readonly Member[]): { offsets: number[]; flatAt: number[]; size: number; align: number } {
  const offsets: number[] = [];
  const flatAt: number[] = [];
  let size = 0;
  let align = 1;
  let flat = 0;
  for (const m of members) {
    size = alignTo(size, m.plan.align);
    offsets.push(size);
    size += m.plan.size;
    align = Math.max(align, m.plan.align);
    flatAt.push(flat);
    flat += m.plan.flat.length;
  }
  return { offsets, flatAt, size: alignTo(size, align), align };
}

/**
 * A record (`fields`, keyed by their JS names) or a tuple (`isTuple`: an array of exactly
 * `fields.length` elements) at `where`.
 */
export function recordPlan(fields: readonly Member[], isTuple: boolean, where: string): Plan {
  const { offsets, flatAt, size, align } = layout(fields);
  const n = fields.length;
  const check = (value: unknown): Record<string, unknown> => {
    if (isTuple) {
      if (!Array.isArray(value) || value.length !== n) {
        throw badValue('ERR_ARG_TYPE', where, `a tuple (an array of ${n} elements)`, value);
      }
    } else if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw badValue('ERR_ARG_TYPE', where, 'a record (an object)', value);
    }
    return value as Record<string, unknown>;
  };
  const make = (): Record<string, unknown> => (isTuple ? (new Array(n) as unknown as Record<string, unknown>) : {});
  return {
    flat: fields.flatMap((f) => f.plan.flat),
    size,
    align,
    lowerFlat(cx, value, out, at) {
      const v = check(value);
      for (let i = 0; i < n; i++) {
        const f = fields[i] as Member;
        f.plan.lowerFlat(cx, v[f.key], out, at + (flatAt[i] as number));
      }
    },
    liftFlat(cx, src, at) {
      const v = make();
      for (let i = 0; i < n; i++) {
        const f = fields[i] as Member;
        v[f.key] = f.plan.liftFlat(cx, src, at + (flatAt[i] as number));
      }
      return v;
    },
    store(cx, value, p) {
      const v = check(value);
      for (let i = 0; i < n; i++) {
        const f = fields[i] as Member;
        f.plan.store(cx, v[f.key], p + (offsets[i] as number));
      }
    },
    load(cx, p) {
      const v = make();
      for (let i = 0; i < n; i++) {
        const f = fields[i] as Member;
        v[f.key] = f.plan.load(cx, p + (offsets[i] as number));
      }
      return v;
    },
  };
}

/** How a member of the variant family maps between its JS shape and (case index, payload). */
export interface CaseMapping {
  /** The case index of a JS value; `ArgumentError` when it is none of the cases. */
  readonly caseOf: (value: unknown) => number;
  /** The payload of a JS value of case `index` (called only for cases with a payload). */
  readonly payloadOf: (value: unknown) => unknown;
  /** The JS value of case `index` with `payload` (undefined for a case without one). */
  readonly make: (index: number, payload: unknown) => unknown;
}

/** Reinterprets a flat value of a shared slot (`have`) as the case's own type (`want`), when lifting. */
function liftCoercion(have: CoreValType, want: CoreValType): ((x: Flat) => Flat) | undefined {
  if (have === want) return undefined;
  if (have === 'i32' && want === 'f32') return (x) => f32FromBits(x as number);
  if (have === 'i64' && want === 'i32') return (x) => Number(BigInt.asIntN(32, x as bigint));
  if (have === 'i64' && want === 'f32') return (x) => f32FromBits(Number(BigInt.asIntN(32, x as bigint)));
  return (x) => f64FromBits(x as bigint); // i64 -> f64
}

/** Reinterprets the case's own flat value (`have`) for the shared slot (`want`), when lowering. */
function lowerCoercion(have: CoreValType, want: CoreValType): ((x: Flat) => Flat) | undefined {
  if (have === want) return undefined;
  if (have === 'f32' && want === 'i32') return (x) => f32Bits(x as number);
  if (have === 'i32' && want === 'i64') return (x) => BigInt((x as number) >>> 0);
  if (have === 'f32' && want === 'i64') return (x) => BigInt(f32Bits(x as number) >>> 0);
  return (x) => f64Bits(x as number); // f64 -> i64
}

interface CaseGlue {
  readonly plan: Plan | undefined;
  /** Per flat value of the payload, its coercion; undefined when the case needs none at all. */
  readonly lift: readonly (((x: Flat) => Flat) | undefined)[] | undefined;
  readonly lower: readonly (((x: Flat) => Flat) | undefined)[] | undefined;
}

/**
 * A variant-family type whose cases have payload plans `cases` (undefined for none), mapped
 * to JS by `mapping`, at `where`. `caseNames` name the cases in trap messages.
 */
export function variantPlan(
  cases: readonly (Plan | undefined)[],
  caseNames: readonly string[],
  mapping: CaseMapping,
  where: string,
): Plan {
  const n = cases.length;
  const discSize = discriminantSize(n);
  let caseAlign = 1;
  let payloadSize = 0;
  for (const c of cases) {
    if (c === undefined) continue;
    caseAlign = Math.max(caseAlign, c.align);
    payloadSize = Math.max(payloadSize, c.size);
  }
  const align = Math.max(discSize, caseAlign);
  const payloadAt = alignTo(discSize, caseAlign);
  const size = alignTo(payloadAt + payloadSize, align);
  // The cases' payloads share flat slots, each of the type their values join to (canonical-types).
  const joined: CoreValType[] = [];
  for (const c of cases) {
    c?.flat.forEach((ft, i) => {
      const have = joined[i];
      joined[i] = have === undefined ? ft : joinCoreTypes(have, ft);
    });
  }
  const glue: CaseGlue[] = cases.map((plan) => {
    if (plan === undefined) return { plan, lift: undefined, lower: undefined };
    const lift = plan.flat.map((ft, i) => liftCoercion(joined[i] as CoreValType, ft));
    const lower = plan.flat.map((ft, i) => lowerCoercion(ft, joined[i] as CoreValType));
    return {
      plan,
      lift: lift.some((f) => f !== undefined) ? lift : undefined,
      lower: lower.some((f) => f !== undefined) ? lower : undefined,
    };
  });
  const zeros = joined.map(zeroOf);
  const badCase = (index: number): CanonicalAbiError =>
    new CanonicalAbiError(
      'ERR_CANON_DISCRIMINANT',
      `${where}: case ${index} is out of range (the type has ${n} cases: ${caseNames.join(', ')})`,
    );
  const readDisc = (cx: Cx, p: number): number => {
    const view = cx.view();
    return discSize === 1 ? view.getUint8(p) : discSize === 2 ? view.getUint16(p, true) : view.getUint32(p, true);
  };
  const writeDisc = (cx: Cx, p: number, index: number): void => {
    const view = cx.view();
    if (discSize === 1) view.setUint8(p, index);
    else if (discSize === 2) view.setUint16(p, index, true);
    else view.setUint32(p, index, true);
  };
  const plan: Plan = {
    flat: ['i32', ...joined],
    size,
    align,
    lowerFlat(cx, value, out, at) {
      const index = mapping.caseOf(value);
      out[at] = index;
      const g = glue[index] as CaseGlue;
      let filled = 0;
      if (g.plan !== undefined) {
        g.plan.lowerFlat(cx, mapping.payloadOf(value), out, at + 1);
        filled = g.plan.flat.length;
        if (g.lower !== undefined) {
          for (let i = 0; i < filled; i++) {
            const f = g.lower[i];
            if (f !== undefined) out[at + 1 + i] = f(out[at + 1 + i] as Flat);
          }
        }
      }
      for (let i = filled; i < zeros.length; i++) out[at + 1 + i] = zeros[i] as Flat;
    },
    liftFlat(cx, src, at) {
      const index = (src[at] as number) >>> 0;
      if (index >= n) throw badCase(index);
      const g = glue[index] as CaseGlue;
      if (g.plan === undefined) return mapping.make(index, undefined);
      if (g.lift === undefined) return mapping.make(index, g.plan.liftFlat(cx, src, at + 1));
      const coerced: Flat[] = [];
      for (let i = 0; i < g.plan.flat.length; i++) {
        const x = src[at + 1 + i] as Flat;
        const f = g.lift[i];
        coerced.push(f === undefined ? x : f(x));
      }
      return mapping.make(index, g.plan.liftFlat(cx, coerced, 0));
    },
    store(cx, value, p) {
      const index = mapping.caseOf(value);
      writeDisc(cx, p, index);
      const payload = cases[index];
      if (payload !== undefined) payload.store(cx, mapping.payloadOf(value), p + payloadAt);
    },
    load(cx, p) {
      const index = readDisc(cx, p);
      if (index >= n) throw badCase(index);
      const payload = cases[index];
      return mapping.make(index, payload === undefined ? undefined : payload.load(cx, p + payloadAt));
    },
  };
  if (joined.length > 0) return plan;
  // No payloads (an enum): the case index is the one flat value, so calls of it need no array.
  return {
    ...plan,
    toCore: (_, value) => mapping.caseOf(value),
    fromCore: (_, flat) => {
      const index = (flat as number) >>> 0;
      if (index >= n) throw badCase(index);
      return mapping.make(index, undefined);
    },
  };
}

/** Flags: an object of booleans keyed by the labels' JS names (a missing key is false). */
export function flagsPlan(keys: readonly string[], where: string): Plan {
  const size = flagsSize(keys.length);
  const pack = (value: unknown): number => {
    if (typeof value !== 'object' || value === null) {
      throw badValue('ERR_ARG_TYPE', where, 'flags (an object of booleans)', value);
    }
    const v = value as Record<string, unknown>;
    let bits = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const flag = v[key];
      if (flag === true) bits |= 1 << i;
      else if (flag !== false && flag !== undefined) {
        throw badValue('ERR_ARG_TYPE', `${where} flag "${key}"`, 'a boolean', flag);
      }
    }
    return bits >>> 0;
  };
  // Bits past the labels are ignored, as the spec's unpack_flags_from_int does.
  const unpack = (bits: number): Record<string, boolean> => {
    const v: Record<string, boolean> = {};
    for (let i = 0; i < keys.length; i++) v[keys[i] as string] = (bits & (1 << i)) !== 0;
    return v;
  };
  return single(
    'i32',
    size,
    (_, v) => pack(v),
    (_, x) => unpack(x as number),
    (cx, v, p) => {
      const view = cx.view();
      const bits = pack(v);
      if (size === 1) view.setUint8(p, bits);
      else if (size === 2) view.setUint16(p, bits, true);
      else view.setUint32(p, bits, true);
    },
    (cx, p) => {
      const view = cx.view();
      return unpack(size === 1 ? view.getUint8(p) : size === 2 ? view.getUint16(p, true) : view.getUint32(p, true));
    },
  );
}
