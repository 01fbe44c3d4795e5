// The parse cache's form of a parsed component (src/runtime/component/parser/ast-codec.ts),
// V8's structured serialization through the native addon: what comes back must be the
// same graph as the parse, sharing included (a resource type is compared by identity),
// with its byte views on the component's own bytes, and a component made from it must
// run as one made from the parse. Every test needs the addon and says so.
import { describe, expect, it } from 'vitest';
import { Component, compileComponent } from '../../../../src/runtime/component/component.js';
import type { ComponentAst } from '../../../../src/runtime/component/parser/ast.js';
import { decodeAst, encodeAst, type StructuredSerializer } from '../../../../src/runtime/component/parser/ast-codec.js';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
import { nativeSerializer } from '../../../../src/runtime/engine/native.js';
import { componentFixture, componentFixtureNames } from './fixtures.js';

/**
 * Throws unless `b` is `a` again: the same shape and values, each object of `a` matched
 * to one object of `b` (shared in `a` means shared in `b`), views on `bytes` at the same place.
 */
function expectSameGraph(a: unknown, b: unknown, bytes: Uint8Array): void {
  const pairs = new Map<object, object>();
  const walk = (x: unknown, y: unknown, at: string): void => {
    if (typeof x !== 'object' || x === null) {
      if (!Object.is(x, y)) throw new Error(`${at}: ${String(x)} became ${String(y)}`);
      return;
    }
    if (typeof y !== 'object' || y === null) throw new Error(`${at}: an object became ${String(y)}`);
    const seen = pairs.get(x);
    if (seen !== undefined) {
      if (seen !== y) throw new Error(`${at}: a shared object came back as two`);
      return;
    }
    pairs.set(x, y);
    if (x instanceof Uint8Array) {
      if (!(y instanceof Uint8Array) || y.buffer !== bytes.buffer) throw new Error(`${at}: not a view of the bytes`);
      if (y.byteOffset !== x.byteOffset || y.byteLength !== x.byteLength) throw new Error(`${at}: another range`);
      return;
    }
    if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) throw new Error(`${at}: another kind of object`);
    if (x instanceof Map) {
      const ys = [...(y as Map<unknown, unknown>)];
      [...x].forEach(([k, v], i) => {
        walk(k, ys[i]?.[0], `${at}.key${i}`);
        walk(v, ys[i]?.[1], `${at}.get(${String(k)})`);
      });
      if (ys.length !== x.size) throw new Error(`${at}: ${x.size} entries became ${ys.length}`);
      return;
    }
    const keys = Object.keys(x);
    if (keys.join() !== Object.keys(y).join()) throw new Error(`${at}: keys ${keys} became ${Object.keys(y)}`);
    for (const key of keys)
      walk((x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key], `${at}.${key}`);
  };
  walk(a, b, 'ast');
  // Identity across the two graphs is not shared: nothing of `a` is in `b`.
  for (const [x, y] of pairs)
    if (x === y && !(x instanceof Uint8Array)) throw new Error('an object of the parse was reused');
}

/** The addon's V8 serializer; null without the addon. */
const V8: StructuredSerializer | null = nativeSerializer();
const v8 = V8 as StructuredSerializer;

const encode = (ast: ComponentAst, bytes: Uint8Array) => {
  const encoded = encodeAst(ast, bytes, v8);
  expect(encoded).not.toBeNull();
  return encoded as NonNullable<typeof encoded>;
};

const roundTrip = (ast: ComponentAst, bytes: Uint8Array): ComponentAst => {
  const { data, base } = encode(ast, bytes);
  return decodeAst(data, base, bytes, v8);
};

