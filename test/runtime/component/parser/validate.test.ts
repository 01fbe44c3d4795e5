import { describe, expect, it } from 'vitest';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
import { WasmParseError } from '../../../../src/runtime/errors.js';
import { errorOf } from '../../../helpers/errors.js';
import {
  aliasCoreExport,
  aliasExport,
  aliasOuter,
  component,
  componentType,
  coreInstantiate,
  coreModule,
  exportOf,
  externDecl,
  func,
  funcExtern,
  I32,
  I64,
  idx,
  instanceExtern,
  instanceType,
  instantiate,
  nested,
  record,
  resource,
  SECTION,
  SORT,
  section,
  T,
  vec,
} from './component-binary.js';

const parseError = (bytes: Uint8Array): WasmParseError => errorOf(() => parseComponent(bytes), WasmParseError);

describe('aliases', () => {
  // An imported instance exporting func "f" (type 0 in the instance type) and type "t".
  const imported = [
    section(
      SECTION.type,
      vec([
        instanceType([
          [0x01, ...func([], null)],
          [0x04, ...externDecl('f', funcExtern(0))],
          [0x04, ...externDecl('t', [0x03, 0x01])],
        ]),
      ]),
    ),
    section(SECTION.import, vec([externDecl('i', instanceExtern(0))])),
  ];

  it('aliases an export of an instance into its sort, typed by the instance type', () => {
    const ast = parseComponent(
      component(
        ...imported,
        section(SECTION.alias, vec([aliasExport(SORT.func, 0, 'f'), aliasExport(SORT.type, 0, 't')])),
      ),
    );
    expect(ast.definitions.slice(2).map((d) => d.kind === 'alias' && [d.sort.kind, d.target])).toEqual([
      ['func', { kind: 'export', instance: 0, name: 'f' }],
      ['type', { kind: 'export', instance: 0, name: 't' }],
    ]);
  });

  it('refuses an alias of a name the instance does not export, listing what it does', () => {
    const e = parseError(component(...imported, section(SECTION.alias, vec([aliasExport(SORT.func, 0, 'g')]))));
    expect(e.code).toBe('ERR_BAD_INDEX');
    expect(e.message).toContain('instance 0 has no export "g" (exports: f, t)');
  });

  it("refuses an alias whose sort is not the export's", () => {
    const e = parseError(component(...imported, section(SECTION.alias, vec([aliasExport(SORT.instance, 0, 'f')]))));
    expect(e.code).toBe('ERR_TYPE_MISMATCH');
    expect(e.message).toContain('is a func, but the alias says instance');
  });

  it('refuses an alias of an instance that does not exist', () => {
    const e = parseError(component(section(SECTION.alias, vec([aliasExport(SORT.func, 3, 'f')]))));
    expect(e.code).toBe('ERR_BAD_INDEX');
    expect(e.message).toContain('instance index 3 is out of range: the instance index space is empty');
  });

  it('refuses a core export alias of the wrong kind', () => {
    const bytes = component(
      coreModule({ funcs: [{ name: 'f', params: [], results: [] }], memory: true }),
      section(SECTION.coreInstance, vec([coreInstantiate(0)])),
      section(SECTION.alias, vec([aliasCoreExport(SORT.coreMemory, 0, 'f')])),
    );
    expect(parseError(bytes).message).toContain(
      'export "f" of core instance 0 is a func, but the alias says core memory',
    );
  });

  it('refuses an outer alias that reaches past the outermost component, or past the outer space', () => {
    expect(parseError(component(section(SECTION.alias, vec([aliasOuter(SORT.type, 1, 0)])))).code).toBe(
      'ERR_BAD_INDEX',
    );
    const e = parseError(
      component(
        section(SECTION.type, vec([[T.u8]])),
        nested(section(SECTION.alias, vec([aliasOuter(SORT.type, 1, 4)]))),
      ),
    );
    expect(e.code).toBe('ERR_BAD_INDEX');
    expect(e.message).toContain('type index 4');
  });

  it('refuses an outer alias of a type that refers to a resource out of its component, but not out of a type', () => {
    // type 0: a resource, type 1: own<0>, type 2: a record of 1.
    const parent = section(SECTION.type, vec([resource(null), [0x69, 0x00], record([['h', idx(1)]])]));
    const e = parseError(component(parent, nested(section(SECTION.alias, vec([aliasOuter(SORT.type, 1, 2)])))));
    expect(e.code).toBe('ERR_INVALID');
    expect(e.message).toContain('refers to a resource cannot be aliased out of its component');
    expect(parseError(component(parent, nested(section(SECTION.alias, vec([aliasOuter(SORT.type, 1, 0)]))))).code).toBe(
      'ERR_INVALID',
    );
    // From an instance type in the same component it is fine.
    const inType = section(SECTION.type, vec([instanceType([[0x02, ...aliasOuter(SORT.type, 1, 2)]])]));
    expect(() => parseComponent(component(parent, inType))).not.toThrow();
  });

  it('refuses an outer alias of a func (only types, components and core modules and types may be)', () => {
    const e = parseError(component(nested(section(SECTION.alias, vec([aliasOuter(SORT.func, 1, 0)])))));
    expect(e.code).toBe('ERR_INVALID');
  });
});

