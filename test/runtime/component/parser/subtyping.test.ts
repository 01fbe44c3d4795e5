// Type matching (design/mvp/Explainer.md "Subtyping", as wasm-tools' validator checks it):
// an instantiation argument against the import it is given for, and an export against the
// type it is ascribed. Each component is written byte group by byte group (component-binary.ts).
import { describe, expect, it } from 'vitest';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
import { WasmParseError } from '../../../../src/runtime/errors.js';
import { errorOf } from '../../../helpers/errors.js';
import {
  aliasCoreExport,
  type Bytes,
  CORE_PREAMBLE,
  component,
  componentType,
  coreFuncType,
  coreInstantiate,
  coreModule,
  exportOf,
  externDecl,
  externName,
  func,
  funcExtern,
  I32,
  idx,
  instanceExtern,
  instanceType,
  instantiate,
  lift,
  name,
  nested,
  own,
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

const componentExtern = (typeIndex: number): number[] => [0x04, ...u32(typeIndex)];
const coreModuleExtern = (coreTypeIndex: number): number[] => [0x00, 0x11, ...u32(coreTypeIndex)];
/** `(export "n" (sort idx) <ascribed>)`. */
const exportAs = (n: string, sort: Bytes, index: number, ascribed: Bytes): number[] => [
  ...externName(n),
  ...sort,
  ...u32(index),
  0x01,
  ...ascribed,
];
/** `(instance (export "n" (sort idx))*)`: an instance of inline exports. */
const inlineInstance = (items: readonly [string, Bytes, number][]): number[] => [
  0x01,
  ...vec(items.map(([n, sort, i]) => [...externName(n), ...sort, ...u32(i)])),
];

/** Component 1 (the consumer, importing "c" of `ctype`) instantiated with component 0 (`given`) as "c". */
function instantiateWith(given: Bytes, ctype: Bytes): Uint8Array {
  const consumer = nested(
    section(SECTION.type, vec([ctype])),
    section(SECTION.import, vec([externDecl('c', componentExtern(0))])),
  );
  return component(given, consumer, section(SECTION.instance, vec([instantiate(1, [['c', SORT.component, 0]])])));
}

describe('component types: imports contravariant, exports covariant', () => {
  // (component (import "in" (func (param "x" u32))) (export "out" (func (param "x" u32))))
  const expected = componentType([
    [0x01, ...func([['x', [T.u32]]], null)],
    [0x03, ...externDecl('in', funcExtern(0))],
    [0x04, ...externDecl('out', funcExtern(0))],
  ]);
  /** A component importing `imports` (each a func of one param "x" of the type) and re-exporting `exports` of them. */
  const given = (imports: readonly [string, number][], exports: readonly [string, number][]) =>
    nested(
      section(SECTION.type, vec(imports.map(([, t]) => func([['x', [t]]], null)))),
      section(SECTION.import, vec(imports.map(([n], i) => externDecl(n, funcExtern(i))))),
      section(SECTION.export, vec(exports.map(([n, f]) => exportOf(n, SORT.func, f)))),
    );

  it('accepts a component that imports no more and exports at least what the type says', () => {
    expect(() =>
      parseComponent(
        instantiateWith(
          given(
            [['in', T.u32]],
            [
              ['out', 0],
              ['extra', 0],
            ],
          ),
          expected,
        ),
      ),
    ).not.toThrow();
  });

  it('refuses a component importing a name the type does not give', () => {
    const e = parseError(
      instantiateWith(
        given(
          [
            ['in', T.u32],
            ['other', T.u32],
          ],
          [['out', 0]],
        ),
        expected,
      ),
    );
    expect(e.code).toBe('ERR_TYPE_MISMATCH');
    expect(e.message).toContain(
      'argument "c" for component 1: it imports "other", which the expected type does not give',
    );
  });

  it('refuses a component whose import needs more than the type gives for it', () => {
    const e = parseError(instantiateWith(given([['in', T.u64]], [['out', 0]]), expected));
    expect(e.code).toBe('ERR_TYPE_MISMATCH');
    expect(e.message).toContain('argument "c" for component 1: import "in": parameter "x" has a different type');
  });

  it('refuses a component missing an export, or with an export of another type', () => {
    const missing = parseError(instantiateWith(given([['in', T.u32]], [['output', 0]]), expected));
    expect(missing.code).toBe('ERR_TYPE_MISMATCH');
    expect(missing.message).toContain('argument "c" for component 1: it has no export "out"');
    // "out" expected with a parameter named "y".
    const renamed = componentType([
      [0x01, ...func([['x', [T.u32]]], null)],
      [0x01, ...func([['y', [T.u32]]], null)],
      [0x03, ...externDecl('in', funcExtern(0))],
      [0x04, ...externDecl('out', funcExtern(1))],
    ]);
    const wrong = parseError(instantiateWith(given([['in', T.u32]], [['out', 0]]), renamed));
    expect(wrong.message).toContain('export "out": parameter 1 is named "x", expected "y"');
  });

  // (component (export "r" (type (sub resource))) (export "mk" (func (result (own r)))))
  const makesResource = componentType([
    [0x04, ...externDecl('r', subResource)],
    [0x01, ...own(0)],
    [0x01, ...func([], idx(1))],
    [0x04, ...externDecl('mk', funcExtern(2))],
  ]);
  /** A component defining resources 0 and 1, exporting them as "r" and "s", and "mk" returning own<`made`>. */
  const definesResources = (made: number) =>
    nested(
      coreModule({ funcs: [{ name: 'mk', params: [], results: [I32] }] }),
      section(SECTION.coreInstance, vec([coreInstantiate(0)])),
      section(SECTION.alias, vec([aliasCoreExport(SORT.coreFunc, 0, 'mk')])),
      section(SECTION.type, vec([resource(null), resource(null), own(made), func([], idx(2))])),
      section(SECTION.canon, vec([lift(0, [], 3)])),
      section(
        SECTION.export,
        vec([exportOf('r', SORT.type, 0), exportOf('s', SORT.type, 1), exportOf('mk', SORT.func, 0)]),
      ),
    );

  it("binds the type's exported resource to the component's, and holds later exports to it", () => {
    expect(() => parseComponent(instantiateWith(definesResources(0), makesResource))).not.toThrow();
    const e = parseError(instantiateWith(definesResources(1), makesResource));
    expect(e.code).toBe('ERR_TYPE_MISMATCH');
    expect(e.message).toContain('argument "c" for component 1: export "mk": the result types differ');
  });
});

describe('core module types', () => {
  /** A core module type: `(module (import "env" "f" (func))? (export "mem" (memory min max?)))`. */
  const moduleType = (options: { importsF: boolean; min: number; max?: number }) => {
    const limits =
      options.max === undefined ? [0x00, ...u32(options.min)] : [0x01, ...u32(options.min), ...u32(options.max)];
    return [
      0x50,
      ...vec([
        [0x01, ...coreFuncType([], [])],
        ...(options.importsF ? [[0x00, ...name('env'), ...name('f'), 0x00, 0x00]] : []),
        [0x03, ...name('mem'), 0x02, ...limits],
      ]),
    ];
  };
  // The consumer imports "m" of core type 0; the parent passes its core module 0.
  const withModule = (module: Bytes, type: Bytes) =>
    component(
      module,
      nested(
        section(SECTION.coreType, vec([type])),
        section(SECTION.import, vec([externDecl('m', coreModuleExtern(0))])),
      ),
      section(SECTION.instance, vec([instantiate(0, [['m', SORT.coreModule, 0]])])),
    );
  // Exports "mem" (memory 1), no maximum.
  const plain = coreModule({ memory: true });
  const importing = coreModule({ memory: true, imports: [{ module: 'env', name: 'f', params: [], results: [] }] });

  it('accepts a module whose memory is at least the minimum the type asks, importing what the type allows', () => {
    expect(() => parseComponent(withModule(plain, moduleType({ importsF: false, min: 1 })))).not.toThrow();
    expect(() => parseComponent(withModule(plain, moduleType({ importsF: true, min: 0 })))).not.toThrow();
    expect(() => parseComponent(withModule(importing, moduleType({ importsF: true, min: 1 })))).not.toThrow();
  });

  it('refuses a smaller memory, a missing maximum, and an import the type does not give', () => {
    const small = parseError(withModule(plain, moduleType({ importsF: false, min: 2 })));
    expect(small.code).toBe('ERR_TYPE_MISMATCH');
    expect(small.message).toContain(
      'argument "m" for component 0: export "mem": it has type (memory 1), expected (memory 2)',
    );
    const unbounded = parseError(withModule(plain, moduleType({ importsF: false, min: 1, max: 4 })));
    expect(unbounded.message).toContain('expected (memory 1 4)');
    const imports = parseError(withModule(importing, moduleType({ importsF: false, min: 1 })));
    expect(imports.code).toBe('ERR_TYPE_MISMATCH');
    expect(imports.message).toContain('it imports "env" "f", which the expected type does not give');
  });
});

describe('resources: only those the expected type introduces are bound', () => {
  it('refuses an export ascribed another resource that already exists, and accepts it ascribed its own', () => {
    const imports = section(SECTION.import, vec([externDecl('r', subResource), externDecl('s', subResource)]));
    const e = parseError(component(imports, section(SECTION.export, vec([exportAs('x', SORT.type, 1, typeEq(0))]))));
    expect(e.code).toBe('ERR_TYPE_MISMATCH');
    expect(e.message).toContain(
      'export "x": the type does not have the type the export gives it: it is a different resource type',
    );
    expect(() =>
      parseComponent(component(imports, section(SECTION.export, vec([exportAs('x', SORT.type, 0, typeEq(0))])))),
    ).not.toThrow();
  });

  it("keeps the item's resources in an export ascribed an instance type that introduces its own", () => {
    // Resource 0, an instance exporting it as "r", exported as (instance (export "r" (type (sub resource)))).
    const bytes = component(
      section(SECTION.type, vec([resource(null), instanceType([[0x04, ...externDecl('r', subResource)]])])),
      section(SECTION.instance, vec([inlineInstance([['r', SORT.type, 0]])])),
      section(SECTION.export, vec([exportAs('i', SORT.instance, 0, instanceExtern(1))])),
    );
    const ast = parseComponent(bytes);
    const defined = ast.definitions[0]?.kind === 'type' ? ast.definitions[0].type : undefined;
    const exported = ast.type.exports[0]?.type;
    const r = exported?.kind === 'instance' ? exported.exports[0]?.type : undefined;
    expect(r?.kind === 'type' && r.type).toBe(defined);
  });

  it('gives each import of one instance type resources of its own, so each may be bound to another', () => {
    // The consumer imports "a" and "b", both (instance (export "r" (type (sub resource)))).
    const consumer = nested(
      section(SECTION.type, vec([instanceType([[0x04, ...externDecl('r', subResource)]])])),
      section(SECTION.import, vec([externDecl('a', instanceExtern(0)), externDecl('b', instanceExtern(0))])),
    );
    const bytes = component(
      section(SECTION.type, vec([resource(null), resource(null)])),
      section(SECTION.instance, vec([inlineInstance([['r', SORT.type, 0]]), inlineInstance([['r', SORT.type, 1]])])),
      consumer,
      section(
        SECTION.instance,
        vec([
          instantiate(0, [
            ['a', SORT.instance, 0],
            ['b', SORT.instance, 1],
          ]),
        ]),
      ),
    );
    const ast = parseComponent(bytes);
    const child = ast.definitions.find((d) => d.kind === 'component');
    const [a, b] = child?.kind === 'component' ? child.component.type.imports : [];
    const resourceOf = (t: typeof a) => (t?.type.kind === 'instance' ? t.type.exports[0]?.type : undefined);
    expect(resourceOf(a)).toMatchObject({ kind: 'type', type: { kind: 'resource', name: 'r' } });
    expect(resourceOf(a)?.kind === 'type' && resourceOf(b)?.kind === 'type').toBe(true);
    const ra = resourceOf(a);
    const rb = resourceOf(b);
    expect(ra?.kind === 'type' && rb?.kind === 'type' && ra.type !== rb.type).toBe(true);
  });
});

describe('core instantiation: imports matched as the core spec does', () => {
  /** A core module importing "host" "mem" (memory `min`), as bytes: \0asm, version 1, an import section. */
  const needsMemory = (min: number) =>
    section(SECTION.coreModule, [
      ...CORE_PREAMBLE,
      ...section(0x02, vec([[...name('host'), ...name('mem'), 0x02, 0x00, ...u32(min)]])),
    ]);
  // Core instance 0 exports "mem" (memory 1); core module 1 is instantiated with it as "host".
  const bytes = (min: number) =>
    component(
      coreModule({ memory: true }),
      needsMemory(min),
      section(SECTION.coreInstance, vec([coreInstantiate(0), coreInstantiate(1, [['host', 0]])])),
    );

  it('accepts a memory at least as large as the import asks, and refuses a smaller one', () => {
    expect(() => parseComponent(bytes(1))).not.toThrow();
    expect(() => parseComponent(bytes(0))).not.toThrow();
    const e = parseError(bytes(2));
    expect(e.code).toBe('ERR_TYPE_MISMATCH');
    expect(e.message).toContain(
      'core module 1 imports "host" "mem" (memory) of type (memory 2), but core instance 0 gives (memory 1)',
    );
  });
});
