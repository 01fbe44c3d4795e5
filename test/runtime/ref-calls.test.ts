// Calls with arguments and results of every reference type (issue 12, item 3): what V8's
// JS API accepts passes, what it refuses is our ArgumentError ERR_ARG_TYPE naming the
// function, the argument and the type expected, before the call (or, for what only V8
// can check, a struct of another type, from V8's TypeError). Results come back as V8
// gives them. GC types need a V8 with GC (Node 22+): on Node 20 those tests are skipped
// by name; funcref and externref run everywhere.
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/runtime/errors.js';
import { Instance, Module } from '../../src/runtime/index.js';
import { Value } from '../../src/runtime/value.js';
import { errorOf } from '../helpers/errors.js';
import { exnrefModule, hasGc, REF_CALL_TYPES, refCallsModule } from '../helpers/gc-modules.js';

type Fn = (...args: unknown[]) => unknown;
type Fns = Record<string, Fn>;

const hasExnref = WebAssembly.validate(exnrefModule());

function argError(fn: () => unknown): ArgumentError {
  const e = errorOf(fn, ArgumentError);
  expect(e.code).toBe('ERR_ARG_TYPE');
  return e;
}

describe('funcref and externref', () => {
  it('externref takes any JS value and gives back the same one', async () => {
    const e = (
      await Module.compile('(module (func (export "id") (param externref) (result externref) local.get 0))')
    ).instantiate<Fns>().exports;
    const values = [null, undefined, 5, 2 ** 40, 'text', {}, [1], 7n, () => 1, Symbol('s')];
    for (const v of values) expect(e.id?.(v)).toBe(v);
  });

  it('funcref takes our exported function, V8 raw one, or null, and refuses a JS function by argument', async () => {
    const m = await Module.compile(`(module
      (func (export "seven") (result i32) i32.const 7)
      (func (export "id") (param $f funcref) (result funcref) local.get 0))`);
    const instance = m.instantiate<Fns>();
    const e = instance.exports;
    expect(e.id?.(null)).toBe(null);
    const raw = instance.raw.exports.seven as Fn;
    expect(e.id?.(e.seven)).toBe(raw);
    expect(e.id?.(raw)).toBe(raw);
    const error = argError(() => e.id?.(() => 7));
    expect(error.message).toBe(
      'id(f: funcref) -> funcref: argument 1 is a function, expected funcref (an exported Wasm function or null)',
    );
    expect(argError(() => e.id?.(7)).message).toContain('argument 1 is 7 (number), expected funcref');
    expect(argError(() => e.id?.(undefined)).message).toContain('argument 1 is undefined, expected funcref');
  });
});

