/**
 * A `Plan` is the glue for one value type at one place (a parameter, a field of it...), built
 * once when a function is bound: closures for each direction, composed from the type's
 * parts, so a call runs no type dispatch. "Lower" is always JS to guest, "lift" guest to JS.
 */

import { describe } from '../../describe.js';
import { ArgumentError, type ArgumentErrorCode } from '../../errors.js';
import type { CoreValType } from '../canonical-types.js';
import type { Cx } from './context.js';

/** A flat core value: i32, f32 and f64 as numbers, i64 as a bigint. */
export type Flat = number | bigint;

export interface Plan {
  /** The core value types this type flattens to. */
  readonly flat: readonly CoreValType[];
  /** Size and alignment in linear memory. */
  readonly size: number;
  readonly align: number;
  /** JS value to flat core values, written at `out[at]`, `out[at + 1]`... (`flat.length` of them). */
  lowerFlat(cx: Cx, value: unknown, out: Flat[], at: number): void;
  /** Flat core values from `src[at]` on to a JS value. */
  liftFlat(cx: Cx, src: readonly Flat[], at: number): unknown;
  /** JS value into memory at `ptr` (aligned and in bounds: the caller checked). */
  store(cx: Cx, value: unknown, ptr: number): void;
  /** A JS value from memory at `ptr` (aligned and in bounds). */
  load(cx: Cx, ptr: number): unknown;
  /**
   * For a type of exactly one flat value (numbers, bool, char, enum, flags, handles): the
   * conversions of that one value, so a call of such types needs no array.
   */
  readonly toCore?: (cx: Cx, value: unknown) => Flat;
  readonly fromCore?: (cx: Cx, flat: Flat) => unknown;
}

/** A plan of one flat value from its two conversions, and its memory access. */
export function single(
  flat: CoreValType,
  size: number,
  toCore: (cx: Cx, value: unknown) => Flat,
  fromCore: (cx: Cx, flat: Flat) => unknown,
  store: (cx: Cx, value: unknown, ptr: number) => void,
  load: (cx: Cx, ptr: number) => unknown,
): Plan {
  return {
    flat: [flat],
    size,
    align: size,
    toCore,
    fromCore,
    lowerFlat: (cx, value, out, at) => {
      out[at] = toCore(cx, value);
    },
    liftFlat: (cx, src, at) => fromCore(cx, src[at] as Flat),
    store,
    load,
  };
}

/** The `ArgumentError` for a JS value that does not fit: `where` names the function and the place. */
export function badValue(code: ArgumentErrorCode, where: string, expected: string, value: unknown): ArgumentError {
  return new ArgumentError(code, `${where} must be ${expected}, got ${describe(value)}`);
}

/** The zero of a core type, for the unused flat slots of a variant. */
export function zeroOf(t: CoreValType): Flat {
  return t === 'i64' ? 0n : 0;
}

/** `first-name` as `firstName`: the JS key of a record field or a flag. */
export function jsName(kebab: string): string {
  return kebab.replace(/-([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}
