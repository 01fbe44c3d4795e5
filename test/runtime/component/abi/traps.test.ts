// The traps the canonical ABI requires, each from a guest that breaks one rule, and the
// ArgumentErrors for JS values that do not fit: typed, with a code, naming the function.
import { describe, expect, it } from 'vitest';
import { lowerFunctionOnFirstCall } from '../../../../src/runtime/component/abi/function.js';
import { ComponentState, liftFunction, lowerFunction } from '../../../../src/runtime/component/abi/index.js';
import type { StringEncoding } from '../../../../src/runtime/component/parser/ast.js';
import type { ValType } from '../../../../src/runtime/component/types.js';
import { ArgumentError, CanonicalAbiError, LinkError, Trap } from '../../../../src/runtime/errors.js';
import { expectCode } from '../../../helpers/errors.js';
import { funcType, guest } from './guest.js';

const p = (kind: string): ValType => ({ kind }) as ValType;

/**
 * A guest export `f` returning `(ptr, len)` through a return area (1024) for a string or list
 * result, with data at 256: lifting it as `type` is expected to trap with `code`.
 */
async function expectResultTrap(
  type: ValType,
  ptr: number,
  len: number,
  code: string,
  options: { data?: string; encoding?: StringEncoding } = {},
): Promise<CanonicalAbiError> {
  const g = await guest(`
    ${options.data === undefined ? '' : `(data (i32.const 256) "${options.data}")`}
    (func (export "f") (result i32)
      (i32.store (i32.const 1024) (i32.const ${ptr}))
      (i32.store (i32.const 1028) (i32.const ${len}))
      (i32.const 1024))`);
  const f = liftFunction(funcType([], type), g.exports.f as () => number, g.context(options), 'get-it');
  const error = expectCode(() => f(), CanonicalAbiError, code);
  expect(error).toBeInstanceOf(Trap);
  expect(error.message).toContain('get-it');
  return error;
}

/** A guest export `f` returning the i32 `value` as one flat value of `type`. */
async function expectFlatTrap(type: ValType, value: number, code: string): Promise<CanonicalAbiError> {
  const g = await guest(`(func (export "f") (result i32) (i32.const ${value}))`);
  const f = liftFunction(funcType([], type), g.exports.f as () => number, g.context(), 'get-it');
  return expectCode(() => f(), CanonicalAbiError, code);
}

