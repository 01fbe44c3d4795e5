/**
 * `canon lift` and `canon lower` for the synchronous ABI (design/mvp/CanonicalABI.md
 * "canon lift", "canon lower"): a core function made callable from JS with component values,
 * and a JS function made callable from core Wasm. The glue is built once per function from the
 * type's plans; a function whose params and result are each one flat value (numbers, bool,
 * char, enum, flags, handles) of up to four params gets a wrapper that allocates nothing.
 */

import { ArgumentError, CanonicalAbiError, LinkError, ResultError } from '../../errors.js';
import { toTrap } from '../../trap.js';
import { alignTo, containsBorrow, flattenFunc, needsMemory, needsRealloc } from '../canonical-types.js';
import type { FuncType } from '../types.js';
import { type CanonContext, Cx, type LendScope } from './context.js';
import { bytesViewPlan } from './lists.js';
import { numericLift } from './numeric.js';
import type { Flat, Plan } from './plan.js';
import { planOf } from './values.js';

/** A core function as V8 exports it: any JS function taking flat values (typed loosely, so exports need no cast). */
type CoreFunction = (...flat: never[]) => unknown;

/** The layout of the params as one tuple in memory (more than MAX_FLAT_PARAMS flat values). */
function tupleLayout(plans: readonly Plan[]): { offsets: number[]; size: number; align: number } {
  let align = 1;
  let size = 0;
  const offsets: number[] = [];
  for (const p of plans) {
    align = Math.max(align, p.align);
    size = alignTo(size, p.align);
    offsets.push(size);
    size += p.size;
  }
  return { offsets, size: alignTo(size, align), align };
}

/**
 * `fn` called with the first `count` values of `values`, without a spread for the usual small
 * counts. The array is consumed at the call, so the caller may refill it for the next call.
 */
function callWith<F extends (...args: never[]) => unknown>(fn: F, values: readonly unknown[], count: number): unknown {
  const f = fn as unknown as (...args: unknown[]) => unknown;
  switch (count) {
    case 0:
      return f();
    case 1:
      return f(values[0]);
    case 2:
      return f(values[0], values[1]);
    case 3:
      return f(values[0], values[1], values[2]);
    case 4:
      return f(values[0], values[1], values[2], values[3]);
    default:
      return f(...values);
  }
}

/** `LinkError` `ERR_LINK` when the canon options lack the memory or realloc the function type needs. */
function checkOptions(type: FuncType, ctx: CanonContext, context: 'lift' | 'lower', label: string): void {
  const missing =
    needsMemory(type, context) && ctx.memory === undefined
      ? 'memory'
      : needsRealloc(type, context) && ctx.realloc === undefined
        ? 'realloc'
        : undefined;
  if (missing !== undefined) {
    throw new LinkError(
      'ERR_LINK',
      `${label}: canon ${context} of this function type needs the ${missing} option, and none was given`,
    );
  }
}

function reentrance(label: string): CanonicalAbiError {
  return new CanonicalAbiError(
    'ERR_CANON_REENTRANCE',
    `${label}: the component was entered while it is already running a call (a host function called back into it)`,
  );
}

function argCount(label: string, expected: number, got: number): ArgumentError {
  return new ArgumentError('ERR_ARG_COUNT', `${label} takes ${expected} argument(s), got ${got}`);
}

/** `{ tag: 'ok', val }` returns `val`; `{ tag: 'err', val }` throws `ResultError(val)`. */
function unwrapResult(value: unknown): unknown {
  const r = value as { tag: 'ok' | 'err'; val?: unknown };
  if (r.tag === 'err') throw new ResultError(r.val);
  return r.val;
}

/**
 * `canon lift`: the JS function that calls the core function `core` (a guest export) with
 * component values of `type`. It lowers the arguments (strings and lists into memory from the
 * guest's realloc), calls `core`, lifts its result, then calls post-return. A `result` return
 * type gives its ok value, and throws `ResultError` with the err payload.
 *
 * Throws `ArgumentError` (`ERR_ARG_COUNT`, `ERR_ARG_TYPE`, `ERR_ARG_RANGE`) for arguments that do
 * not fit, naming `label` and the parameter; `CanonicalAbiError` for what the spec traps on:
 * `ERR_CANON_REENTRANCE` when the component is already running a call, `ERR_CANON_HANDLE` when
 * it returns holding a borrow it was lent, and the codes of lifting the result; `Trap`
 * (`ERR_TRAP`) when the guest traps. When built: `LinkError` `ERR_LINK` for async types and for
 * options that lack the memory or realloc the type needs.
 * Errors a host function threw while the guest called it come out unchanged.
 */