describe('core instantiation', () => {
  const needsHost = coreModule({
    imports: [{ module: 'host', name: 'f', params: [I32], results: [] }],
    funcs: [{ name: 'run', params: [], results: [] }],
  });

  it('accepts an instance whose exports meet the imports', () => {
    const bytes = component(
      coreModule({ funcs: [{ name: 'f', params: [I32], results: [] }] }),
      needsHost,
      section(SECTION.coreInstance, vec([coreInstantiate(0), coreInstantiate(1, [['host', 0]])])),
    );
    expect(parseComponent(bytes).definitions.filter((d) => d.kind === 'core-instance')).toHaveLength(2);
  });

  it('refuses a missing argument, a missing export, the wrong kind and the wrong function type', () => {
    const provider = (funcs: Parameters<typeof coreModule>[0]) =>
      component(
        coreModule(funcs),
        needsHost,
        section(SECTION.coreInstance, vec([coreInstantiate(0), coreInstantiate(1, [['host', 0]])])),
      );
    const none = parseError(component(needsHost, section(SECTION.coreInstance, vec([coreInstantiate(0)]))));
    expect(none).toMatchObject({ code: 'ERR_TYPE_MISMATCH' });
    expect(none.message).toContain('imports "host" "f" (func), but no (with "host" (instance ...)) argument is given');
    expect(parseError(provider({ funcs: [{ name: 'g', params: [I32], results: [] }] })).message).toContain(
      'exports no "f"',
    );
    expect(parseError(provider({ funcs: [{ name: 'f', params: [I64], results: [] }] })).message).toContain(
      'of type (func (param i32)), but core instance 0 gives (func (param i64))',
    );
  });

  it('refuses an argument given twice and a core instance index out of range', () => {
    const one = coreModule({});
    expect(
      parseError(
        component(
          one,
          section(
            SECTION.coreInstance,
            vec([
              coreInstantiate(0),
              coreInstantiate(0, [
                ['a', 0],
                ['a', 0],
              ]),
            ]),
          ),
        ),
      ).code,
    ).toBe('ERR_DUPLICATE_NAME');
    expect(parseError(component(one, section(SECTION.coreInstance, vec([coreInstantiate(0, [['a', 2]])])))).code).toBe(
      'ERR_BAD_INDEX',
    );
    expect(parseError(component(section(SECTION.coreInstance, vec([coreInstantiate(0)])))).message).toContain(
      'core module index 0 is out of range',
    );
  });
});