describe.skipIf(!hasGc)('GC reference types (needs GC: Node 22+)', () => {
  const load = () => new Instance<Fns>(refCallsModule()).exports;

  it("passes every value V8's JS API accepts, and refuses the rest with our error before the call", () => {
    const e = load();
    const point = e.mkpoint?.(3);
    const other = e.mkother?.();
    const arr = e.mkarr?.();
    const nine = e.nine;
    const samples: Record<string, unknown> = {
      null: null,
      undefined,
      '5': 5,
      '2^30': 2 ** 30,
      '-2^30': -(2 ** 30),
      '1.5': 1.5,
      string: 's',
      object: {},
      'JS function': () => 1,
      'Wasm function': nine,
      point,
      other,
      arr,
    };
    // What V8 14.6 (Node 26) accepts for each type, measured with the raw JS API; anything
    // else must be refused.
    const accepts: Record<string, string[]> = {
      externref: Object.keys(samples),
      anyref: Object.keys(samples),
      '(ref extern)': Object.keys(samples).filter((k) => k !== 'null'),
      '(ref any)': Object.keys(samples).filter((k) => k !== 'null'),
      funcref: ['null', 'Wasm function'],
      '(ref func)': ['Wasm function'],
      '(ref null $nine)': ['null', 'Wasm function'],
      eqref: ['null', '5', '-2^30', 'point', 'other', 'arr'],
      i31ref: ['null', '5', '-2^30'],
      structref: ['null', 'point', 'other'],
      arrayref: ['null', 'arr'],
      nullref: ['null'],
      nullfuncref: ['null'],
      '(ref $point)': ['point'],
      '(ref null $point)': ['null', 'point'],
      '(ref null $arr)': ['null', 'arr'],
    };
    expect(Object.keys(accepts).sort()).toEqual(Object.keys(REF_CALL_TYPES).sort());
    for (const [type, ok] of Object.entries(accepts)) {
      const id = e[`id ${type}`] as Fn;
      for (const [what, v] of Object.entries(samples)) {
        const label = `${type} given ${what}`;
        if (ok.includes(what)) {
          // Functions come back as V8's raw function (ours unwrapped on the way in).
          const back = id(v);
          if (what === 'Wasm function') expect(typeof back, label).toBe('function');
          else expect(back, label).toBe(v);
        } else {
          const error = errorOf(() => id(v), ArgumentError, label);
          expect(error.code, label).toBe('ERR_ARG_TYPE');
          expect(error.message, label).toContain(`argument 1 is `);
          expect(error.message, label).toContain(`expected ${type} (`);
        }
      }
    }
  });

  it('results of GC types come back as V8 gives them: opaque objects, i31 as numbers', () => {
    const e = load();
    const point = e.mkpoint?.(42);
    expect(typeof point).toBe('object');
    expect(Object.getPrototypeOf(point)).toBe(null);
    expect(e.getx?.(point)).toBe(42);
    expect(e['id i31ref']?.(-7)).toBe(-7);
    expect(e['id eqref']?.(Value.i32(12))).toBe(12);
  });

  it('a null for a non-null type is refused by name, with the type spelled by its name', () => {
    const e = load();
    expect(argError(() => e['id (ref $point)']?.(null)).message).toBe(
      '"id (ref $point)"((ref $point)) -> (ref $point): argument 1 is null, expected (ref $point) (a Wasm struct of that type)',
    );
    expect(argError(() => e['id (ref func)']?.(null)).message).toContain(
      'argument 1 is null, expected (ref func) (an exported Wasm function)',
    );
  });

  it('an i31ref out of [-2^30, 2^30) or not an integer is refused', () => {
    const e = load();
    const id = e['id i31ref'] as Fn;
    expect(id(2 ** 30 - 1)).toBe(2 ** 30 - 1);
    for (const v of [2 ** 30, -(2 ** 30) - 1, 0.5, Number.NaN, 5n]) {
      expect(argError(() => id(v)).message).toContain('expected i31ref (an integer in [-2^30, 2^30) or null)');
    }
  });

  it("V8's TypeError for a struct of another type becomes our error naming the argument and its name", () => {
    const e = load();
    const other = e.mkother?.();
    const error = argError(() => e.getx?.(other));
    expect(error.message).toBe(
      'getx(p: (ref null $point)) -> i32: argument 1 is an object (Object), expected (ref null $point) (a Wasm struct of that type or null)',
    );
    expect(error.cause).toBeInstanceOf(TypeError);
    // A struct for an arrayref: JS cannot tell structs from arrays, V8 can.
    expect(argError(() => e['id arrayref']?.(other)).message).toContain(
      'argument 1 is an object (Object), expected arrayref',
    );
  });

  it('when V8 refuses one of several arguments it alone could check, the message lists them', () => {
    const e = load();
    const point = e.mkpoint?.(1);
    const other = e.mkother?.();
    expect(e.two?.(point, other)).toBe(undefined);
    const error = argError(() => e.two?.(other, point));
    expect(error.message).toMatch(
      /^two\(a: \(ref \$point\), b: \(ref \$other\)\): V8 refused one of these: argument 1 is/,
    );
    expect(error.message).toContain('argument 2 is an object (Object), expected (ref $other)');
  });
});

describe.skipIf(!hasExnref)('exnref (needs exnref: Node 24+)', () => {
  it('a function with exnref in its signature cannot be called from JS: our error, without running it', () => {
    const e = new Instance<Fns>(exnrefModule()).exports;
    expect(argError(() => e.take?.(null)).message).toBe(
      'take(exnref): exnref values cannot cross the JS/Wasm boundary, so this function cannot be called from JS (call it from Wasm)',
    );
    expect(argError(() => e.give?.()).message).toContain('give() -> exnref: exnref values cannot cross');
  });
});

it.runIf(!hasGc)('GC reference types are skipped: this V8 has no GC (Node 20)', () => {
  expect(WebAssembly.validate(refCallsModule())).toBe(false);
});