export function liftFunction(
  type: FuncType,
  core: CoreFunction,
  ctx: CanonContext,
  label: string,
): (...args: unknown[]) => unknown {
  checkOptions(type, ctx, 'lift', label);
  const cx = new Cx(ctx, label);
  const state = ctx.state;
  const callCore = core as unknown as (...flat: Flat[]) => unknown;
  const params = type.params.map((p) => planOf(p.type, `${label} parameter "${p.name}"`));
  const resultWhere = `${label} result`;
  const paramsWhere = `${label} parameters`;
  const result = type.result === undefined ? undefined : planOf(type.result, resultWhere);
  const flat = flattenFunc(type, 'lift');
  const hasBorrow = type.params.some((p) => containsBorrow(p.type));
  const isResult = type.result?.kind === 'result';
  const postReturn = ctx.postReturn;
  const n = params.length;
  const flatAt: number[] = [];
  let at = 0;
  for (const p of params) {
    flatAt.push(at);
    at += p.flat.length;
  }
  const tuple = tupleLayout(params);
  // One array for every call: the component cannot be re-entered, and the call consumes it.
  const flatArgs: Flat[] = new Array<Flat>(flat.paramsInMemory ? 1 : at).fill(0);

  const liftResult = (ret: unknown): unknown => {
    if (result === undefined) return undefined;
    if (flat.resultsInMemory) {
      const ptr = (ret as number) >>> 0;
      cx.check(ptr, result.size, result.align, resultWhere);
      return result.load(cx, ptr);
    }
    return result.fromCore === undefined ? result.liftFlat(cx, [ret as Flat], 0) : result.fromCore(cx, ret as Flat);
  };
  const finish = (ret: unknown): unknown => {
    const value = liftResult(ret);
    if (postReturn !== undefined) {
      state.mayLeave = false;
      try {
        if (ret === undefined) postReturn();
        else postReturn(ret as Flat);
      } finally {
        state.mayLeave = true;
      }
    }
    return isResult ? unwrapResult(value) : value;
  };

  const general = generalLift();
  // Numbers and bools only: generated glue, with `general` for the calls it does not take.
  return numericLift(type, core, state, postReturn, general, (got) => argCount(label, n, got)) ?? general;

  function generalLift(): (...args: unknown[]) => unknown {
    const scalars = params.every((p) => p.toCore !== undefined) && !flat.paramsInMemory && !hasBorrow;
    if (scalars && n <= 4 && (result === undefined || (!flat.resultsInMemory && result.fromCore !== undefined))) {
      const fast = fastLift(params, callCore, cx, label, finish);
      if (fast !== undefined) return fast;
    }
    return slowLift;
  }

  function slowLift(...args: unknown[]): unknown {
    if (args.length !== n) throw argCount(label, n, args.length);
    if (!state.mayEnter) throw reentrance(label);
    state.mayEnter = false;
    try {
      if (hasBorrow) cx.borrows = { borrows: 0 };
      if (flat.paramsInMemory) {
        const ptr = cx.allocate(tuple.align, tuple.size, paramsWhere);
        for (let i = 0; i < n; i++) (params[i] as Plan).store(cx, args[i], ptr + (tuple.offsets[i] as number));
        flatArgs[0] = ptr;
      } else {
        for (let i = 0; i < n; i++) (params[i] as Plan).lowerFlat(cx, args[i], flatArgs, flatAt[i] as number);
      }
      const ret = callWith(core, flatArgs, flatArgs.length);
      const scope = cx.borrows;
      if (scope !== undefined && scope.borrows > 0) {
        throw new CanonicalAbiError(
          'ERR_CANON_HANDLE',
          `${label}: returned while still holding ${scope.borrows} borrowed handle(s); a borrow must be dropped before the call returns`,
        );
      }
      return finish(ret);
    } catch (error) {
      throw toTrap(error);
    } finally {
      cx.borrows = undefined;
      state.mayEnter = true;
    }
  }
}

/**
 * The allocation-free wrappers of liftFunction for 0 to 4 one-value params. Their rest array
 * does not escape, so V8 optimizes it away (the allocation test counts no scavenge).
 */
