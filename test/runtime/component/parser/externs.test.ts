// The rules on the types of imports and exports (design/mvp/Binary.md "Import and Export
// Definitions" and "Type Definitions"): every resource a type uses must have been introduced
// by an earlier import (or, for an export, an earlier import or export), and so must every
// record, variant, enum and flags type (wasm-tools: "func not valid to be used as export");
// a value may hold no borrow handle. Each component is written byte group by byte group (component-binary.ts).
import { describe, expect, it } from 'vitest';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
import { WasmParseError } from '../../../../src/runtime/errors.js';
import { errorOf } from '../../../helpers/errors.js';
import {
  aliasCoreExport,
  aliasOuter,
  type Bytes,
  borrow,
  component,
  componentType,
  coreInstantiate,
  coreModule,
  enumType,
  exportOf,
  externDecl,
  externName,
  func,
  funcExtern,
  I32,
  idx,
  instanceExtern,
  instanceType,
  lift,
  option,
  own,
  record,
  resource,
  SECTION,
  SORT,
  section,
  subResource,
  T,
  typeEq,
  u32,
  vec,
} from './component-binary.js';

const parseError = (bytes: Uint8Array): WasmParseError => errorOf(() => parseComponent(bytes), WasmParseError);
const valueExtern = (valType: Bytes): number[] => [0x02, 0x01, ...valType];

describe('resources used by an import or export must be introduced before it', () => {
  // A component defining resource 0 and a func "mk" returning own<0> (core func 0, lifted), then `exports`.
  const withMaker = (...exports: Bytes[]) =>
    component(
      coreModule({ funcs: [{ name: 'mk', params: [], results: [I32] }] }),
      section(SECTION.coreInstance, vec([coreInstantiate(0)])),
      section(SECTION.alias, vec([aliasCoreExport(SORT.coreFunc, 0, 'mk')])),
      section(SECTION.type, vec([resource(null), own(0), func([], idx(1))])),
      section(SECTION.canon, vec([lift(0, [], 2)])),
      section(SECTION.export, vec(exports)),
    );

  it('accepts an export of a function over a resource exported before it', () => {
    const ast = parseComponent(withMaker(exportOf('r', SORT.type, 0), exportOf('mk', SORT.func, 0)));
    expect(ast.type.exports.map((e) => e.name)).toEqual(['r', 'mk']);
  });

  it('refuses an export of a function over a resource not exported, or exported only after it', () => {
    for (const bytes of [
      withMaker(exportOf('mk', SORT.func, 0)),
      withMaker(exportOf('mk', SORT.func, 0), exportOf('r', SORT.type, 0)),
    ]) {
      const e = parseError(bytes);
      expect(e.code).toBe('ERR_INVALID');
      expect(e.message).toContain(
        'export "mk" uses a resource that no earlier import or export introduces: export the resource before it',
      );
    }
  });

  it('refuses an import of a function over a resource the component defines (imports may use only imports)', () => {
    const e = parseError(
      component(
        section(SECTION.type, vec([resource(null), own(0), record([['h', idx(1)]]), func([['x', idx(2)]], null)])),
        section(SECTION.import, vec([externDecl('f', funcExtern(3))])),
      ),
    );
    expect(e.code).toBe('ERR_INVALID');
    // The record holding the handle is the first unnamed type wasm-tools' one-layer check meets.
    expect(e.message).toContain('import "f": func not valid to be used as import: it uses a record');
  });

  it("refuses an instance import whose type uses a resource of the component's through an outer alias", () => {
    const iface = (first: Bytes) =>
      instanceType([
        [0x02, ...aliasOuter(SORT.type, 1, 0)],
        [0x01, ...own(0)],
        [0x01, ...func([['h', idx(1)]], null)],
        first,
      ]);
    const uses = iface([0x04, ...externDecl('f', funcExtern(2))]);
    const defined = parseError(
      component(
        section(SECTION.type, vec([resource(null), uses])),
        section(SECTION.import, vec([externDecl('i', instanceExtern(1))])),
      ),
    );
    expect(defined.code).toBe('ERR_INVALID');
    expect(defined.message).toContain('import "i" uses a resource that no earlier import introduces');
    // The same instance type over an imported resource is fine (as wasi:cli/stdout uses wasi:io's streams).
    const bytes = component(
      section(SECTION.import, vec([externDecl('r', subResource)])),
      section(SECTION.type, vec([uses])),
      section(SECTION.import, vec([externDecl('i', instanceExtern(1))])),
    );
    expect(parseComponent(bytes).type.imports.map((i) => i.name)).toEqual(['r', 'i']);
  });

  it('holds the exports of a component type to its own imports and exports, not to outer resources', () => {
    // (component (type (resource)) (type (component (alias outer 1 0) ... (export "mk" (func (result (own 0)))))))
    const ct = (decls: Bytes[]) => component(section(SECTION.type, vec([resource(null), componentType(decls)])));
    const e = parseError(
      ct([
        [0x02, ...aliasOuter(SORT.type, 1, 0)],
        [0x01, ...own(0)],
        [0x01, ...func([], idx(1))],
        [0x04, ...externDecl('mk', funcExtern(2))],
      ]),
    );
    expect(e.code).toBe('ERR_INVALID');
    expect(e.message).toContain('export "mk" uses a resource');
    expect(() =>
      parseComponent(
        ct([
          [0x03, ...externDecl('r', subResource)],
          [0x01, ...own(0)],
          [0x01, ...func([], idx(1))],
          [0x04, ...externDecl('mk', funcExtern(2))],
        ]),
      ),
    ).not.toThrow();
  });
});

