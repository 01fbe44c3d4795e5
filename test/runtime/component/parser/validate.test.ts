import { describe, expect, it } from 'vitest';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
import { WasmParseError } from '../../../../src/runtime/errors.js';
import { errorOf } from '../../../helpers/errors.js';
import type { Bytes } from './component-binary.js';
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
  lift,
  lower,
  nested,
  OPT,
  record,
  resource,
  SECTION,
  SORT,
  section,
  T,
  u32,
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
    // the parent defines a resource and such a func, instantiates the child and exports its export.
    const childWithResource = nested(
      section(SECTION.import, vec([externDecl('r', [0x03, 0x01])])),
      section(SECTION.type, vec([[0x69, 0x00], func([['h', idx(1)]], null)])),
      section(SECTION.import, vec([externDecl('use', funcExtern(2))])),
      section(SECTION.export, vec([exportOf('again', SORT.func, 0)])),
    );
    const bytes = component(
      section(SECTION.type, vec([resource(null), [0x69, 0x00], func([['h', idx(1)]], null)])),
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
    const defined = ast.definitions[0]?.kind === 'type' ? ast.definitions[0].type : null;
    expect(defined).toMatchObject({ kind: 'resource', origin: 'defined' });
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

describe('canonical definitions', () => {
  /** A component whose core instance 0 exports `funcs` (and a memory "mem"), with those aliased as core funcs 0.., memory as core memory 0. */
  function withCore(funcs: { name: string; params: number[]; results: number[] }[], ...rest: number[][]): Uint8Array {
    return component(
      coreModule({ funcs, memory: true }),
      section(SECTION.coreInstance, vec([coreInstantiate(0)])),
      section(
        SECTION.alias,
        vec([
          ...funcs.map((f) => aliasCoreExport(SORT.coreFunc, 0, f.name)),
          aliasCoreExport(SORT.coreMemory, 0, 'mem'),
        ]),
      ),
      ...rest,
    );
  }
  const realloc = { name: 'realloc', params: [I32, I32, I32, I32], results: [I32] };
  const canon = (...defs: number[][]) => section(SECTION.canon, vec(defs));
  const types = (...defs: number[][]) => section(SECTION.type, vec(defs));

  it('accepts a lift whose core function has the flattened type, and gives its resolved type', () => {
    const bytes = withCore(
      [{ name: 'add', params: [I32, I32], results: [I32] }],
      types(
        func(
          [
            ['a', [T.u32]],
            ['b', [T.u32]],
          ],
          [T.u32],
        ),
      ),
      canon(lift(0, [], 0)),
    );
    expect(parseComponent(bytes).definitions.at(-1)).toMatchObject({
      op: 'lift',
      coreFunc: 0,
      typeIndex: 0,
      type: { params: [{ name: 'a' }, { name: 'b' }] },
    });
  });

  it('refuses a lift whose core function has another type, saying which it needs', () => {
    const e = parseError(
      withCore(
        [{ name: 'add', params: [I32], results: [I32] }],
        types(
          func(
            [
              ['a', [T.u32]],
              ['b', [T.u64]],
            ],
            [T.u32],
          ),
        ),
        canon(lift(0, [], 0)),
      ),
    );
    expect(e.code).toBe('ERR_TYPE_MISMATCH');
    expect(e.message).toContain('needs (func (param i32 i64) (result i32))');
  });

  it('flattens through memory past 16 parameters and 1 result', () => {
    const many = Array.from({ length: 17 }, (_, i): [string, number[]] => [`p${i}`, [T.u8]]);
    // 17 params spill to one i32 pointer; a lift then also needs realloc and memory.
    const ok = withCore(
      [{ name: 'f', params: [I32], results: [] }, realloc],
      types(func(many, null)),
      canon(lift(0, [OPT.memory(0), OPT.realloc(1)], 0)),
    );
    expect(() => parseComponent(ok)).not.toThrow();
    const noRealloc = parseError(
      withCore(
        [{ name: 'f', params: [I32], results: [] }],
        types(func(many, null)),
        canon(lift(0, [OPT.memory(0)], 0)),
      ),
    );
    expect(noRealloc.code).toBe('ERR_INVALID');
    expect(noRealloc.message).toContain('(realloc F) is required');
    // A tuple of two results is returned through a pointer.
    const two = withCore(
      [{ name: 'g', params: [], results: [I32] }],
      types([0x6f, ...vec([[T.u8], [T.u8]])], func([], idx(0))),
      canon(lift(0, [OPT.memory(0)], 1)),
    );
    expect(() => parseComponent(two)).not.toThrow();
  });

  it('requires memory for strings and lists, and realloc where the callee receives them', () => {
    const strIn = (opts: readonly Bytes[]) =>
      withCore(
        [{ name: 'f', params: [I32, I32], results: [] }, realloc],
        types(func([['s', [T.string]]], null)),
        canon(lift(0, opts, 0)),
      );
    expect(parseError(strIn([])).message).toContain('(memory N) is required');
    expect(parseError(strIn([OPT.memory(0)])).message).toContain('(realloc F) is required');
    expect(() => parseComponent(strIn([OPT.memory(0), OPT.realloc(1)]))).not.toThrow();
    // Lowering a function that returns a string: the caller's memory receives it, so realloc.
    const strOut = (opts: readonly Bytes[]) =>
      withCore(
        [realloc],
        types(func([], [T.string])),
        section(SECTION.import, vec([externDecl('get', funcExtern(0))])),
        canon(lower(0, opts)),
      );
    expect(parseError(strOut([OPT.memory(0)])).message).toContain('(realloc F) is required');
    expect(parseComponent(strOut([OPT.memory(0), OPT.realloc(0)])).definitions.at(-1)).toMatchObject({
      op: 'lower',
      func: 0,
      options: { memory: 0, realloc: 0, stringEncoding: 'utf8' },
      type: { result: { kind: 'string' } },
    });
  });

  it('refuses duplicate and conflicting options, realloc without memory, and post-return on lower', () => {
    const f = { name: 'f', params: [], results: [] };
    const liftWith = (opts: readonly Bytes[]) => withCore([f, realloc], types(func([], null)), canon(lift(0, opts, 0)));
    expect(parseError(liftWith([OPT.utf8, OPT.utf16])).message).toContain('string-encoding is given twice');
    expect(parseError(liftWith([OPT.memory(0), OPT.memory(0)])).message).toContain('memory is given twice');
    expect(parseError(liftWith([OPT.realloc(1)])).message).toContain('realloc needs a memory option');
    expect(parseError(liftWith([OPT.callback(0)])).message).toContain('callback is allowed only with async');
    expect(parseError(liftWith([OPT.async])).message).toContain('async needs a func async type');
    expect(parseError(liftWith([OPT.memory(0), OPT.realloc(0)])).message).toContain(
      'realloc core func 0 has type (func)',
    );
    const lowerWith = withCore(
      [f],
      types(func([], null)),
      section(SECTION.import, vec([externDecl('g', funcExtern(0))])),
      canon(lower(0, [OPT.postReturn(0)])),
    );
    expect(parseError(lowerWith).message).toContain('post-return is allowed only on canon lift');
  });

  it('gives string encodings their names', () => {
    const f = { name: 'f', params: [], results: [] };
    for (const [opt, enc] of [
      [OPT.utf16, 'utf16'],
      [OPT.latin1, 'latin1+utf16'],
    ] as const) {
      const ast = parseComponent(withCore([f], types(func([], null)), canon(lift(0, [opt], 0))));
      expect(ast.definitions.at(-1)).toMatchObject({ options: { stringEncoding: enc } });
    }
  });

  it('refuses a lower of a func index out of range, and a lift of a core func out of range', () => {
    expect(parseError(withCore([], canon(lower(0, [])))).message).toContain('func index 0 is out of range');
    expect(parseError(withCore([], types(func([], null)), canon(lift(3, [], 0)))).message).toContain(
      'core func index 3 is out of range',
    );
  });

  it('checks the post-return type against the flat results', () => {
    const f = { name: 'f', params: [], results: [I32] };
    const bad = parseError(
      withCore(
        [f, { name: 'post', params: [], results: [] }],
        types(func([], [T.u32])),
        canon(lift(0, [OPT.postReturn(1)], 0)),
      ),
    );
    expect(bad.message).toContain('post-return core func 1 has type (func), expected (func (param i32))');
  });

  it('refuses resource.new of an imported resource, and gives the built-ins their core types', () => {
    const imported = component(
      section(SECTION.import, vec([externDecl('r', [0x03, 0x01])])),
      section(SECTION.canon, vec([[0x02, 0x00]])),
    );
    expect(parseError(imported).message).toContain('needs a resource defined in this component');
    const defined = component(
      section(SECTION.type, vec([resource(null)])),
      section(
        SECTION.canon,
        vec([
          [0x02, 0x00],
          [0x04, 0x00],
          [0x03, 0x00],
        ]),
      ),
      coreModule({
        imports: [
          { module: 'r', name: 'new', params: [I32], results: [I32] },
          { module: 'r', name: 'drop', params: [I32], results: [] },
        ],
      }),
      section(
        SECTION.coreInstance,
        vec([
          [
            0x01,
            ...vec([
              [...u32(3), 0x6e, 0x65, 0x77, 0x00, 0x00],
              [...u32(4), 0x64, 0x72, 0x6f, 0x70, 0x00, 0x02],
            ]),
          ],
          coreInstantiate(0, [['r', 0]]),
        ]),
      ),
    );
    expect(parseComponent(defined).definitions.map((d) => (d.kind === 'canon' ? d.op : d.kind))).toEqual([
      'type',
      'resource.new',
      'resource.rep',
      'resource.drop',
      'core-module',
      'core-instance',
      'core-instance',
    ]);
  });

  it('decodes the async, error-context and thread built-ins as other, with the spec name', () => {
    const bytes = component(
      section(SECTION.type, vec([[0x66, 0x01, T.u8]])),
      section(
        SECTION.canon,
        vec([
          [0x24], // backpressure.inc
          [0x09, 0x01, 0x00, ...vec([])], // task.return, no result, no options
          [0x0a, 0x7f, 0x00], // context.get i32 0
          [0x0e, 0x00], // stream.new type 0
          [0x11, 0x00, 0x01], // stream.cancel-read type 0 async
          [0x1e], // error-context.drop
          [0x0c, 0x00], // thread.yield
          [0x42, 0x00], // thread.available-parallelism
        ]),
      ),
    );
    expect(
      parseComponent(bytes).definitions.flatMap((d) => (d.kind === 'canon' && d.op === 'other' ? [d.name] : [])),
    ).toEqual([
      'backpressure.inc',
      'task.return',
      'context.get',
      'stream.new',
      'stream.cancel-read',
      'error-context.drop',
      'thread.yield',
      'thread.available-parallelism',
    ]);
    expect(parseError(component(section(SECTION.canon, vec([[0x0e, 0x00]])))).code).toBe('ERR_BAD_INDEX');
    expect(parseError(component(section(SECTION.canon, vec([[0x3e]])))).code).toBe('ERR_BAD_VALUE');
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
