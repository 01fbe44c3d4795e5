// Functions over numbers and bools only get generated glue (abi/numeric.ts): its inline checks
// must accept exactly what the general glue accepts, and every other call must still get the
// general glue's typed errors. Each kind goes through a real guest that returns its argument.
import { describe, expect, it } from 'vitest';
import { liftFunction } from '../../../../src/runtime/component/abi/index.js';
import type { ValType } from '../../../../src/runtime/component/types.js';
import { ArgumentError, CanonicalAbiError, Trap } from '../../../../src/runtime/errors.js';
import { expectCode } from '../../../helpers/errors.js';
import { funcType, guest } from './guest.js';

const p = (kind: string): ValType => ({ kind }) as ValType;

const BODY = `
  (func (export "id32") (param i32) (result i32) (local.get 0))
  (func (export "id64") (param i64) (result i64) (local.get 0))
  (func (export "idf32") (param f32) (result f32) (local.get 0))
  (func (export "idf64") (param f64) (result f64) (local.get 0))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "boom") (param i32) (result i32) unreachable)
  (func (export "post") (param i32)
    (global.set $posts (i32.add (global.get $posts) (i32.const 1)))
    (global.set $lastPost (local.get 0)))
  (func (export "bad_post") (param i32) unreachable)`;

const CORE: Record<string, string> = { s64: 'id64', u64: 'id64', f32: 'idf32', f64: 'idf64' };

/** [kind, values passed back unchanged, [value, expected code] refused]. */
const CASES: [string, unknown[], [unknown, string][]][] = [
  [
    'bool',
    [true, false],
    [
      [1, 'ERR_ARG_TYPE'],
      ['true', 'ERR_ARG_TYPE'],
      [null, 'ERR_ARG_TYPE'],
    ],
  ],
  [
    'u8',
    [0, 7, 255],
    [
      [-1, 'ERR_ARG_RANGE'],
      [256, 'ERR_ARG_RANGE'],
      [1.5, 'ERR_ARG_TYPE'],
      ['1', 'ERR_ARG_TYPE'],
      [1n, 'ERR_ARG_TYPE'],
      [Number.NaN, 'ERR_ARG_TYPE'],
    ],
  ],
  [
    's8',
    [-128, 0, 127],
    [
      [128, 'ERR_ARG_RANGE'],
      [-129, 'ERR_ARG_RANGE'],
    ],
  ],
  [
    'u16',
    [0, 65535],
    [
      [65536, 'ERR_ARG_RANGE'],
      [-1, 'ERR_ARG_RANGE'],
    ],
  ],
  [
    's16',
    [-32768, 32767],
    [
      [32768, 'ERR_ARG_RANGE'],
      [-32769, 'ERR_ARG_RANGE'],
    ],
  ],
  [
    'u32',
    [0, 1, 2 ** 31, 2 ** 32 - 1],
    [
      [-1, 'ERR_ARG_RANGE'],
      [2 ** 32, 'ERR_ARG_RANGE'],
      [0.5, 'ERR_ARG_TYPE'],
      [undefined, 'ERR_ARG_TYPE'],
    ],
  ],
  [
    's32',
    [-(2 ** 31), -1, 2 ** 31 - 1],
    [
      [2 ** 31, 'ERR_ARG_RANGE'],
      [Number.POSITIVE_INFINITY, 'ERR_ARG_TYPE'],
    ],
  ],
  [
    'u64',
    [0n, 2n ** 63n, 2n ** 64n - 1n],
    [
      [-1n, 'ERR_ARG_RANGE'],
      [2n ** 64n, 'ERR_ARG_RANGE'],
      [1.5, 'ERR_ARG_TYPE'],
      ['1', 'ERR_ARG_TYPE'],
    ],
  ],
  [
    's64',
    [-(2n ** 63n), -1n, 2n ** 63n - 1n],
    [
      [2n ** 63n, 'ERR_ARG_RANGE'],
      [-(2n ** 63n) - 1n, 'ERR_ARG_RANGE'],
    ],
  ],
  [
    'f32',
    [1.5, -0, Number.POSITIVE_INFINITY],
    [
      ['1', 'ERR_ARG_TYPE'],
      [1n, 'ERR_ARG_TYPE'],
    ],
  ],
  [
    'f64',
    [0.1, -0, Number.MAX_VALUE],
    [
      [null, 'ERR_ARG_TYPE'],
      [1n, 'ERR_ARG_TYPE'],
    ],
  ],
];

