// Every value type through a real core module both ways: JS -> liftFunction lowers into the
// guest -> the guest forwards the flat values to its import -> lowerFunction lifts them for the
// host (checked) -> the host's return is lowered into the guest -> lifted back to JS (checked).
import { describe, expect, it } from 'vitest';
import type { ValType } from '../../../../src/runtime/component/types.js';
import { ResultError } from '../../../../src/runtime/errors.js';
import { errorOf } from '../../../helpers/errors.js';
import { echo, funcType } from './guest.js';

const p = (kind: string): ValType => ({ kind }) as ValType;

/** Calls `echo(value)` for a `func(x: type) -> type`; returns what came back and what the host saw. */
async function roundTrip(type: ValType, value: unknown): Promise<{ back: unknown; seen: unknown }> {
  let seen: unknown;
  const { call } = await echo(funcType([type], type), (x) => {
    seen = x;
    return x;
  });
  return { back: call(value), seen };
}

async function expectRoundTrip(type: ValType, value: unknown, ...expectedArg: [unknown?]): Promise<void> {
  // The expected value, when given (undefined too), else the value itself.
  const expected = expectedArg.length > 0 ? expectedArg[0] : value;
  const { back, seen } = await roundTrip(type, value);
  expect(seen).toEqual(expected);
  expect(back).toEqual(expected);
}