describe('canonical ABI traps', () => {
  it('traps on invalid UTF-8 and UTF-16 and on strings out of bounds', async () => {
    await expectResultTrap(p('string'), 256, 2, 'ERR_CANON_STRING', { data: '\\ff\\fe' });
    await expectResultTrap(p('string'), 256, 2, 'ERR_CANON_STRING', { data: '\\c3' + '\\28' });
    await expectResultTrap(p('string'), 65530, 100, 'ERR_CANON_STRING');
    // A lone high surrogate in UTF-16.
    await expectResultTrap(p('string'), 256, 1, 'ERR_CANON_STRING', { data: '\\00\\d8', encoding: 'utf16' });
    await expectResultTrap(p('string'), 256, 0x80000001, 'ERR_CANON_STRING', {
      data: '\\00\\dc',
      encoding: 'latin1+utf16',
    });
  });

  it('traps on misaligned UTF-16 strings and lists', async () => {
    await expectResultTrap(p('string'), 257, 1, 'ERR_CANON_ALIGN', { encoding: 'utf16' });
    await expectResultTrap(p('string'), 257, 1, 'ERR_CANON_ALIGN', { encoding: 'latin1+utf16' });
    const error = await expectResultTrap({ kind: 'list', element: p('u32') }, 258, 1, 'ERR_CANON_ALIGN');
    expect(error.message).toContain('258');
  });

  it('traps on lists out of bounds and on lists and strings past the size limit', async () => {
    await expectResultTrap({ kind: 'list', element: p('u8') }, 65000, 1000, 'ERR_CANON_BOUNDS');
    await expectResultTrap({ kind: 'list', element: p('u32') }, 0, 2 ** 26, 'ERR_CANON_LIMIT');
    await expectResultTrap(p('string'), 0, 2 ** 28, 'ERR_CANON_LIMIT');
  });

  it('traps on a result pointer that is misaligned or out of bounds', async () => {
    const pair: ValType = { kind: 'tuple', types: [p('u32'), p('u32')] };
    await expectFlatTrap(pair, 1026, 'ERR_CANON_ALIGN');
    await expectFlatTrap(pair, 65536 - 4, 'ERR_CANON_BOUNDS');
  });

  it('traps on discriminants out of range', async () => {
    await expectFlatTrap({ kind: 'enum', names: ['a', 'b', 'c'] }, 3, 'ERR_CANON_DISCRIMINANT');
    const g = await guest(`
      (data (i32.const 256) "\\02")
      (func (export "f") (result i32) (i32.const 256))`);
    const opt: ValType = { kind: 'option', type: { kind: 'tuple', types: [p('u8'), p('u8')] } };
    const f = liftFunction(funcType([], opt), g.exports.f as () => number, g.context(), 'opt');
    expectCode(() => f(), CanonicalAbiError, 'ERR_CANON_DISCRIMINANT');
  });

  it('traps on a char that is a surrogate or past U+10FFFF', async () => {
    await expectFlatTrap(p('char'), 0xd800, 'ERR_CANON_CHAR');
    await expectFlatTrap(p('char'), 0x110000, 'ERR_CANON_CHAR');
    await expectFlatTrap(p('char'), -1, 'ERR_CANON_CHAR');
  });

  it('takes any nonzero bool as true and ignores flag bits past the labels', async () => {
    const g = await guest('(func (export "f") (result i32) (i32.const 0xff02))');
    const asBool = liftFunction(funcType([], p('bool')), g.exports.f as () => number, g.context(), 'b');
    expect(asBool()).toBe(true);
    const flags: ValType = { kind: 'flags', names: ['a', 'b'] };
    const asFlags = liftFunction(funcType([], flags), g.exports.f as () => number, g.context(), 'fl');
    expect(asFlags()).toEqual({ a: false, b: true });
  });

  it('traps when realloc returns a misaligned or out-of-bounds block', async () => {
    const bad = (ret: number) =>
      guest(`
        (func (export "bad_realloc") (param i32 i32 i32 i32) (result i32) (i32.const ${ret}))
        (func (export "f") (param i32 i32))`);
    for (const [ret, code] of [
      [3, 'ERR_CANON_ALIGN'],
      [65532, 'ERR_CANON_BOUNDS'],
    ] as const) {
      const g = await bad(ret);
      const ctx = { ...g.context(), realloc: g.exports.bad_realloc as (...a: number[]) => number };
      const f = liftFunction(
        funcType([{ kind: 'list', element: p('u32') }], undefined),
        g.exports.f as () => void,
        ctx,
        'f',
      );
      const error = expectCode(() => f([1, 2]), CanonicalAbiError, code);
      expect(error.message).toContain('realloc returned');
    }
  });

  it('turns a guest trap into a Trap and leaves the component callable', async () => {
    const g = await guest(`
      (func (export "f") (param i32) (result i32)
        (if (local.get 0) (then unreachable)) (i32.const 5))`);
    const f = liftFunction(funcType([p('bool')], p('u32')), g.exports.f as () => number, g.context(), 'f');
    const trap = expectCode(() => f(true), Trap, 'ERR_TRAP');
    expect(trap.reason).toContain('unreachable');
    expect(f(false)).toBe(5);
    const many = liftFunction(funcType([p('string')], p('u32')), g.exports.f as () => number, g.context(), 'm');
    expectCode(() => many('x'), Trap, 'ERR_TRAP');
  });

  it('traps when a host function re-enters the component', async () => {
    let lifted: ((...a: unknown[]) => unknown) | undefined;
    const g = await guest('(func (export "f") (result i32) (call $back))', {
      importDecls: '(import "host" "back" (func $back (result i32)))',
      imports: (context) => ({
        host: { back: lowerFunction(funcType([], p('u32')), () => lifted?.(), context(), 'back') },
      }),
    });
    lifted = liftFunction(funcType([], p('u32')), g.exports.f as () => number, g.context(), 'f');
    const error = expectCode(() => lifted?.(), CanonicalAbiError, 'ERR_CANON_REENTRANCE');
    expect(error.message).toContain('f:');
    // The flag is restored: a later call that does not re-enter works.
    lifted = liftFunction(funcType([], p('u32')), () => 7, g.context(), 'g');
    expect(lifted()).toBe(7);
  });

  it('traps when the guest calls out during post-return or realloc', async () => {
    const g = await guest(
      `(func (export "f") (result i32) (i32.const 1))
       (func (export "post") (param i32) (call $out))
       (func (export "bad_realloc") (param i32 i32 i32 i32) (result i32) (call $out) (i32.const ${4096}))
       (func (export "g") (param i32 i32))`,
      {
        importDecls: '(import "host" "out" (func $out))',
        imports: (context) => ({ host: { out: lowerFunction(funcType([], undefined), () => {}, context(), 'out') } }),
      },
    );
    const f = liftFunction(funcType([], p('u32')), g.exports.f as () => number, g.context({ postReturn: true }), 'f');
    expect(expectCode(() => f(), CanonicalAbiError, 'ERR_CANON_REENTRANCE').message).toContain('out');
    const ctx = { ...g.context(), realloc: g.exports.bad_realloc as (...a: number[]) => number };
    const takes = liftFunction(funcType([p('string')], undefined), g.exports.g as () => void, ctx, 'g');
    expectCode(() => takes('x'), CanonicalAbiError, 'ERR_CANON_REENTRANCE');
    expect(g.state.mayLeave).toBe(true);
  });
});