describe('the generated glue of numeric functions', () => {
  it.each(CASES)(
    'passes %s values back unchanged and refuses the others with the general typed errors',
    async (kind, good, bad) => {
      const g = await guest(BODY);
      const core = g.exports[CORE[kind] ?? 'id32'] as (x: never) => unknown;
      const id = liftFunction(funcType([p(kind)], p(kind)), core, g.context(), 'id');
      // The generated function names its parameters; the general glue takes a rest array.
      expect(id.length).toBe(1);
      for (const v of good) expect(Object.is(id(v), v), `${kind} ${String(v)}`).toBe(true);
      for (const [v, code] of bad) {
        const error = expectCode(() => id(v), ArgumentError, code, `${kind} ${String(v)}`);
        expect(error.message).toContain('id parameter "p0"');
      }
      // A safe-integer number is a valid 64-bit argument too (the general glue takes it).
      if (kind === 'u64' || kind === 's64') expect(id(5)).toBe(5n);
    },
  );

  it('keeps f32 to its width and NaN a NaN', async () => {
    const g = await guest(BODY);
    const f32 = liftFunction(funcType([p('f32')], p('f32')), g.exports.idf32 as never, g.context(), 'f');
    expect(f32(0.1)).toBe(Math.fround(0.1));
    expect(f32(Number.NaN)).toBeNaN();
  });

  it('lifts an i32 result to the width of its type', async () => {
    const g = await guest(BODY);
    const as = (result: string) =>
      liftFunction(funcType([p('u32')], p(result)), g.exports.id32 as never, g.context(), 'r');
    expect(as('u8')(0x1ff)).toBe(0xff);
    expect(as('s8')(0xff)).toBe(-1);
    expect(as('u16')(0x1ffff)).toBe(0xffff);
    expect(as('s16')(0xffff)).toBe(-1);
    expect(as('bool')(2)).toBe(true);
    expect(as('bool')(0)).toBe(false);
    expect(as('u32')(0xffffffff)).toBe(0xffffffff);
    expect(as('s32')(0xffffffff)).toBe(-1);
  });

  it('refuses a wrong argument count with ERR_ARG_COUNT', async () => {
    const g = await guest(BODY);
    const add = liftFunction(funcType([p('u32'), p('u32')], p('u32')), g.exports.add as never, g.context(), 'add');
    expect(add(40, 2)).toBe(42);
    expect(expectCode(() => add(1), ArgumentError, 'ERR_ARG_COUNT').message).toContain(
      'add takes 2 argument(s), got 1',
    );
    expect(expectCode(() => add(1, 2, 3), ArgumentError, 'ERR_ARG_COUNT').message).toContain('got 3');
  });

  it('refuses a call while the instance runs one, and recovers from a trap', async () => {
    const g = await guest(BODY);
    const add = liftFunction(funcType([p('u32'), p('u32')], p('u32')), g.exports.add as never, g.context(), 'add');
    g.state.mayEnter = false;
    expectCode(() => add(1, 2), CanonicalAbiError, 'ERR_CANON_REENTRANCE');
    g.state.mayEnter = true;
    const boom = liftFunction(funcType([p('u32')], p('u32')), g.exports.boom as never, g.context(), 'boom');
    expect(() => boom(1)).toThrow(Trap);
    expect(g.state.mayEnter).toBe(true);
    expect(add(1, 2)).toBe(3);
  });

  it('calls post-return once per call with the flat result, unable to leave meanwhile, and only when there is one', async () => {
    const g = await guest(BODY);
    const type = funcType([p('u32')], p('u32'));
    const plain = liftFunction(type, g.exports.id32 as never, g.context(), 'plain');
    expect(plain(9)).toBe(9);
    expect(g.global('posts')).toBe(0);
    const withPost = liftFunction(type, g.exports.id32 as never, g.context({ postReturn: true }), 'posted');
    expect(withPost(7)).toBe(7);
    expect(withPost(8)).toBe(8);
    expect(g.global('posts')).toBe(2);
    expect(g.global('lastPost')).toBe(8);
    expect(g.state.mayLeave).toBe(true);
    const seen: unknown[] = [];
    const watched = liftFunction(
      type,
      g.exports.id32 as never,
      { ...g.context(), postReturn: (x) => seen.push([x, g.state.mayLeave, g.state.mayEnter]) },
      'watched',
    );
    expect(watched(5)).toBe(5);
    expect(seen).toEqual([[5, false, false]]);
    const failing = liftFunction(
      type,
      g.exports.id32 as never,
      { ...g.context(), postReturn: g.exports.bad_post as never },
      'failing',
    );
    expect(() => failing(1)).toThrow(Trap);
    expect(g.state.mayLeave).toBe(true);
    expect(g.state.mayEnter).toBe(true);
  });
});
