import { describe, expect, it } from 'vitest';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
import { WasmParseError } from '../../../../src/runtime/errors.js';
import { errorOf } from '../../../helpers/errors.js';
import {
  borrow,
  CORE_PREAMBLE,
  component,
  coreModule,
  externDecl,
  flags,
  func,
  funcExtern,
  idx,
  instanceType,
  list,
  nested,
  own,
  PREAMBLE,
  record,
  resource,
  result,
  SECTION,
  section,
  T,
  typeEq,
  u32,
  variant,
  vec,
} from './component-binary.js';

/** The WasmParseError parseComponent throws for `bytes`. */
const parseError = (bytes: Uint8Array): WasmParseError => errorOf(() => parseComponent(bytes), WasmParseError);

/** Offset of the first content byte of the first section (after id and a one-byte size). */
const FIRST_CONTENT = PREAMBLE.length + 2;

describe('the preamble', () => {
  it('accepts the empty component (preamble only)', () => {
    const ast = parseComponent(component());
    expect(ast.definitions).toEqual([]);
    expect(ast.type).toEqual({ kind: 'component', imports: [], exports: [] });
  });

  it('refuses bytes that are not Wasm, a core module, and other component versions', () => {
    expect(parseError(Uint8Array.of(0x00, 0x61, 0x73, 0x6e, 0x0d, 0, 1, 0))).toMatchObject({
      code: 'ERR_BAD_MAGIC',
      offset: 3,
    });
    const core = parseError(Uint8Array.from(CORE_PREAMBLE));
    expect(core).toMatchObject({ code: 'ERR_BAD_VERSION', offset: 4 });
    expect(core.message).toContain('core WebAssembly module');
    const future = parseError(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0e, 0, 1, 0));
    expect(future).toMatchObject({ code: 'ERR_BAD_VERSION', offset: 4 });
    expect(future.message).toContain('0e 00 01 00');
  });

  it('refuses a preamble cut short, at the first missing byte', () => {
    for (let n = 0; n < 8; n++) {
      expect(parseError(Uint8Array.from(PREAMBLE.slice(0, n))), `length ${n}`).toMatchObject({
        code: 'ERR_UNEXPECTED_EOF',
        offset: n,
      });
    }
  });
});

describe('sections', () => {
  it('refuses an unknown section id, naming it', () => {
    const e = parseError(component([13, 0]));
    expect(e).toMatchObject({ code: 'ERR_BAD_SECTION', offset: 8 });
    expect(e.message).toContain('13');
  });

  it('refuses a section larger than the bytes left', () => {
    expect(parseError(component([SECTION.type, 5, 0]))).toMatchObject({ code: 'ERR_SECTION_SIZE', offset: 9 });
  });

  it('refuses a section with bytes after its contents', () => {
    // A type section of one `bool` type, and a stray byte inside its size.
    const e = parseError(component(section(SECTION.type, [...vec([[T.bool]]), 0xff])));
    expect(e).toMatchObject({ code: 'ERR_SECTION_SIZE', offset: FIRST_CONTENT + 2 });
  });

  it('refuses a section whose contents run past its size, with the section named', () => {
    // A type section of size 2 claiming one record of one field, cut inside the record.
    const e = parseError(component([SECTION.type, 2, 1, 0x72], [0x01]));
    expect(e).toMatchObject({ code: 'ERR_UNEXPECTED_EOF' });
    expect(e.message).toContain('type section');
  });

  it('refuses an over-long LEB128 count', () => {
    const e = parseError(component(section(SECTION.type, [0x80, 0x80, 0x80, 0x80, 0x80, 0x00])));
    expect(e).toMatchObject({ code: 'ERR_BAD_LEB', offset: FIRST_CONTENT });
  });

  it('refuses value definitions (🪙), saying they are not supported', () => {
    const e = parseError(component(section(SECTION.value, vec([]))));
    expect(e).toMatchObject({ code: 'ERR_INVALID', offset: FIRST_CONTENT });
    expect(e.message).toContain('value definitions (🪙');
    expect(e.message).toContain('not supported');
  });

  it('refuses a component in a core module section, and a core module in a component section (sections out of place)', () => {
    const asModule = parseError(component(section(SECTION.coreModule, PREAMBLE)));
    expect(asModule).toMatchObject({ code: 'ERR_BAD_VERSION', offset: FIRST_CONTENT + 4 });
    expect(asModule.message).toMatch(/core module 0: .*component/);
    const asComponent = parseError(component(section(SECTION.component, CORE_PREAMBLE)));
    expect(asComponent).toMatchObject({ code: 'ERR_BAD_VERSION', offset: FIRST_CONTENT + 4 });
  });

  it("gives a nested core module's own errors with offsets in the outermost binary", () => {
    // A core module whose type section has an unknown form 0x55, nested one level down.
    const bad = section(SECTION.coreModule, [...CORE_PREAMBLE, ...section(1, vec([[0x55]]))]);
    const bytes = component(nested(bad));
    const e = parseError(bytes);
    expect(e.code).toBe('ERR_BAD_TYPE');
    expect(e.offset).toBe(bytes.indexOf(0x55));
    expect(e.message).toContain('core module 0');
  });

  it('nests components up to a limit, and refuses deeper ones with ERR_LIMIT instead of overflowing the stack', () => {
    let inner: number[] = [];
    for (let i = 0; i < 100; i++) inner = nested(inner);
    expect(() => parseComponent(component(inner))).not.toThrow();
    expect(parseError(component(nested(inner))).code).toBe('ERR_LIMIT');
  });
});

