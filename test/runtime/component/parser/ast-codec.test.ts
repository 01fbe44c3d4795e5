// The parse cache's text form of a parsed component (src/runtime/component/parser/ast-codec.ts):
// what comes back must be the same graph as the parse, sharing included (a resource
// type is compared by identity), with its byte views on the component's own bytes, and
// a component made from it must run as one made from the parse.
import { describe, expect, it } from 'vitest';
import { Component, compileComponent } from '../../../../src/runtime/component/component.js';
import type { ComponentAst } from '../../../../src/runtime/component/parser/ast.js';
import { decodeAst, encodeAst } from '../../../../src/runtime/component/parser/ast-codec.js';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
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

const roundTrip = (ast: ComponentAst, bytes: Uint8Array): ComponentAst => {
  const text = encodeAst(ast, bytes);
  expect(text).not.toBeNull();
  return decodeAst(text as string, bytes);
};

describe('encodeAst and decodeAst', () => {
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

  it('keep values JSON has no form for: undefined, bigint, NaN, infinities and -0', () => {
    const bytes = componentFixture('add');
    const odd = { u: undefined, n: 2n ** 64n + 1n, nan: Number.NaN, inf: -Infinity, zero: -0, set: new Set([1, 'a']) };
    const back = roundTrip({ ...parseComponent(bytes), customSections: [odd] } as unknown as ComponentAst, bytes);
    const got = (back.customSections as unknown as (typeof odd)[])[0] as typeof odd;
    expect('u' in got && got.u === undefined).toBe(true);
    expect(got.n).toBe(2n ** 64n + 1n);
    expect(got.nan).toBeNaN();
    expect(got.inf).toBe(-Infinity);
    expect(Object.is(got.zero, -0)).toBe(true);
    expect([...got.set]).toEqual([1, 'a']);
  });

  it('keep a key named __proto__ an own property, never the prototype', () => {
    const bytes = componentFixture('add');
    const text = encodeAst(
      { ...parseComponent(bytes), customSections: [JSON.parse('{"__proto__": {"polluted": 1}}')] },
      bytes,
    );
    const got = (decodeAst(text as string, bytes).customSections as unknown as object[])[0] as object;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.keys(got)).toEqual(['__proto__']);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });

  it('refuse what the text cannot hold: a function, an object of a class, bytes that are not the component’s', () => {
    const bytes = componentFixture('add');
    const ast = parseComponent(bytes);
    const withSection = (s: unknown) => ({ ...ast, customSections: [s] }) as unknown as ComponentAst;
    expect(
      encodeAst(
        withSection(() => 1),
        bytes,
      ),
    ).toBeNull();
    expect(encodeAst(withSection(new (class Point {})()), bytes)).toBeNull();
    expect(encodeAst(withSection(new Uint8Array(4)), bytes)).toBeNull();
    expect(encodeAst(withSection(Symbol('s')), bytes)).toBeNull();
  });

  it('throw on a text that is not one they wrote for these bytes', () => {
    const bytes = componentFixture('add');
    const text = encodeAst(parseComponent(bytes), bytes) as string;
    const other = componentFixture('greet');
    const bad = [
      '',
      'null',
      '[]',
      '{"a":1}',
      '[[]]',
      text.slice(0, text.length >> 1),
      '[[],["x"]]',
      '[[["k"]],[0]]',
      '[[["k"]],[1,0]]',
      '[[["k"]],[0,7]]',
      '[[["k"]],[0,["q","1"]]]',
      '[[["k"]],[0,["n"]]]',
      '[[[1]],[0,0]]',
      '[[],["b",0,100000000]]',
      '[[],["m",0]]',
    ];
    for (const t of bad) expect(() => decodeAst(t, bytes), t.slice(0, 40)).toThrow(Error);
    // The parse of another component: not of this size.
    expect(() => decodeAst(text, other)).toThrow(/not the parse of a component of this size/);
  });

  it('give a component that runs as the parsed one does', async () => {
    const bytes = componentFixture('add');
    const saved: { ast: ComponentAst | null } = { ast: null };
    const store = {
      load: () => null,
      save: (own: Uint8Array, ast: ComponentAst) => {
        saved.ast = decodeAst(encodeAst(ast, own) as string, own);
      },
    };
    const first = await compileComponent(bytes, (w) => WebAssembly.compile(w), store);
    expect(saved.ast).not.toBeNull();
    let given: ComponentAst | null = null;
    const fromCache = await compileComponent(bytes, (w) => WebAssembly.compile(w), {
      load: (own) => {
        given = decodeAst(encodeAst(parseComponent(own), own) as string, own);
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