describe.skipIf(V8 === null)('encodeAst and decodeAst (need the native addon)', () => {
  it.each(componentFixtureNames().filter((n) => n !== 'bad-core'))('give back the parse of %s', (name) => {
    const bytes = componentFixture(name);
    const ast = parseComponent(bytes);
    expectSameGraph(ast, roundTrip(ast, bytes), bytes);
  });

  it('keep an object used twice one object (as a resource type must stay)', () => {
    const bytes = componentFixture('resources');
    const twice = { kind: 'resource' };
    const ast = { ...parseComponent(bytes), customSections: [twice, { again: twice }] } as unknown as ComponentAst;
    const copy = roundTrip(ast, bytes).customSections as unknown as [object, { again: object }];
    expect(copy[0]).not.toBe(twice);
    expect(copy[1].again).toBe(copy[0]);
  });

  it('keep values JSON has no form for: undefined, bigint, NaN, infinities, -0, Maps and Sets', () => {
    const bytes = componentFixture('add');
    const odd = {
      u: undefined,
      n: 2n ** 64n + 1n,
      nan: Number.NaN,
      inf: -Infinity,
      zero: -0,
      set: new Set([1, 'a']),
      map: new Map<unknown, unknown>([[{ k: 1 }, 'v']]),
    };
    const back = roundTrip({ ...parseComponent(bytes), customSections: [odd] } as unknown as ComponentAst, bytes);
    const got = (back.customSections as unknown as (typeof odd)[])[0] as typeof odd;
    expect('u' in got && got.u === undefined).toBe(true);
    expect(got.n).toBe(2n ** 64n + 1n);
    expect(got.nan).toBeNaN();
    expect(got.inf).toBe(-Infinity);
    expect(Object.is(got.zero, -0)).toBe(true);
    expect([...got.set]).toEqual([1, 'a']);
    expect([...got.map]).toEqual([[{ k: 1 }, 'v']]);
  });

  it('keep a key named __proto__ an own property, never the prototype', () => {
    const bytes = componentFixture('add');
    const ast = { ...parseComponent(bytes), customSections: [JSON.parse('{"__proto__": {"polluted": 1}}')] };
    const got = (roundTrip(ast, bytes).customSections as unknown as object[])[0] as object;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.keys(got)).toEqual(['__proto__']);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });

  it('throw V8’s Error for what cannot be written (a function, a symbol), copy bytes that are not the component’s', () => {
    const bytes = componentFixture('add');
    const ast = parseComponent(bytes);
    const withSection = (s: unknown) => ({ ...ast, customSections: [s] }) as unknown as ComponentAst;
    expect(() =>
      encodeAst(
        withSection(() => 1),
        bytes,
        v8,
      ),
    ).toThrow(Error);
    expect(() => encodeAst(withSection(Symbol('s')), bytes, v8)).toThrow(Error);
    const own = Uint8Array.of(1, 2, 3);
    const back = (roundTrip(withSection(own), bytes).customSections as unknown as Uint8Array[])[0];
    expect(back).toEqual(own);
    expect(back?.buffer).not.toBe(bytes.buffer);
  });

  it('write nothing for bytes far into a larger buffer, and read bytes put elsewhere than they were written at', () => {
    const bytes = componentFixture('add');
    const far = new Uint8Array(bytes.length + 200_000);
    far.set(bytes, 100_000);
    const farView = far.subarray(100_000, 100_000 + bytes.length);
    expect(encodeAst(parseComponent(farView), farView, v8)).toBeNull();
    const near = new Uint8Array(bytes.length + 50);
    near.set(bytes, 20);
    const nearView = near.subarray(20, 20 + bytes.length);
    const { data, base } = encode(parseComponent(nearView), nearView);
    expect(base).toBe(20);
    const back = decodeAst(data, base, new Uint8Array(bytes), v8);
    // Views of a buffer laid out as the one written against: the same contents.
    expect(back).toStrictEqual(parseComponent(new Uint8Array(bytes)));
  });

  it('throw on data that is not V8’s serialization of the parse of a component of these bytes’ size', () => {
    const bytes = componentFixture('add');
    const { data, base } = encode(parseComponent(bytes), bytes);
    const other = componentFixture('greet');
    const bad = [
      new Uint8Array(0),
      Uint8Array.of(0xff),
      Uint8Array.of(0xff, 0x0f, 0x30), // null
      v8.serializeValue({ definitions: 'no' }, new ArrayBuffer(0)),
      data.subarray(0, data.length >> 1),
      Uint8Array.from(data, (b, i) => (i === data.length >> 1 ? b ^ 0xff : b)),
    ];
    for (const d of bad) {
      let outcome: unknown = 'returned';
      try {
        decodeAst(d, base, bytes, v8);
      } catch (error) {
        outcome = error;
      }
      // A byte flipped mid-graph may still read as something; anything else is an Error.
      if (d.length === data.length) expect(outcome === 'returned' || outcome instanceof Error).toBe(true);
      else expect(outcome, `${d.length} bytes`).toBeInstanceOf(Error);
    }
    // The parse of another component: not of this size.
    expect(() => decodeAst(data, base, other, v8)).toThrow(/not the parse of a component of this size/);
    expect(() => decodeAst(data, -1, bytes, v8)).toThrow(/a component at -1/);
  });

  it('give a component that runs as the parsed one does', async () => {
    const bytes = componentFixture('add');
    const saved: { ast: ComponentAst | null } = { ast: null };
    const store = {
      load: () => null,
      save: (own: Uint8Array, ast: ComponentAst) => {
        saved.ast = roundTrip(ast, own);
      },
    };
    const first = await compileComponent(bytes, (w) => WebAssembly.compile(w), store);
    expect(saved.ast).not.toBeNull();
    let given: ComponentAst | null = null;
    const fromCache = await compileComponent(bytes, (w) => WebAssembly.compile(w), {
      load: (own) => {
        given = roundTrip(parseComponent(own), own);
        return given;
      },
      save: () => {
        throw new Error('a hit saves nothing');
      },
    });
    expect(fromCache.ast).toBe(given);
    const reference = new Component(bytes);
    for (const c of [first, fromCache]) {
      expect(c.imports).toEqual(reference.imports);
      expect(c.exports).toEqual(reference.exports);
    }
    const add = (c: Component) => (c.instantiate().exports as { add: (a: number, b: number) => number }).add(40, 2);
    expect(add(fromCache)).toBe(42);
    expect(add(reference)).toBe(42);
  });
});