describe('types', () => {
  const types = (...defs: number[][]) => component(section(SECTION.type, vec(defs)));

  it('refuses an unknown type opcode at its offset', () => {
    const e = parseError(types([T.bool], [0x55]));
    expect(e).toMatchObject({ code: 'ERR_BAD_TYPE', offset: FIRST_CONTENT + 2 });
    expect(e.message).toContain('0x55');
  });

  it('refuses a type index past the type space, naming the space and its size', () => {
    const e = parseError(types([T.bool], list(idx(5))));
    expect(e).toMatchObject({ code: 'ERR_BAD_INDEX', offset: FIRST_CONTENT + 3 });
    expect(e.message).toContain('type index 5');
    expect(e.message).toContain('has 1');
  });

  it('refuses a value type that refers to a function type, and a handle to a non-resource', () => {
    expect(parseError(types(func([], null), list(idx(0))))).toMatchObject({ code: 'ERR_TYPE_MISMATCH' });
    expect(parseError(types([T.u32], own(0)))).toMatchObject({ code: 'ERR_TYPE_MISMATCH' });
  });

  it('refuses field, case and flag names that are not strongly-unique, and labels that are not kebab-case', () => {
    const dup = parseError(
      types(
        record([
          ['a-b', [T.u8]],
          ['A-B', [T.u8]],
        ]),
      ),
    );
    expect(dup.code).toBe('ERR_DUPLICATE_NAME');
    expect(dup.message).toContain('"A-B" clashes with "a-b"');
    expect(parseError(types(flags(['x', 'x']))).code).toBe('ERR_DUPLICATE_NAME');
    expect(
      parseError(
        types(
          func(
            [
              ['p', [T.u8]],
              ['p', [T.u8]],
            ],
            null,
          ),
        ),
      ).code,
    ).toBe('ERR_DUPLICATE_NAME');
    const bad = parseError(types(record([['not_kebab', [T.u8]]])));
    expect(bad).toMatchObject({ code: 'ERR_BAD_NAME', offset: FIRST_CONTENT + 3 });
  });

  it('refuses empty records, variants, tuples, flags and enums, and a fixed list of length 0', () => {
    for (const empty of [
      [0x72, 0],
      [0x71, 0],
      [0x6f, 0],
      [0x6e, 0],
      [0x6d, 0],
      [0x67, T.u8, 0],
    ]) {
      expect(parseError(types(empty)).code, String(empty)).toBe('ERR_INVALID');
    }
  });

  it('accepts 32 flags and refuses 33', () => {
    const labels = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`);
    expect(parseComponent(types(flags(labels(32)))).definitions).toHaveLength(1);
    expect(parseError(types(flags(labels(33)))).code).toBe('ERR_LIMIT');
  });

  it('refuses borrow in a function result, directly or nested', () => {
    const rsrc = resource(null);
    // Type 1 is borrow<0>; a func returning it.
    expect(parseError(types(rsrc, borrow(0), func([], idx(1)))).code).toBe('ERR_INVALID');
    // Type 1 borrow<0>, 2 list of it, 3 a func returning 2.
    const e = parseError(types(rsrc, borrow(0), list(idx(1)), func([], idx(2))));
    expect(e.code).toBe('ERR_INVALID');
    expect(e.message).toContain('borrow');
    // In a parameter it is fine.
    expect(() => parseComponent(types(rsrc, borrow(0), func([['b', idx(1)]], null)))).not.toThrow();
  });

  it('refuses a resource type defined inside an instance type', () => {
    const e = parseError(types(instanceType([[0x01, ...resource(null)]])));
    expect(e.code).toBe('ERR_INVALID');
    expect(e.message).toContain('resource type');
  });

  it('refuses a named result list (the old form 0x01 with names)', () => {
    expect(parseError(types([0x40, 0x00, 0x01, 0x01, ...u32(1), 0x61, T.u8])).code).toBe('ERR_BAD_VALUE');
  });

  it('refuses value types nested past the depth limit with ERR_LIMIT', () => {
    const defs: number[][] = [[T.u8]];
    for (let i = 0; i < 150; i++) defs.push(list(idx(i)));
    expect(parseError(types(...defs)).code).toBe('ERR_LIMIT');
  });

  it('refuses instance types nested in component types past the depth limit, instead of overflowing the stack', () => {
    // (component (type (instance (type (instance ... ))))) 20000 deep: each level is `0x42 1 0x01`.
    const levels = 20000;
    const bytes = [...Array(levels).fill([0x42, 0x01, 0x01]).flat(), 0x42, 0x00];
    const e = parseError(types(bytes));
    expect(e.code).toBe('ERR_LIMIT');
  });

  it('validates a deep type DAG whose members are shared in linear time (no exponential walk)', () => {
    // t0 = u8; t(i+1) = variant { a(t(i)), b(t(i)) }: 2^60 leaves if walked as a tree, 61 bytes in memory.
    const defs: number[][] = [[T.u8]];
    for (let i = 0; i < 60; i++)
      defs.push(
        variant([
          ['a', idx(i)],
          ['b', idx(i)],
        ]),
      );
    defs.push(func([['x', idx(60)]], idx(60)));
    const start = performance.now();
    const ast = parseComponent(types(...defs));
    expect(ast.definitions).toHaveLength(62);
    expect(performance.now() - start).toBeLessThan(2000);
    // The same sharing through tuples doubles the size at each level: refused by the size limit, as quickly.
    const tuples: number[][] = [[T.u8]];
    for (let i = 0; i < 60; i++) tuples.push([0x6f, ...vec([idx(i), idx(i)])]);
    expect(parseError(types(...tuples)).code).toBe('ERR_LIMIT');
  });

  it('reads async functions, streams, futures, maps, error-context and fixed lists', () => {
    const ast = parseComponent(
      types(
        [T.errorContext],
        [0x66, 0x01, T.u8],
        [0x65, 0x00],
        [0x63, T.string, T.u32],
        [0x67, T.u8, ...u32(4)],
        func([], null, true),
      ),
    );
    expect(ast.definitions.map((d) => (d.kind === 'type' ? d.type : null))).toEqual([
      { kind: 'error-context' },
      { kind: 'stream', element: { kind: 'u8' } },
      { kind: 'future', element: undefined },
      { kind: 'map', key: { kind: 'string' }, value: { kind: 'u32' } },
      { kind: 'list', element: { kind: 'u8' }, length: 4 },
      { kind: 'func', params: [], result: undefined, isAsync: true },
    ]);
  });

  it('refuses a map key that is not a key type, and a stream of borrows', () => {
    expect(parseError(types([0x63, T.f32, T.u8])).code).toBe('ERR_TYPE_MISMATCH');
    expect(parseError(types(resource(null), borrow(0), [0x66, 0x01, 1])).code).toBe('ERR_INVALID');
  });

  it('reads results with every combination of ok and error', () => {
    const ast = parseComponent(types(result(null, null), result([T.u8], null), result(null, [T.string])));
    expect(ast.definitions.map((d) => (d.kind === 'type' ? d.type : null))).toEqual([
      { kind: 'result', ok: undefined, err: undefined },
      { kind: 'result', ok: { kind: 'u8' }, err: undefined },
      { kind: 'result', ok: undefined, err: { kind: 'string' } },
    ]);
  });
});

describe('imports and exports', () => {
  it('refuses two imports whose names are not strongly-unique', () => {
    // Import 0 is resource "a" (type 0); type 1 own<a>, 2 borrow<a>; 3 () -> own<a>, 4 (self: borrow<a>) -> ().
    const types = section(SECTION.type, vec([own(0), borrow(0), func([], idx(1)), func([['self', idx(2)]], null)]));
    const imports = (a: [string, number], b: [string, number]) =>
      component(
        section(SECTION.import, vec([externDecl('a', [0x03, 0x01])])),
        types,
        section(SECTION.import, vec([externDecl(a[0], funcExtern(a[1])), externDecl(b[0], funcExtern(b[1]))])),
      );
    expect(parseError(imports(['run', 3], ['run', 3])).code).toBe('ERR_DUPLICATE_NAME');
    expect(parseError(imports(['get-JSON', 3], ['get-json', 3])).code).toBe('ERR_DUPLICATE_NAME');
    expect(parseError(imports(['[method]a.b', 4], ['[static]a.b', 3])).code).toBe('ERR_DUPLICATE_NAME');
    expect(parseError(imports(['x', 3], ['[method]a.a', 4])).code).toBe('ERR_DUPLICATE_NAME');
    expect(() => parseComponent(imports(['[constructor]a', 3], ['[static]a.b', 3]))).not.toThrow();
  });

  it('checks [constructor], [method] and [static] names against the resource they name', () => {
    // Import 0 is resource "r"; type 1 own<r>, 2 borrow<r>, 3 result<own<r>, u8>, 4 () -> own<r>,
    // 5 (self: borrow<r>) -> (), 6 () -> result<own<r>, u8>, 7 () -> u8, 8 (this: borrow<r>) -> ().
    const types = section(
      SECTION.type,
      vec([
        own(0),
        borrow(0),
        [0x6a, 0x01, 1, 0x01, T.u8],
        func([], idx(1)),
        func([['self', idx(2)]], null),
        func([], idx(3)),
        func([], [T.u8]),
        func([['this', idx(2)]], null),
      ]),
    );
    const imp = (name: string, type: number) =>
      component(
        section(SECTION.import, vec([externDecl('r', [0x03, 0x01])])),
        types,
        section(SECTION.import, vec([externDecl(name, funcExtern(type))])),
      );
    for (const [name, type] of [
      ['[constructor]r', 4],
      ['[constructor]r', 6],
      ['[method]r.m', 5],
      ['[static]r.s', 7],
    ] as const) {
      expect(() => parseComponent(imp(name, type)), name).not.toThrow();
    }
    const noResource = parseError(imp('[method]q.m', 5));
    expect(noResource.code).toBe('ERR_BAD_NAME');
    expect(noResource.message).toContain('no resource "q" is imported before it');
    expect(parseError(imp('[constructor]r', 7)).message).toContain(
      'a constructor must return own<r> or result<own<r>, E>',
    );
    expect(parseError(imp('[method]r.m', 8)).message).toContain("a method's first parameter must be self: borrow<r>");
    const notFunc = component(
      section(SECTION.import, vec([externDecl('r', [0x03, 0x01]), externDecl('[static]r.t', [0x03, 0x01])])),
    );
    expect(parseError(notFunc).code).toBe('ERR_TYPE_MISMATCH');
  });

  it('refuses an import name that is not a valid extern name, saying what is', () => {
    const fn = section(SECTION.type, vec([func([], null)]));
    const e = parseError(component(fn, section(SECTION.import, vec([externDecl('my_func', funcExtern(0))]))));
    expect(e.code).toBe('ERR_BAD_NAME');
    expect(e.offset).toBe(PREAMBLE.length + fn.length + 4);
    expect(e.message).toContain('kebab-case');
  });

  it('refuses an import whose type index is the wrong kind of type', () => {
    const e = parseError(
      component(section(SECTION.type, vec([[T.u8]])), section(SECTION.import, vec([externDecl('f', funcExtern(0))]))),
    );
    expect(e.code).toBe('ERR_TYPE_MISMATCH');
    expect(e.message).toContain('func');
  });

  it('refuses an export of a core function (only core modules can be exported)', () => {
    const bytes = component(
      coreModule({ funcs: [{ name: 'f', params: [], results: [] }] }),
      section(SECTION.coreInstance, vec([[0x00, 0x00, 0x00]])),
      section(SECTION.alias, vec([[0x00, 0x00, 0x01, 0x00, ...[1, 0x66]]])),
      section(SECTION.export, vec([[0x00, 1, 0x66, 0x00, 0x00, 0x00, 0x00]])),
    );
    expect(parseError(bytes).code).toBe('ERR_TYPE_MISMATCH');
  });

  it('refuses an export whose ascribed type does not match the item', () => {
    // type 0: () -> (), type 1: () -> u8; import "f" of type 0, exported as type 1.
    const bytes = component(
      section(SECTION.type, vec([func([], null), func([], [T.u8])])),
      section(SECTION.import, vec([externDecl('f', funcExtern(0))])),
      section(SECTION.export, vec([[0x00, 1, 0x67, 0x01, 0x00, 0x01, 0x01, 0x01]])),
    );
    const e = parseError(bytes);
    expect(e.code).toBe('ERR_TYPE_MISMATCH');
    expect(e.message).toContain('returns nothing');
  });

  it('reads nameattributes 0x02 with attributes and refuses an attribute given twice', () => {
    const fn = section(SECTION.type, vec([func([], null)]));
    const withAttrs = (attrs: number[][]) =>
      component(fn, section(SECTION.import, vec([[0x02, ...u32(1), 0x66, ...vec(attrs), ...funcExtern(0)]])));
    const ast = parseComponent(withAttrs([[0x01, ...u32(2), 0x2e, 0x33]]));
    expect(ast.type.imports.map((i) => i.name)).toEqual(['f']);
    expect(
      parseError(
        withAttrs([
          [0x02, 1, 0x61],
          [0x02, 1, 0x62],
        ]),
      ).code,
    ).toBe('ERR_INVALID');
  });

  it('types a (sub resource) import as a fresh abstract resource, and (eq i) as the named type', () => {
    const bytes = component(
      section(SECTION.type, vec([record([['x', [T.u8]]])])),
      section(
        SECTION.import,
        vec([externDecl('r', [0x03, 0x01]), externDecl('s', [0x03, 0x01]), externDecl('point', typeEq(0))]),
      ),
    );
    const [r, s, point] = parseComponent(bytes).type.imports.map((i) => (i.type.kind === 'type' ? i.type.type : null));
    expect(r).toEqual({ kind: 'resource', origin: 'abstract', name: 'r' });
    expect(s).toEqual({ kind: 'resource', origin: 'abstract', name: 's' });
    expect(r).not.toBe(s);
    expect(point).toEqual({ kind: 'record', fields: [{ name: 'x', type: { kind: 'u8' } }], name: 'point' });
  });
});