describe('borrow handles only in function parameters', () => {
  it('refuses a value import or export holding a borrow, directly or in a record, and accepts own', () => {
    const types = section(SECTION.type, vec([borrow(0), record([['b', idx(1)]]), own(0)]));
    const imports = (t: number) =>
      component(
        section(SECTION.import, vec([externDecl('r', subResource)])),
        types,
        section(SECTION.import, vec([externDecl('v', valueExtern(idx(t)))])),
      );
    for (const t of [1, 2]) {
      const e = parseError(imports(t));
      expect(e.code).toBe('ERR_INVALID');
      expect(e.message).toContain('import "v": a value cannot contain a borrow handle');
    }
    expect(parseComponent(imports(3)).type.imports.map((i) => i.type.kind)).toEqual(['type', 'value']);
    // In a component type's exports and an instance type's, the same.
    const inType = componentType([
      [0x03, ...externDecl('r', subResource)],
      [0x01, ...borrow(0)],
      [0x04, ...externDecl('v', valueExtern(idx(1)))],
    ]);
    expect(parseError(component(section(SECTION.type, vec([inType])))).message).toContain(
      'export "v": a value cannot contain a borrow handle',
    );
    const inInstance = instanceType([
      [0x04, ...externDecl('r', subResource)],
      [0x01, ...borrow(0)],
      [0x04, ...externDecl('v', valueExtern(idx(1)))],
    ]);
    expect(parseError(component(section(SECTION.type, vec([inInstance])))).code).toBe('ERR_INVALID');
  });
});