describe('arguments that do not fit', () => {
  async function bind(type: ValType) {
    const g = await guest('(func (export "f") (param i32) (result i32) (local.get 0))');
    return liftFunction(funcType([type], undefined), g.exports.f as () => number, g.context(), 'greet');
  }

  it('checks integer types and ranges, naming the function and the parameter', async () => {
    const u8 = await bind(p('u8'));
    const range = expectCode(() => u8(256), ArgumentError, 'ERR_ARG_RANGE');
    expect(range.message).toBe('greet parameter "p0" must be a u8 in [0, 255], got 256 (number)');
    expectCode(() => u8(-1), ArgumentError, 'ERR_ARG_RANGE');
    expectCode(() => u8(1.5), ArgumentError, 'ERR_ARG_TYPE');
    expectCode(() => u8('1'), ArgumentError, 'ERR_ARG_TYPE');
    expectCode(() => u8(1n), ArgumentError, 'ERR_ARG_TYPE');
    const s32 = await bind(p('s32'));
    expectCode(() => s32(2 ** 31), ArgumentError, 'ERR_ARG_RANGE');
    expect(() => s32(-(2 ** 31))).not.toThrow();
  });

  it('checks 64-bit integers, floats, bools and chars', async () => {
    const g = await guest('(func (export "f") (param i64))');
    const u64 = liftFunction(funcType([p('u64')], undefined), g.exports.f as () => void, g.context(), 'big');
    expectCode(() => u64(-1n), ArgumentError, 'ERR_ARG_RANGE');
    expectCode(() => u64(2n ** 64n), ArgumentError, 'ERR_ARG_RANGE');
    expectCode(() => u64(2 ** 60), ArgumentError, 'ERR_ARG_TYPE');
    const bool = await bind(p('bool'));
    expectCode(() => bool(1), ArgumentError, 'ERR_ARG_TYPE');
    const g2 = await guest('(func (export "f") (param f32))');
    const f32 = liftFunction(funcType([p('f32')], undefined), g2.exports.f as () => void, g2.context(), 'fl');
    expectCode(() => f32('1'), ArgumentError, 'ERR_ARG_TYPE');
    const char = await bind(p('char'));
    expectCode(() => char('ab'), ArgumentError, 'ERR_ARG_TYPE');
    expectCode(() => char(''), ArgumentError, 'ERR_ARG_TYPE');
    expectCode(() => char('\ud800'), ArgumentError, 'ERR_ARG_RANGE');
    expect(() => char('\u{1F600}')).not.toThrow();
  });

  it('checks enums, variants, records, tuples, lists, flags and the argument count', async () => {
    const color = await bind({ kind: 'enum', names: ['red', 'green'] });
    expect(expectCode(() => color('blue'), ArgumentError, 'ERR_ARG_TYPE').message).toContain("one of 'red', 'green'");
    const g = await guest('(func (export "f") (param i32 i32))');
    const rec = liftFunction(
      funcType([{ kind: 'record', fields: [{ name: 'first-name', type: p('string') }] }], undefined),
      g.exports.f as () => void,
      g.context(),
      'person',
    );
    const missing = expectCode(() => rec({ first_name: 'x' }), ArgumentError, 'ERR_ARG_TYPE');
    expect(missing.message).toBe('person parameter "p0" field "first-name" must be a string, got undefined');
    expectCode(() => rec(null), ArgumentError, 'ERR_ARG_TYPE');
    const list = liftFunction(
      funcType([{ kind: 'list', element: p('u8') }], undefined),
      g.exports.f as () => void,
      g.context(),
      'bytes',
    );
    expectCode(() => list('abc'), ArgumentError, 'ERR_ARG_TYPE');
    expectCode(() => list(new Uint16Array(1)), ArgumentError, 'ERR_ARG_TYPE');
    expectCode(() => list([1, 300]), ArgumentError, 'ERR_ARG_RANGE');
    const tuple = liftFunction(
      funcType([{ kind: 'tuple', types: [p('u32'), p('u32')] }], undefined),
      g.exports.f as () => void,
      g.context(),
      'pair',
    );
    expectCode(() => tuple([1]), ArgumentError, 'ERR_ARG_TYPE');
    const variant = await bind({ kind: 'variant', cases: [{ name: 'a', type: undefined }] });
    expectCode(() => variant({ tag: 'b' }), ArgumentError, 'ERR_ARG_TYPE');
    expectCode(() => variant('a'), ArgumentError, 'ERR_ARG_TYPE');
    const flags = await bind({ kind: 'flags', names: ['read'] });
    expectCode(() => flags({ read: 1 }), ArgumentError, 'ERR_ARG_TYPE');
    const count = expectCode(() => color('red', 'green'), ArgumentError, 'ERR_ARG_COUNT');
    expect(count.message).toBe('greet takes 1 argument(s), got 2');
    // Too few arguments are not taken for undefined ones, in the one-value wrappers too.
    const number = await bind(p('u32'));
    expectCode(() => number(), ArgumentError, 'ERR_ARG_COUNT');
    const opt = await bind({ kind: 'option', type: p('u32') });
    expectCode(() => opt(), ArgumentError, 'ERR_ARG_COUNT');
    expect(() => opt(undefined)).not.toThrow();
    expectCode(() => rec(), ArgumentError, 'ERR_ARG_COUNT');
  });

  it('checks what a host function returns, naming the import', async () => {
    const g = await guest('(func (export "f") (result i32) (call $get))', {
      importDecls: '(import "host" "get" (func $get (result i32)))',
      imports: (context) => ({ host: { get: lowerFunction(funcType([], p('u8')), () => 'x', context(), 'get-byte') } }),
    });
    const error = expectCode(() => (g.exports.f as () => number)(), ArgumentError, 'ERR_ARG_TYPE');
    expect(error.message).toContain('get-byte result');
  });
});

