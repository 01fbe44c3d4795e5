import { describe, expect, it } from 'vitest';
import { ArgumentError, Global, Instance, Module, Table, Value } from '../../src/runtime/index.js';
import { expectCode } from '../helpers/errors.js';

type Fns = Record<string, (...args: unknown[]) => unknown>;

describe('Global', () => {
  it('creates globals of every numeric and reference type', () => {
    expect(new Global({ type: 'i32', mutable: true }, 42).value).toBe(42);
    expect(new Global({ type: 'i32' }).value).toBe(0);
    expect(new Global({ type: 'i64' }, 7).value).toBe(7n);
    expect(new Global({ type: 'f32' }, 1.1).value).toBe(Math.fround(1.1));
    expect(new Global({ type: 'f64' }, Value.f64(2.5)).value).toBe(2.5);
    const token = {};
    expect(new Global({ type: 'externref' }, token).value).toBe(token);
    expect(new Global({ type: 'funcref' }).value).toBeNull();
  });

  it('converts and checks values on set, and refuses immutable globals', () => {
    const g = new Global({ type: 'i32', mutable: true }, 0);
    g.value = 0xffffffff;
    expect(g.value).toBe(-1);
    g.value = Value.i32(3);
    expect(g.value).toBe(3);
    expect(() => {
      g.value = 'x';
    }).toThrow(expect.objectContaining({ code: 'ERR_ARG_TYPE', message: expect.stringMatching(/value is "x"/) }));
    expect(() => {
      g.value = 2 ** 32;
    }).toThrow(expect.objectContaining({ code: 'ERR_ARG_RANGE' }));
    const fixed = new Global({ type: 'f64' }, 1);
    expect(fixed.mutable).toBe(false);
    expect(() => {
      fixed.value = 2;
    }).toThrow(expect.objectContaining({ code: 'ERR_IMMUTABLE_GLOBAL' }));
    expect(fixed.value).toBe(1);
  });

  it('rejects bad descriptors and values', () => {
    expect(() => new Global({ type: 'i8' as 'i32' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => new Global(null as unknown as { type: 'i32' })).toThrow(ArgumentError);
    expect(() => new Global({ type: 'i32', mutable: 1 as unknown as boolean })).toThrow(ArgumentError);
    expect(() => new Global({ type: 'i64' }, 1.5)).toThrow(expect.objectContaining({ code: 'ERR_ARG_RANGE' }));
    expect(() => new Global({ type: 'funcref' }, 3)).toThrow(expect.objectContaining({ code: 'ERR_ARG_TYPE' }));
  });

  it('shares state with the Wasm global it wraps', async () => {
    const m = await Module.compile(`(module (global $g (export "g") (mut i64) (i64.const 1))
      (func (export "get") (result i64) global.get $g))`);
    const i = new Instance<Fns>(m);
    const g = (i.exports as unknown as { g: Global }).g;
    expect(g).toBeInstanceOf(Global);
    expect(g.type).toBe('i64');
    expect(g.mutable).toBe(true);
    g.value = -5n;
    expect(i.exports.get?.()).toBe(-5n);
  });
});

describe('Table', () => {
  const FUNCS = `(module
    (table $t (export "tab") 2 10 funcref)
    (func $one (export "one") (result i32) i32.const 1)
    (func $two (export "two") (result i32) i32.const 2)
    (elem (i32.const 0) $one)
    (type $r (func (result i32)))
    (func (export "callAt") (param i32) (result i32) local.get 0 call_indirect $t (type $r)))`;

  it('gets, sets and grows a table exported by a module', async () => {
    const i = new Instance<Fns>(await Module.compile(FUNCS));
    const tab = (i.exports as unknown as { tab: Table }).tab;
    expect(tab.length).toBe(2);
    expect(tab.maximum).toBe(10);
    expect((tab.get(0) as () => number)()).toBe(1);
    expect(tab.get(1)).toBeNull();
    tab.set(1, i.exports.two);
    expect(i.exports.callAt?.(1)).toBe(2);
    expect(tab.grow(3)).toBe(2);
    expect(tab.length).toBe(5);
    expect(tab.get(4)).toBeNull();
    tab.set(1, null);
    expect(() => i.exports.callAt?.(1)).toThrow(expect.objectContaining({ code: 'ERR_TRAP' }));
  });

  it('rejects bad indexes, values and growth', async () => {
    const i = new Instance<Fns>(await Module.compile(FUNCS));
    const tab = (i.exports as unknown as { tab: Table }).tab;
    const cases: [() => unknown, string][] = [
      [() => tab.get(2), 'ERR_ARG_RANGE'],
      [() => tab.get(-1), 'ERR_ARG_RANGE'],
      [() => tab.get('0' as unknown as number), 'ERR_ARG_TYPE'],
      [() => tab.set(0, 5), 'ERR_ARG_TYPE'],
      [() => tab.set(0, () => 1), 'ERR_ARG_TYPE'],
      [() => tab.grow(9), 'ERR_ARG_RANGE'],
      [() => tab.grow(-1), 'ERR_ARG_RANGE'],
    ];
    for (const [run, code] of cases) expectCode(run, ArgumentError, code);
  });

  it('creates funcref and externref tables for imports', () => {
    const t = new Table({ elementType: 'funcref', minimum: 1, maximum: 2 });
    expect(t.length).toBe(1);
    expect(t.elementType).toBe('funcref');
    const e = new Table({ elementType: 'externref', minimum: 2 });
    const token = { x: 1 };
    e.set(1, token);
    expect(e.get(1)).toBe(token);
    expect(e.maximum).toBeNull();
    for (const bad of [
      { elementType: 'anyfunc', minimum: 1 },
      { elementType: 'funcref', minimum: -1 },
      { elementType: 'funcref', minimum: 2, maximum: 1 },
      null,
    ]) {
      expect(() => new Table(bad as { elementType: 'funcref'; minimum: number })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
      );
    }
  });
});
