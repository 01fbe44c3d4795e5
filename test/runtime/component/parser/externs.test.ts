// The rules on the types of imports and exports (design/mvp/Binary.md "Import and Export
// Definitions" and "Type Definitions"): every resource a type uses must have been introduced
// by an earlier import (or, for an export, an earlier import or export), and a value may hold
// no borrow handle. Each component is written byte group by byte group (component-binary.ts).
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
  exportOf,
  externDecl,
  func,
  funcExtern,
  I32,
  idx,
  instanceExtern,
  instanceType,
  lift,
  own,
  record,
  resource,
  SECTION,
  SORT,
  section,
  subResource,
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
    expect(e.message).toContain('import "f" uses a resource that no earlier import introduces');
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