describe('binding', () => {
  it('lowerFunctionOnFirstCall refuses missing options at once, and lowers on the first call', () => {
    const state = new ComponentState();
    // A string result is lowered through the guest's realloc, into its memory.
    const missing = expectCode(
      () => lowerFunctionOnFirstCall(funcType([], p('string')), () => 'x', { stringEncoding: 'utf8', state }, 'name'),
      LinkError,
      'ERR_LINK',
    );
    expect(missing.message).toBe('name: canon lower of this function type needs the memory option, and none was given');
    const seen: unknown[][] = [];
    const add = lowerFunctionOnFirstCall(
      funcType([p('u32'), p('u64'), p('char')], p('u32')),
      (...args: unknown[]) => {
        seen.push(args);
        return 7;
      },
      { stringEncoding: 'utf8', state },
      'add',
    );
    // One parameter per flat value, as V8 passes them: no rest array to allocate.
    expect(add.length).toBe(3);
    expect(add(-1, 5n, 0x1f980)).toBe(7);
    expect(add(2, -1n, 0x61)).toBe(7);
    expect(seen).toEqual([
      [4294967295, 5n, '🦀'],
      [2, 18446744073709551615n, 'a'],
    ]);
    // What the plans check on a call, they check from the first one on.
    expectCode(() => add(0, 0n, 0xd800), CanonicalAbiError, 'ERR_CANON_CHAR');
  });

  it('refuses options that lack the memory or realloc the type needs, and async types', () => {
    const state = new ComponentState();
    const noop = () => 0;
    const takesString = funcType([p('string')], undefined);
    const noMemory = expectCode(
      () => liftFunction(takesString, noop, { stringEncoding: 'utf8', state }, 'greet'),
      LinkError,
      'ERR_LINK',
    );
    expect(noMemory.message).toBe(
      'greet: canon lift of this function type needs the memory option, and none was given',
    );
    const memory = () => new WebAssembly.Memory({ initial: 1 });
    const noRealloc = expectCode(
      () => liftFunction(takesString, noop, { stringEncoding: 'utf8', state, memory }, 'greet'),
      LinkError,
      'ERR_LINK',
    );
    expect(noRealloc.message).toContain('realloc');
    // Lowering a string param reads guest memory only: no realloc needed.
    expect(() => lowerFunction(takesString, noop, { stringEncoding: 'utf8', state, memory }, 'log')).not.toThrow();
    const stream: ValType = { kind: 'stream', element: p('u8') };
    expectCode(
      () => lowerFunction(funcType([stream], undefined), noop, { stringEncoding: 'utf8', state }, 's'),
      LinkError,
      'ERR_LINK',
    );
  });
});