function fastLift(
  params: readonly Plan[],
  core: (...flat: Flat[]) => unknown,
  cx: Cx,
  label: string,
  finish: (ret: unknown) => unknown,
): ((...args: unknown[]) => unknown) | undefined {
  const state = cx.state;
  const enter = (): void => {
    if (!state.mayEnter) throw reentrance(label);
    state.mayEnter = false;
  };
  const [p0, p1, p2, p3] = params.map((p) => p.toCore as (cx: Cx, v: unknown) => Flat);
  switch (params.length) {
    case 0:
      return function lifted0(...args: unknown[]) {
        if (args.length !== 0) throw argCount(label, 0, args.length);
        enter();
        try {
          return finish(core());
        } catch (error) {
          throw toTrap(error);
        } finally {
          state.mayEnter = true;
        }
      };
    case 1: {
      const c0 = p0 as (cx: Cx, v: unknown) => Flat;
      return function lifted1(...args: unknown[]) {
        if (args.length !== 1) throw argCount(label, 1, args.length);
        enter();
        try {
          return finish(core(c0(cx, args[0])));
        } catch (error) {
          throw toTrap(error);
        } finally {
          state.mayEnter = true;
        }
      };
    }
    case 2: {
      const c0 = p0 as (cx: Cx, v: unknown) => Flat;
      const c1 = p1 as (cx: Cx, v: unknown) => Flat;
      return function lifted2(...args: unknown[]) {
        if (args.length !== 2) throw argCount(label, 2, args.length);
        enter();
        try {
          return finish(core(c0(cx, args[0]), c1(cx, args[1])));
        } catch (error) {
          throw toTrap(error);
        } finally {
          state.mayEnter = true;
        }
      };
    }
    case 3: {
      const c0 = p0 as (cx: Cx, v: unknown) => Flat;
      const c1 = p1 as (cx: Cx, v: unknown) => Flat;
      const c2 = p2 as (cx: Cx, v: unknown) => Flat;
      return function lifted3(...args: unknown[]) {
        if (args.length !== 3) throw argCount(label, 3, args.length);
        enter();
        try {
          return finish(core(c0(cx, args[0]), c1(cx, args[1]), c2(cx, args[2])));
        } catch (error) {
          throw toTrap(error);
        } finally {
          state.mayEnter = true;
        }
      };
    }
    case 4: {
      const c0 = p0 as (cx: Cx, v: unknown) => Flat;
      const c1 = p1 as (cx: Cx, v: unknown) => Flat;
      const c2 = p2 as (cx: Cx, v: unknown) => Flat;
      const c3 = p3 as (cx: Cx, v: unknown) => Flat;
      return function lifted4(...args: unknown[]) {
        if (args.length !== 4) throw argCount(label, 4, args.length);
        enter();
        try {
          return finish(core(c0(cx, args[0]), c1(cx, args[1]), c2(cx, args[2]), c3(cx, args[3])));
        } catch (error) {
          throw toTrap(error);
        } finally {
          state.mayEnter = true;
        }
      };
    }
    default:
      return undefined;
  }
}

/**
 * `lowerFunction`, built on the guest's first call of it: a component imports whole
 * interfaces, and a program calls few of their functions (a C hello world adapted with
 * jco's preview1 adapter lowers 18 and calls 6; the test suite's C program lowers 54 and
 * calls 8). Building the other plans took half of the hello world's instantiation. What
 * `lowerFunction` checks when built is checked here, at once (`LinkError` for missing
 * options); the function takes its flat parameters one by one, so no call allocates.
 */
export function lowerFunctionOnFirstCall(
  type: FuncType,
  callee: (...args: unknown[]) => unknown,
  ctx: CanonContext,
  label: string,
  options: { readonly transientBytes?: boolean } = {},
): (...flat: Flat[]) => unknown {
  checkOptions(type, ctx, 'lower', label);
  let lowered: ((...flat: Flat[]) => unknown) | undefined;
  const f = () => {
    lowered ??= lowerFunction(type, callee, ctx, label, options);
    return lowered;
  };
  switch (flattenFunc(type, 'lower').params.length) {
    case 0:
      return () => f()();
    case 1:
      return (a: Flat) => f()(a);
    case 2:
      return (a: Flat, b: Flat) => f()(a, b);
    case 3:
      return (a: Flat, b: Flat, c: Flat) => f()(a, b, c);
    case 4:
      return (a: Flat, b: Flat, c: Flat, d: Flat) => f()(a, b, c, d);
    case 5:
      return (a: Flat, b: Flat, c: Flat, d: Flat, e: Flat) => f()(a, b, c, d, e);
    case 6:
      return (a: Flat, b: Flat, c: Flat, d: Flat, e: Flat, g: Flat) => f()(a, b, c, d, e, g);
    default:
      return (...flat: Flat[]) => f()(...flat);
  }
}

/**
 * `canon lower`: the core function (a guest import) that calls the JS `callee` with the
 * component values the guest passes as flat core values of `type`, and lowers what it returns
 * (into the guest's out-pointer when the result does not fit flat, allocating strings and lists
 * with the guest's realloc). For a `result` return type the callee's return value is the ok
 * value and a thrown `ResultError` is err(payload); anything else it throws propagates.
 * Borrows the guest passes are lent for the call and returned when it returns.
 *
 * The guest gets `CanonicalAbiError` traps for what it passed (bad pointers, strings, chars,
 * discriminants, handles) and `ERR_CANON_REENTRANCE` when it calls out during realloc or
 * post-return; a callee result that does not fit the type throws `ArgumentError` naming `label`.
 * When built: `LinkError` `ERR_LINK` as for `liftFunction`.
 * `options.transientBytes`: the callee reads its `list<u8>` parameters only during the call,
 * so they are lifted as views of the guest's memory, not copies (see `TRANSIENT_BYTES`).
 */
