/**
 * The glue of a lifted function whose parameters and result are all numbers or bools
 * (`add: func(a: u32, b: u32) -> u32`): the common case of a call, made as cheap as our core
 * `Instance`'s wrappers (../../convert.ts) by the same means. Its JS source is generated once
 * per signature from the parameter and result kinds alone (never a name or other text from the
 * binary), compiled with `new Function`, and cached; each function gets its own closure over
 * its core function and state. A call whose arguments pass the inline checks (a `u32` is a
 * number with `(a >>> 0) === a`) goes straight to the core function: no rest array, no
 * closure calls, no `finally`, post-return only when the function has one. Anything else (a
 * wrong count, type or range, a re-entrant call) takes the general glue, which throws the
 * same typed errors as every other function.
 */

import { toTrap } from '../../trap.js';
import type { FuncType, ValType } from '../types.js';
import type { ComponentState } from './state.js';

type NumericKind = 'bool' | 's8' | 'u8' | 's16' | 'u16' | 's32' | 'u32' | 's64' | 'u64' | 'f32' | 'f64';

/** The JS condition under which argument `a` is a valid value of `kind`, exactly as the general glue checks it. */
const CHECK: Readonly<Record<NumericKind, (a: string) => string>> = {
  bool: (a) => `typeof ${a} === 'boolean'`,
  u8: (a) => `typeof ${a} === 'number' && (${a} & 0xff) === ${a}`,
  s8: (a) => `typeof ${a} === 'number' && ((${a} << 24) >> 24) === ${a}`,
  u16: (a) => `typeof ${a} === 'number' && (${a} & 0xffff) === ${a}`,
  s16: (a) => `typeof ${a} === 'number' && ((${a} << 16) >> 16) === ${a}`,
  u32: (a) => `typeof ${a} === 'number' && (${a} >>> 0) === ${a}`,
  s32: (a) => `typeof ${a} === 'number' && (${a} | 0) === ${a}`,
  // asUintN/asIntN(64) are machine operations in TurboFan; a safe-integer number takes the general glue.
  u64: (a) => `typeof ${a} === 'bigint' && BigInt.asUintN(64, ${a}) === ${a}`,
  s64: (a) => `typeof ${a} === 'bigint' && BigInt.asIntN(64, ${a}) === ${a}`,
  f32: (a) => `typeof ${a} === 'number'`,
  f64: (a) => `typeof ${a} === 'number'`,
};

/** The core value of a checked argument `a`: V8 converts numbers and bigints itself. */
function toCore(kind: NumericKind, a: string): string {
  return kind === 'bool' ? `(${a} ? 1 : 0)` : a;
}

/** The component value of the core result `r` (as the general glue's `lift_flat`: wrapped to width, NaN canonical). */
function fromCore(kind: NumericKind, r: string): string {
  switch (kind) {
    case 'bool':
      return `${r} !== 0`;
    case 'u8':
      return `${r} & 0xff`;
    case 's8':
      return `(${r} << 24) >> 24`;
    case 'u16':
      return `${r} & 0xffff`;
    case 's16':
      return `(${r} << 16) >> 16`;
    case 'u32':
      return `${r} >>> 0`;
    case 's32':
      return `${r} | 0`;
    case 'u64':
      return `BigInt.asUintN(64, ${r})`;
    case 's64':
      return `BigInt.asIntN(64, ${r})`;
    case 'f32':
    case 'f64':
      return `${r} === ${r} ? ${r} : NaN`;
  }
}

/** `t`'s kind when it is one of CHECK's (a number or bool), else null: CHECK is the one list of them. */
function numericKind(t: ValType): NumericKind | null {
  return Object.hasOwn(CHECK, t.kind) ? (t.kind as NumericKind) : null;
}

/** The flat-parameter limit (CanonicalABI.md `MAX_FLAT_PARAMS`): each numeric parameter is one flat value. */
const MAX_PARAMS = 16;

type Lifted = (...args: unknown[]) => unknown;
type Factory = (
  state: ComponentState,
  core: unknown,
  post: unknown,
  slow: (count: number, ...args: unknown[]) => unknown,
  onError: (error: unknown) => unknown,
) => Lifted;

/** One compiled factory per signature (kinds and whether there is a post-return), shared by every function of it. */
const FACTORIES = new Map<string, Factory>();

function factoryFor(params: readonly NumericKind[], result: NumericKind | undefined, hasPost: boolean): Factory {
  const key = `${params.join(',')}->${result ?? ''}${hasPost ? '+post' : ''}`;
  const known = FACTORIES.get(key);
  if (known !== undefined) return known;
  const names = params.map((_, i) => `a${i}`);
  const checks = [
    `arguments.length === ${params.length}`,
    ...params.map((k, i) => CHECK[k](`a${i}`)),
    'state.mayEnter',
  ];
  const call = `core(${params.map((k, i) => toCore(k, `a${i}`)).join(', ')})`;
  // One try for the call and post-return: the result stays a local of the block, not a
  // variable live across it (an f64 result would otherwise be boxed). A throw from either
  // restores the flags; lifting a number cannot throw.
  const lines = ['state.mayEnter = false;', 'try {', `  const r = ${call};`];
  if (hasPost) {
    // The spec's post-return runs with the instance unable to leave (CanonicalABI.md "canon lift").
    lines.push(
      result === undefined ? '' : `  const v = ${fromCore(result, 'r')};`,
      '  state.mayLeave = false;',
      `  post(${result === undefined ? '' : 'r'});`,
      '  state.mayLeave = true;',
      '  state.mayEnter = true;',
      result === undefined ? '  return undefined;' : '  return v;',
    );
  } else {
    lines.push(
      '  state.mayEnter = true;',
      result === undefined ? '  return undefined;' : `  return ${fromCore(result, 'r')};`,
    );
  }
  lines.push('} catch (e) {', '  state.mayLeave = true;', '  state.mayEnter = true;', '  throw onError(e);', '}');
  // Only `arguments.length` is read: letting `arguments` escape would allocate it on every call.
  const source = `'use strict';
return function (${names.join(', ')}) {
  if (${checks.join(' && ')}) {
    ${lines.join('\n    ')}
  }
  return slow(${['arguments.length', ...names].join(', ')});
};`;
  const make = new Function('state', 'core', 'post', 'slow', 'onError', source) as Factory;
  FACTORIES.set(key, make);
  return make;
}

/**
 * The numeric glue of `type` over `core`, or undefined when `type` has a parameter or result
 * that is not a number or bool (or too many parameters). `general` is the glue of every other
 * call (it throws `ERR_ARG_COUNT`, `ERR_ARG_TYPE`, `ERR_ARG_RANGE`, `ERR_CANON_REENTRANCE`).
 */
export function numericLift(
  type: FuncType,
  core: unknown,
  state: ComponentState,
  postReturn: unknown,
  general: Lifted,
  argCount: (got: number) => Error,
): Lifted | undefined {
  if (type.params.length > MAX_PARAMS) return undefined;
  const params: NumericKind[] = [];
  for (const p of type.params) {
    const kind = numericKind(p.type);
    if (kind === null) return undefined;
    params.push(kind);
  }
  const result = type.result === undefined ? undefined : numericKind(type.result);
  if (result === null) return undefined;
  const n = params.length;
  const slow = (count: number, ...args: unknown[]): unknown => {
    if (count !== n) throw argCount(count);
    return general(...args);
  };
  return factoryFor(params, result, postReturn !== undefined)(state, core, postReturn, slow, toTrap);
}