describe('round trips through a guest', () => {
  it('carries bools and every integer width at its limits', async () => {
    await expectRoundTrip(p('bool'), true);
    await expectRoundTrip(p('bool'), false);
    const limits: [string, number[]][] = [
      ['u8', [0, 255]],
      ['s8', [-128, 127, -1]],
      ['u16', [0, 65535]],
      ['s16', [-32768, 32767]],
      ['u32', [0, 0xffffffff, 0x80000000]],
      ['s32', [-0x80000000, 0x7fffffff, -1]],
    ];
    for (const [kind, values] of limits) {
      for (const v of values) await expectRoundTrip(p(kind), v);
    }
    for (const v of [0n, 2n ** 64n - 1n, 2n ** 63n]) await expectRoundTrip(p('u64'), v);
    for (const v of [-(2n ** 63n), 2n ** 63n - 1n, -1n]) await expectRoundTrip(p('s64'), v);
    // A safe integer number is taken for a 64-bit type, and comes back a bigint.
    await expectRoundTrip(p('u64'), 42, 42n);
  });

  it('carries floats, with NaN canonical', async () => {
    await expectRoundTrip(p('f64'), Math.PI);
    await expectRoundTrip(p('f64'), -0);
    await expectRoundTrip(p('f32'), 1.5);
    await expectRoundTrip(p('f32'), Math.PI, Math.fround(Math.PI));
    await expectRoundTrip(p('f32'), Number.POSITIVE_INFINITY);
    const { back } = await roundTrip(p('f64'), Number.NaN);
    expect(back).toBeNaN();
  });

  it('carries chars, astral ones too', async () => {
    for (const c of ['a', 'é', '\u{1F600}', '\u{10FFFF}', '\0']) await expectRoundTrip(p('char'), c);
  });

  it('carries strings in each encoding', async () => {
    for (const encoding of ['utf8', 'utf16', 'latin1+utf16'] as const) {
      for (const s of ['', 'hello', 'café', 'ÿ Latin-1 only', 'snow ☃ and \u{1F600}', 'x'.repeat(10000)]) {
        let seen: unknown;
        const { call } = await echo(
          funcType([p('string')], p('string')),
          (x) => {
            seen = x;
            return x;
          },
          { encoding },
        );
        expect(call(s), `${encoding} ${s.slice(0, 10)}`).toBe(s);
        expect(seen).toBe(s);
      }
    }
  });

  it('carries lists of numbers as typed arrays, taking plain arrays too', async () => {
    await expectRoundTrip({ kind: 'list', element: p('u8') }, new Uint8Array([1, 2, 255]));
    await expectRoundTrip({ kind: 'list', element: p('u8') }, [1, 2, 3], new Uint8Array([1, 2, 3]));
    await expectRoundTrip({ kind: 'list', element: p('s16') }, new Int16Array([-1, 2, -32768]));
    await expectRoundTrip({ kind: 'list', element: p('u32') }, [7, 0xffffffff], new Uint32Array([7, 0xffffffff]));
    await expectRoundTrip({ kind: 'list', element: p('s64') }, new BigInt64Array([-5n, 5n]));
    await expectRoundTrip({ kind: 'list', element: p('u64') }, [1n], new BigUint64Array([1n]));
    await expectRoundTrip({ kind: 'list', element: p('f32') }, new Float32Array([1.5, -2]));
    await expectRoundTrip({ kind: 'list', element: p('f64') }, [0.1, 0.2], new Float64Array([0.1, 0.2]));
    await expectRoundTrip({ kind: 'list', element: p('u8') }, new Uint8Array(0));
    // A Buffer is a Uint8Array: it is taken as is.
    await expectRoundTrip({ kind: 'list', element: p('u8') }, Buffer.from('hi'), new Uint8Array([104, 105]));
  });

  it('carries lists of other types as arrays, nested ones too', async () => {
    await expectRoundTrip({ kind: 'list', element: p('bool') }, [true, false, true]);
    await expectRoundTrip({ kind: 'list', element: p('string') }, ['a', '', 'ünï']);
    await expectRoundTrip({ kind: 'list', element: p('char') }, ['x', '\u{1F600}']);
    await expectRoundTrip({ kind: 'list', element: { kind: 'list', element: p('string') } }, [['a', 'b'], [], ['c']]);
    await expectRoundTrip({ kind: 'list', element: p('u16'), length: 3 }, [1, 2, 3], new Uint16Array([1, 2, 3]));
    await expectRoundTrip({ kind: 'list', element: p('string'), length: 2 }, ['x', 'y']);
  });

  it('carries records with camelCase keys, and tuples', async () => {
    const person: ValType = {
      kind: 'record',
      fields: [
        { name: 'first-name', type: p('string') },
        { name: 'age', type: p('u8') },
        { name: 'score', type: p('f64') },
        { name: 'id', type: p('u64') },
      ],
    };
    await expectRoundTrip(person, { firstName: 'Ada', age: 36, score: 9.5, id: 1n });
    const small: ValType = {
      kind: 'record',
      fields: [
        { name: 'x', type: p('s32') },
        { name: 'y', type: p('s32') },
      ],
    };
    await expectRoundTrip(small, { x: -1, y: 2 });
    await expectRoundTrip({ kind: 'tuple', types: [p('u8'), p('string'), p('f32')] }, [1, 'two', 3]);
    await expectRoundTrip({ kind: 'tuple', types: [p('u32')] }, [5]);
  });

  it('carries variants, with and without payloads, through joined flat slots', async () => {
    const shape: ValType = {
      kind: 'variant',
      cases: [
        { name: 'circle', type: p('f32') },
        { name: 'square', type: p('u32') },
        { name: 'big-one', type: p('f64') },
        { name: 'named', type: p('string') },
        { name: 'empty', type: undefined },
      ],
    };
    await expectRoundTrip(shape, { tag: 'circle', val: 1.25 });
    await expectRoundTrip(shape, { tag: 'square', val: 0xfffffffe });
    await expectRoundTrip(shape, { tag: 'big-one', val: -1e300 });
    await expectRoundTrip(shape, { tag: 'named', val: 'n' });
    await expectRoundTrip(shape, { tag: 'empty' });
    // In a record, the variant is in memory (results past one flat value): the same values.
    const wrapped: ValType = { kind: 'tuple', types: [shape, p('u8')] };
    await expectRoundTrip(wrapped, [{ tag: 'big-one', val: 2.5 }, 7]);
    await expectRoundTrip(wrapped, [{ tag: 'circle', val: -0.5 }, 1]);
  });

  it('carries enums as their case names and flags as objects of booleans', async () => {
    const color: ValType = { kind: 'enum', names: ['red', 'green', 'light-blue'] };
    await expectRoundTrip(color, 'light-blue');
    await expectRoundTrip(color, 'red');
    const perms: ValType = { kind: 'flags', names: ['read', 'write', 'exec-now'] };
    await expectRoundTrip(perms, { read: true, execNow: true }, { read: true, write: false, execNow: true });
    await expectRoundTrip(perms, {}, { read: false, write: false, execNow: false });
    const many: ValType = { kind: 'flags', names: Array.from({ length: 32 }, (_, i) => `f${i}`) };
    const all = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`f${i}`, i % 3 === 0]));
    await expectRoundTrip(many, all);
  });

  it('carries options as value or undefined, nested ones tagged', async () => {
    const opt: ValType = { kind: 'option', type: p('u32') };
    await expectRoundTrip(opt, 5);
    await expectRoundTrip(opt, undefined);
    await expectRoundTrip(opt, null, undefined);
    await expectRoundTrip({ kind: 'option', type: p('string') }, 'some text');
    const nested: ValType = { kind: 'option', type: opt };
    await expectRoundTrip(nested, { tag: 'none' });
    await expectRoundTrip(nested, { tag: 'some', val: undefined });
    await expectRoundTrip(nested, { tag: 'some', val: 3 });
    // In a record, a missing option field is none.
    const rec: ValType = {
      kind: 'record',
      fields: [{ name: 'maybe-name', type: { kind: 'option', type: p('string') } }],
    };
    await expectRoundTrip(rec, {}, { maybeName: undefined });
  });

  it('carries results inside values as tagged objects', async () => {
    const res: ValType = { kind: 'result', ok: p('string'), err: p('u8') };
    const inList: ValType = { kind: 'list', element: res };
    await expectRoundTrip(inList, [
      { tag: 'ok', val: 'fine' },
      { tag: 'err', val: 3 },
    ]);
    const bare: ValType = { kind: 'result', ok: undefined, err: undefined };
    await expectRoundTrip({ kind: 'tuple', types: [bare, bare] }, [{ tag: 'ok' }, { tag: 'err' }]);
  });

  it('returns a result ok value and throws its err as a ResultError, from a host that throws one', async () => {
    const type: ValType = { kind: 'result', ok: p('string'), err: { kind: 'list', element: p('u8') } };
    const { call, guest } = await echo(funcType([p('u32')], type), (x) => {
      if (x === 0) throw new ResultError(new Uint8Array([1, 2]));
      if (x === 1) throw new RangeError('not a result');
      return `got ${x}`;
    });
    expect(call(5)).toBe('got 5');
    const error = errorOf(() => call(0), ResultError);
    expect(error.payload).toEqual(new Uint8Array([1, 2]));
    expect(error.code).toBe('ERR_RESULT');
    expect(() => call(1)).toThrow(RangeError);
    // The component is usable after the host's exception went through it.
    expect(call(2)).toBe('got 2');
    expect(guest.state.mayEnter).toBe(true);
    const bare: ValType = { kind: 'result', ok: undefined, err: undefined };
    const plain = await echo(funcType([p('bool')], bare), (fail) => {
      if (fail) throw new ResultError(undefined);
    });
    expect(plain.call(false)).toBeUndefined();
    expect(errorOf(() => plain.call(true), ResultError).payload).toBeUndefined();
  });

  it('calls post-return after each call that returned', async () => {
    const { call, guest } = await echo(funcType([p('string')], p('string')), (s) => s);
    call('a');
    call('b');
    expect(guest.global('posts')).toBe(2);
  });

  it('carries maps as Map objects', async () => {
    const m: ValType = { kind: 'map', key: p('string'), value: p('u32') };
    await expectRoundTrip(
      m,
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
    await expectRoundTrip(m, [['c', 3]], new Map([['c', 3]]));
  });

  it('passes more than 16 flat params through memory', async () => {
    const types = [...Array.from({ length: 15 }, () => p('u32')), p('string'), p('f64')];
    let seen: unknown[] = [];
    const { call } = await echo(funcType(types, p('u8')), (...args) => {
      seen = args;
      return 9;
    });
    const args = [...Array.from({ length: 15 }, (_, i) => i * 1000), 'seventeenth', 0.5];
    expect(call(...args)).toBe(9);
    expect(seen).toEqual(args);
  });
});
