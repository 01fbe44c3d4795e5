import { describe, expect, it } from 'vitest';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
import { WasmParseError } from '../../../../src/runtime/errors.js';
import { errorOf } from '../../../helpers/errors.js';
import type { Bytes } from './component-binary.js';
import {
  aliasCoreExport,
  aliasExport,
  component,
  coreInstantiate,
  coreModule,
  exportOf,
  externDecl,
  func,
  funcExtern,
  I32,
  idx,
  instantiate,
  lift,
  lower,
  nested,
  OPT,
  resource,
  SECTION,
  SORT,
  section,
  T,
  u32,
  vec,
} from './component-binary.js';

const parseError = (bytes: Uint8Array): WasmParseError => errorOf(() => parseComponent(bytes), WasmParseError);

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

  it('gives each instantiation of a component that defines a resource a resource of its own, which it may not resource.new', () => {
    const twice = (...rest: number[][]): Uint8Array =>
      component(
        nested(
          section(SECTION.type, vec([resource(null)])),
          section(SECTION.export, vec([exportOf('r', SORT.type, 0)])),
        ),
        section(SECTION.instance, vec([instantiate(0), instantiate(0)])),
        // Types 0 and 1: instance 0's r and instance 1's.
        section(SECTION.alias, vec([aliasExport(SORT.type, 0, 'r'), aliasExport(SORT.type, 1, 'r')])),
        ...rest,
      );
    const rOf = (d: ReturnType<typeof parseComponent>['definitions'][number] | undefined) =>
      d?.kind === 'instance' && d.expr.kind === 'instantiate' ? d.expr.type.exports[0]?.type : undefined;
    const [, a, b] = parseComponent(twice()).definitions;
    expect(rOf(a)).toMatchObject({ kind: 'type', type: { kind: 'resource', origin: 'abstract', name: 'r' } });
    expect(rOf(b)).toMatchObject({ kind: 'type', type: { kind: 'resource', origin: 'abstract', name: 'r' } });
    const a0 = rOf(a);
    const b0 = rOf(b);
    expect(a0?.kind === 'type' && b0?.kind === 'type' ? a0.type !== b0.type : 'no types').toBe(true);
    expect(parseError(twice(section(SECTION.canon, vec([[0x02, 0x00]])))).message).toContain(
      'needs a resource defined in this component',
    );
    // resource.drop of another instance's resource is allowed (the spec lets it drop any handle).
    expect(() => parseComponent(twice(section(SECTION.canon, vec([[0x03, 0x01]]))))).not.toThrow();
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