describe('records, variants, enums and flags an import or export uses must be named by an earlier one', () => {
  /** A component whose core func 0 is `take` of `params`, then `rest`. */
  const withTake = (params: number[], ...rest: number[][]): Uint8Array =>
    component(
      coreModule({ funcs: [{ name: 'take', params, results: [] }] }),
      section(SECTION.coreInstance, vec([coreInstantiate(0)])),
      section(SECTION.alias, vec([aliasCoreExport(SORT.coreFunc, 0, 'take')])),
      ...rest,
    );
  const point = record([['x', [T.u32]]]);
  const types = (...defs: number[][]) => section(SECTION.type, vec(defs));
  const exports = (...defs: number[][]) => section(SECTION.export, vec(defs));
  const liftTake = (typeIndex: number) => section(SECTION.canon, vec([lift(0, [], typeIndex)]));

  it('accepts an exported function over the exported record, which carries the export name', () => {
    const bytes = withTake(
      [I32],
      types(point),
      exports(exportOf('point', SORT.type, 0)),
      // Type 1 is the export "point"; type 2 the function over it.
      types(func([['p', idx(1)]], null)),
      liftTake(2),
      exports(exportOf('take', SORT.func, 0)),
    );
    const take = parseComponent(bytes).type.exports[1]?.type;
    expect(take?.kind === 'func' && take.params[0]?.type).toMatchObject({ kind: 'record', name: 'point' });
  });

  it('refuses an exported function over the record definition rather than its export, at the export', () => {
    const last = exportOf('take', SORT.func, 0);
    const bytes = withTake(
      [I32],
      types(point),
      exports(exportOf('point', SORT.type, 0)),
      types(func([['p', idx(0)]], null)),
      liftTake(2),
      exports(last),
    );
    const e = parseError(bytes);
    expect(e.code).toBe('ERR_INVALID');
    expect(e.message).toContain(
      'export "take": func not valid to be used as export: it uses a record, which no earlier import or export names',
    );
    // The export's name, as for the other extern errors.
    expect(e.offset).toBe(bytes.length - last.length + 1);
  });

  it('refuses an enum reached through an option (an option needs no name, its members do)', () => {
    const bytes = withTake(
      [I32, I32],
      types(enumType(['a', 'b']), option(idx(0)), func([['o', idx(1)]], null)),
      liftTake(2),
      exports(exportOf('take', SORT.func, 0)),
    );
    expect(parseError(bytes).message).toContain('func not valid to be used as export: it uses an enum');
  });

  it('refuses an exported record whose field is a record no export names, and accepts it over the exported one', () => {
    const bad = component(types(point, record([['p', idx(0)]])), exports(exportOf('line', SORT.type, 1)));
    expect(parseError(bad).message).toContain('export "line": type not valid to be used as export: it uses a record');
    const good = component(
      types(point),
      exports(exportOf('point', SORT.type, 0)),
      types(record([['p', idx(1)]])),
      exports(exportOf('line', SORT.type, 2)),
    );
    expect(parseComponent(good).type.exports.map((e) => e.name)).toEqual(['point', 'line']);
  });

  it('holds imports to the imported types only, and lets exports use imported ones', () => {
    const bad = component(
      types(point, func([['p', idx(0)]], null)),
      section(SECTION.import, vec([externDecl('f', funcExtern(1))])),
    );
    expect(parseError(bad).message).toContain('import "f": func not valid to be used as import: it uses a record');
    const good = component(
      types(point),
      // Type 1 is the import "point".
      section(SECTION.import, vec([externDecl('point', typeEq(0))])),
      types(func([['p', idx(1)]], null)),
      section(SECTION.import, vec([externDecl('f', funcExtern(2))])),
      exports(exportOf('g', SORT.func, 0)),
    );
    expect(parseComponent(good).type.exports.map((e) => e.name)).toEqual(['g']);
  });

  it('accepts an inline instance whose function uses the type it exports beside it (wasm-tools does too)', () => {
    const inline = [
      0x01,
      ...vec([
        [...externName('point'), ...SORT.type, ...u32(0)],
        [...externName('take'), ...SORT.func, ...u32(0)],
      ]),
    ];
    const bytes = withTake(
      [I32],
      types(point, func([['p', idx(0)]], null)),
      liftTake(1),
      section(SECTION.instance, vec([inline])),
      exports(exportOf('x', SORT.instance, 0)),
    );
    expect(parseComponent(bytes).type.exports.map((e) => e.name)).toEqual(['x']);
  });
});