describe('component instantiation', () => {
  // A nested component importing "x": func (u32) -> ().
  const child = nested(
    section(SECTION.type, vec([func([['n', [T.u32]]], null)])),
    section(SECTION.import, vec([externDecl('x', funcExtern(0))])),
  );
  const withFunc = (params: number[][]) => [
    section(
      SECTION.type,
      vec([
        func(
          params.map((p, i) => [i === 0 ? 'n' : `p${i}`, p]),
          null,
        ),
      ]),
    ),
    section(SECTION.import, vec([externDecl('f', funcExtern(0))])),
    child,
  ];

  it('accepts an argument of the imported type', () => {
    const ast = parseComponent(
      component(...withFunc([[T.u32]]), section(SECTION.instance, vec([instantiate(0, [['x', SORT.func, 0]])]))),
    );
    expect(ast.definitions.at(-1)).toMatchObject({ kind: 'instance', expr: { kind: 'instantiate', component: 0 } });
  });

  it('refuses a missing argument and an argument of another type, naming the import', () => {
    const missing = parseError(component(...withFunc([[T.u32]]), section(SECTION.instance, vec([instantiate(0)]))));
    expect(missing.code).toBe('ERR_TYPE_MISMATCH');
    expect(missing.message).toContain('component 0 imports "x" (a func), but no (with "x" ...) argument gives it');
    const wrong = parseError(
      component(...withFunc([[T.u64]]), section(SECTION.instance, vec([instantiate(0, [['x', SORT.func, 0]])]))),
    );
    expect(wrong.code).toBe('ERR_TYPE_MISMATCH');
    expect(wrong.message).toContain('argument "x" for component 0: parameter "n" has a different type');
  });

  it('binds an imported resource to the argument, so later imports over it match and the exports use it', () => {
    // The child imports a resource "r" and a func taking own<r>, and exports that func again;
    // the parent imports a resource and such a func (an import may use only imported resources),
    // instantiates the child with them and exports the child's export.
    const childWithResource = nested(
      section(SECTION.import, vec([externDecl('r', [0x03, 0x01])])),
      section(SECTION.type, vec([[0x69, 0x00], func([['h', idx(1)]], null)])),
      section(SECTION.import, vec([externDecl('use', funcExtern(2))])),
      section(SECTION.export, vec([exportOf('again', SORT.func, 0)])),
    );
    const bytes = component(
      section(SECTION.import, vec([externDecl('r', [0x03, 0x01])])),
      section(SECTION.type, vec([[0x69, 0x00], func([['h', idx(1)]], null)])),
      section(SECTION.import, vec([externDecl('use', funcExtern(2))])),
      childWithResource,
      section(
        SECTION.instance,
        vec([
          instantiate(0, [
            ['r', SORT.type, 0],
            ['use', SORT.func, 0],
          ]),
        ]),
      ),
      section(SECTION.alias, vec([aliasExport(SORT.func, 0, 'again')])),
      section(SECTION.export, vec([exportOf('again', SORT.func, 1)])),
    );
    const ast = parseComponent(bytes);
    const first = ast.definitions[0];
    const defined = first?.kind === 'import' && first.type.kind === 'type' ? first.type.type : null;
    expect(defined).toMatchObject({ kind: 'resource', name: 'r' });
    const again = ast.type.exports[0]?.type;
    const param = again?.kind === 'func' ? again.params[0]?.type : undefined;
    expect(param?.kind === 'own' && param.resource).toBe(defined);
    // Without the binding, the child's own view keeps its abstract import.
    const child = ast.definitions.find((d) => d.kind === 'component');
    const childExport = child?.kind === 'component' ? child.component.type.exports[0]?.type : undefined;
    const childParam = childExport?.kind === 'func' ? childExport.params[0]?.type : undefined;
    expect(childParam?.kind === 'own' && childParam.resource.origin).toBe('abstract');
  });
});