export function lowerFunction(
  type: FuncType,
  callee: (...args: unknown[]) => unknown,
  ctx: CanonContext,
  label: string,
  options: { readonly transientBytes?: boolean } = {},
): (...flat: Flat[]) => unknown {
  checkOptions(type, ctx, 'lower', label);
  const cx = new Cx(ctx, label);
  const state = ctx.state;
  const params = type.params.map((p) => {
    const where = `${label} parameter "${p.name}"`;
    const plan = planOf(p.type, where);
    const isBytes = p.type.kind === 'list' && p.type.element.kind === 'u8' && p.type.length === undefined;
    return options.transientBytes === true && isBytes ? bytesViewPlan(plan, where) : plan;
  });
  const resultWhere = `${label} result`;
  const paramsWhere = `${label} parameters`;
  const result = type.result === undefined ? undefined : planOf(type.result, resultWhere);
  const flat = flattenFunc(type, 'lower');
  const hasBorrow = type.params.some((p) => containsBorrow(p.type));
  const isResult = type.result?.kind === 'result';
  const n = params.length;
  const flatAt: number[] = [];
  let at = 0;
  for (const p of params) {
    flatAt.push(at);
    at += p.flat.length;
  }
  const tuple = tupleLayout(params);
  // One array for every call: it is spread into the callee's parameters before the callee runs.
  const args = new Array<unknown>(n).fill(undefined);
  const leave = (): void => {
    if (!state.mayLeave) {
      throw new CanonicalAbiError(
        'ERR_CANON_REENTRANCE',
        `${label}: called while the component runs realloc or post-return, when it may not leave`,
      );
    }
  };
  const call = (args: unknown[]): unknown => {
    if (!isResult) return callWith(callee, args, n);
    try {
      return { tag: 'ok', val: callWith(callee, args, n) };
    } catch (error) {
      if (error instanceof ResultError) return { tag: 'err', val: error.payload };
      throw error;
    }
  };
  const lowerResult = (value: unknown, flatArgs: readonly Flat[]): unknown => {
    if (result === undefined) return undefined;
    if (flat.resultsInMemory) {
      const out = (flatArgs[flatArgs.length - 1] as number) >>> 0;
      cx.check(out, result.size, result.align, resultWhere);
      result.store(cx, value, out);
      return undefined;
    }
    if (result.toCore !== undefined) return result.toCore(cx, value);
    const one: Flat[] = [0];
    result.lowerFlat(cx, value, one, 0);
    return one[0];
  };

  const scalars = params.every((p) => p.fromCore !== undefined) && !flat.paramsInMemory && !hasBorrow;
  if (scalars && n <= 2 && !isResult && (result === undefined || result.toCore !== undefined)) {
    const [f0, f1] = params.map((p) => p.fromCore as (cx: Cx, x: Flat) => unknown);
    const toCore = result?.toCore;
    const done = (value: unknown): unknown => (toCore === undefined ? undefined : toCore(cx, value));
    if (n === 0) {
      return () => {
        leave();
        return done(callee());
      };
    }
    if (n === 1) {
      const g0 = f0 as (cx: Cx, x: Flat) => unknown;
      return (a: Flat) => {
        leave();
        return done(callee(g0(cx, a)));
      };
    }
    const g0 = f0 as (cx: Cx, x: Flat) => unknown;
    const g1 = f1 as (cx: Cx, x: Flat) => unknown;
    return ((a: Flat, b: Flat) => {
      leave();
      return done(callee(g0(cx, a), g1(cx, b)));
    }) as (...flat: Flat[]) => unknown;
  }

  return (...flatArgs: Flat[]): unknown => {
    leave();
    const saved = cx.lends;
    const lends: LendScope | undefined = hasBorrow ? { lent: [], isActive: true } : undefined;
    cx.lends = lends;
    let value: unknown;
    try {
      if (flat.paramsInMemory) {
        const ptr = (flatArgs[0] as number) >>> 0;
        cx.check(ptr, tuple.size, tuple.align, paramsWhere);
        for (let i = 0; i < n; i++) args[i] = (params[i] as Plan).load(cx, ptr + (tuple.offsets[i] as number));
      } else {
        for (let i = 0; i < n; i++) args[i] = (params[i] as Plan).liftFlat(cx, flatArgs, flatAt[i] as number);
      }
      value = call(args);
    } finally {
      if (lends !== undefined) {
        for (const entry of lends.lent) entry.lends--;
        lends.isActive = false;
      }
      cx.lends = saved;
    }
    return lowerResult(value, flatArgs);
  };
}
