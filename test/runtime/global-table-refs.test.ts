// Globals and tables of every reference type V8's JS API creates (issue 12, item 3):
// created from JS, read and written with the same rules and errors as call arguments.
// The GC types need a V8 with GC (Node 22+); on Node 20 creating one is our
// ERR_INVALID_OPTION saying which Node is needed.
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/runtime/errors.js';
import { Global, Instance, Table } from '../../src/runtime/index.js';
import { errorOf } from '../helpers/errors.js';
import { expr, field, I, module, name, refNull, section, struct, T, vec } from '../helpers/gc-binary.js';
import { hasGc, refCallsModule } from '../helpers/gc-modules.js';

type Fns = Record<string, (...args: unknown[]) => unknown>;

function argError(fn: () => unknown): ArgumentError {
  const e = errorOf(fn, ArgumentError);
  expect(e.code).toBe('ERR_ARG_TYPE');
  return e;
}

describe.skipIf(!hasGc)('GC reference globals and tables (needs GC: Node 22+)', () => {
  const e = () => new Instance<Fns>(refCallsModule()).exports;

  it('creates anyref, eqref, i31ref, structref and arrayref globals, default null', () => {
    for (const type of ['anyref', 'eqref', 'i31ref', 'structref', 'arrayref'] as const) {
      const g = new Global({ type, mutable: true });
      expect(g.value, type).toBe(null);
      expect(g.type).toBe(type);
    }
    const token = { any: 'thing' };
    expect(new Global({ type: 'anyref', mutable: true }, token).value).toBe(token);
    expect(new Global({ type: 'i31ref' }, -5).value).toBe(-5);
  });

  it('checks what is stored as a call argument is checked, with our errors', () => {
    const { mkpoint, mkarr } = e();
    const point = mkpoint?.(1);
    const eq = new Global({ type: 'eqref', mutable: true });
    eq.value = point;
    expect(eq.value).toBe(point);
    eq.value = 7;
    expect(eq.value).toBe(7);
    expect(argError(() => (eq.value = 'x')).message).toBe(
      'global (mut eqref): value is "x" (string), expected eqref (a Wasm struct or array, an integer in [-2^30, 2^30) or null)',
    );
    const i31 = new Global({ type: 'i31ref', mutable: true });
    expect(argError(() => (i31.value = 2 ** 30)).message).toContain('value is 1073741824 (number), expected i31ref');
    const structs = new Global({ type: 'structref', mutable: true }, point);
    expect(structs.value).toBe(point);
    // JS cannot tell an array from a struct: V8's TypeError, as our error.
    const error = argError(() => (structs.value = mkarr?.()));
    expect(error.message).toBe(
      'global (mut structref): value is an object (Object), expected structref (a Wasm struct or null)',
    );
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(() => new Global({ type: 'arrayref' }, 3)).toThrow(expect.objectContaining({ code: 'ERR_ARG_TYPE' }));
  });

  it('refuses types V8 cannot make a global of, listing those it can', () => {
    for (const type of ['nullref', 'exnref', '(ref null 0)']) {
      const error = errorOf(() => new Global({ type }), ArgumentError, type);
      expect(error.code).toBe('ERR_INVALID_OPTION');
      expect(error.message).toContain("'anyref', 'eqref', 'i31ref', 'structref', 'arrayref'");
    }
  });

  it('an exported global of a concrete type refuses a struct of another type, naming the type', () => {
    // (type $point (struct (field i32))) (type $other (struct (field i64)))
    // (global (export "g") (mut (ref null $point)) (ref.null $point))
    // (global (export "o") (ref null $other) (struct.new_default $other))
    const bytes = module(
      section(1, vec([struct(field(T.i32)), struct(field(T.i64))])),
      section(
        6,
        vec([
          [...refNull(0), 1, ...expr(I.refNull(0))],
          [...refNull(1), 0, ...expr(I.structNewDefault(1))],
        ]),
      ),
      section(
        7,
        vec([
          [...name('g'), 3, 0],
          [...name('o'), 3, 1],
        ]),
      ),
    );
    const exports = new Instance(bytes).exports as Record<string, Global>;
    const g = exports.g as Global;
    const other = (exports.o as Global).value;
    expect(typeof other).toBe('object');
    const error = argError(() => {
      g.value = other;
    });
    expect(error.message).toBe(
      'global (mut (ref null 0)): value is an object (Object), expected (ref null 0) (a Wasm struct of that type or null)',
    );
    g.value = null;
    expect(g.value).toBe(null);
  });

  it('creates anyref, i31ref and structref tables whose set and grow check values', () => {
    const any = new Table({ elementType: 'anyref', minimum: 1 });
    const token = {};
    any.set(0, token);
    expect(any.get(0)).toBe(token);
    expect(any.grow(2, 'init')).toBe(1);
    expect(any.get(2)).toBe('init');
    const i31 = new Table({ elementType: 'i31ref', minimum: 1, maximum: 4 });
    i31.set(0, 12);
    expect(i31.get(0)).toBe(12);
    expect(argError(() => i31.set(0, 1.5)).message).toBe(
      'table.set: i31ref table: value is 1.5 (number), expected i31ref (an integer in [-2^30, 2^30) or null)',
    );
    expect(argError(() => i31.grow(1, {})).message).toContain('table.grow: i31ref table: value is an object');
    const structs = new Table({ elementType: 'structref', minimum: 1 });
    const point = e().mkpoint?.(4);
    structs.set(0, point);
    expect(structs.get(0)).toBe(point);
    expect(argError(() => structs.set(0, 3)).message).toContain('expected structref (a Wasm struct or null)');
  });
});

it.runIf(!hasGc)('a GC global or table is our ERR_INVALID_OPTION naming the Node needed (this V8 has no GC)', () => {
  for (const make of [() => new Global({ type: 'anyref' }), () => new Table({ elementType: 'eqref', minimum: 1 })]) {
    const error = errorOf(make, ArgumentError);
    expect(error.code).toBe('ERR_INVALID_OPTION');
    expect(error.message).toMatch(/\(WebAssembly GC\) needs Node 22 or later \(this is Node 20\.\d+\.\d+, V8 11\.3/);
  }
});