describe('component and instance types', () => {
  it('resolves a component type with imports and exports, and refuses duplicate names in it', () => {
    const ct = componentType([
      [0x01, ...func([], null)],
      [0x03, ...externDecl('in', funcExtern(0))],
      [0x04, ...externDecl('out', funcExtern(0))],
    ]);
    const ast = parseComponent(component(section(SECTION.type, vec([ct]))));
    expect(ast.definitions[0]).toMatchObject({
      type: {
        kind: 'component',
        imports: [{ name: 'in', type: { kind: 'func' } }],
        exports: [{ name: 'out', type: { kind: 'func' } }],
      },
    });
    const dup = componentType([
      [0x01, ...func([], null)],
      [0x04, ...externDecl('x', funcExtern(0))],
      [0x04, ...externDecl('X', funcExtern(0))],
    ]);
    expect(parseError(component(section(SECTION.type, vec([dup])))).code).toBe('ERR_DUPLICATE_NAME');
  });

  it('refuses an import declarator in an instance type', () => {
    const it = instanceType([
      [0x01, ...func([], null)],
      [0x03, ...externDecl('in', funcExtern(0))],
    ]);
    expect(parseError(component(section(SECTION.type, vec([it])))).code).toBe('ERR_BAD_VALUE');
  });

  it('reads a core module type whose declarations alias an outer core type', () => {
    const bytes = component(
      section(
        SECTION.coreType,
        vec([
          [0x60, 0x00, 0x00],
          [
            0x50,
            ...vec([
              [0x02, 0x10, 0x01, 0x01, 0x00],
              [0x00, ...[1, 0x6d], ...[1, 0x66], 0x00, 0x00],
            ]),
          ],
        ]),
      ),
    );
    expect(parseComponent(bytes).definitions.map((d) => d.kind === 'core-type' && d.description)).toEqual([
      '(func)',
      '(module (import "m" "f" (func)))',
    ]);
  });

  it('reads GC core types: a rec group, and a non-final sub with the 0x00 0x50 prefix', () => {
    // rec { struct (field i32) ; sub 0 (array (mut i8)) } ; 0x00 0x50 sub () (func)
    const bytes = component(
      section(
        SECTION.coreType,
        vec([
          [
            0x4e,
            ...vec([
              [0x5f, ...vec([[I32, 0x00]])],
              [0x50, ...vec([[0x00]]), 0x5e, 0x78, 0x01],
            ]),
          ],
          [0x00, 0x50, 0x00, 0x60, 0x00, 0x00],
        ]),
      ),
    );
    expect(parseComponent(bytes).definitions.map((d) => d.kind === 'core-type' && d.description)).toEqual([
      '(struct (field i32))',
      '(sub 0 (array (mut i8)))',
      '(sub (func))',
    ]);
    expect(parseError(component(section(SECTION.coreType, vec([[0x00, 0x60]])))).code).toBe('ERR_BAD_TYPE');
  });

  it("resolves a record over an imported instance's type export, named", () => {
    const bytes = component(
      section(
        SECTION.type,
        vec([
          instanceType([
            [0x01, ...record([['x', [T.u8]]])],
            [0x04, ...externDecl('point', [0x03, 0x00, 0x00])],
          ]),
        ]),
      ),
      section(SECTION.import, vec([externDecl('my:geo/shapes', instanceExtern(0))])),
      section(SECTION.alias, vec([aliasExport(SORT.type, 0, 'point')])),
      section(SECTION.type, vec([func([['p', idx(1)]], null)])),
    );
    const last = parseComponent(bytes).definitions.at(-1);
    expect(last).toMatchObject({
      type: {
        kind: 'func',
        params: [{ name: 'p', type: { kind: 'record', name: 'point', interfaceName: 'my:geo/shapes' } }],
      },
    });
  });
});

describe('start', () => {
  it('checks the start function against its arguments and results', () => {
    const fn = [
      section(SECTION.type, vec([func([], null)])),
      section(SECTION.import, vec([externDecl('f', funcExtern(0))])),
    ];
    expect(parseComponent(component(...fn, section(SECTION.start, [0x00, 0x00, 0x00]))).definitions.at(-1)).toEqual({
      kind: 'start',
      offset: expect.any(Number),
      func: 0,
      args: [],
      results: 0,
    });
    expect(parseError(component(...fn, section(SECTION.start, [0x00, 0x00, 0x01]))).code).toBe('ERR_TYPE_MISMATCH');
    expect(parseError(component(section(SECTION.start, [0x00, 0x00, 0x00]))).code).toBe('ERR_BAD_INDEX');
  });
});
