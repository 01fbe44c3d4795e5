import { describe, expect, it } from 'vitest';
import type { CanonDefinition, ComponentAst, Definition } from '../../../../src/runtime/component/parser/ast.js';
import { sortOf } from '../../../../src/runtime/component/parser/ast.js';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
import type { ExternType, FuncType, InstanceType, ValType } from '../../../../src/runtime/component/types.js';
import { componentFixture } from './fixtures.js';

const parse = (name: string): ComponentAst => parseComponent(componentFixture(name));

function exportOf(
  ast: { readonly type: { readonly exports: readonly { name: string; type: ExternType }[] } },
  name: string,
): ExternType {
  const found = ast.type.exports.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no export ${name}`);
  return found.type;
}

function asFunc(t: ExternType | undefined): FuncType {
  if (t?.kind !== 'func') throw new Error(`not a func: ${t?.kind}`);
  return t;
}

function asInstance(t: ExternType | undefined): InstanceType {
  if (t?.kind !== 'instance') throw new Error(`not an instance: ${t?.kind}`);
  return t;
}

function typeExport(t: ExternType | undefined) {
  if (t?.kind !== 'type') throw new Error(`not a type: ${t?.kind}`);
  return t.type;
}

const canons = (defs: readonly Definition[]): CanonDefinition[] =>
  defs.filter((d): d is CanonDefinition => d.kind === 'canon');

describe('kitchen-sink: every section and every value type', () => {
  const ast = parse('kitchen-sink');

  it('reads a definition of every section kind, each adding to the index space sortOf says', () => {
    const kinds = new Set(ast.definitions.map((d) => d.kind));
    expect([...kinds].sort()).toEqual(
      [
        'alias',
        'canon',
        'component',
        'core-instance',
        'core-module',
        'core-type',
        'export',
        'import',
        'instance',
        'type',
      ].sort(),
    );
    // 6 core-export aliases + the export alias of the nested instance; the nested component has its outer alias.
    expect(
      ast.definitions.filter((d) => d.kind === 'alias').map((d) => (d.kind === 'alias' ? d.target.kind : '')),
    ).toEqual([...Array(6).fill('core-export'), 'export']);
    const funcs = ast.definitions.filter((d) => sortOf(d)?.kind === 'func').length;
    // import log, lift echo/nothing/take, alias inner-y, export echo/nothing/inner-y
    expect(funcs).toBe(8);
  });

  it('gives the byte offset of each definition and views of the nested module and the custom section', () => {
    const module = ast.definitions[0];
    expect(module?.kind).toBe('core-module');
    if (module?.kind !== 'core-module') return;
    expect(module.offset).toBe(10);
    expect([...module.bytes.subarray(0, 8)]).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const note = ast.customSections.find((c) => c.name === 'kitchen-note');
    expect(new TextDecoder().decode(note?.data)).toBe('every section');
    expect(ast.offset).toBe(0);
    expect(ast.byteLength).toBe(componentFixture('kitchen-sink').length);
  });

  it('resolves every defined value type, the fixed-length list and the four result forms included', () => {
    const types = ast.definitions.flatMap((d) => (d.kind === 'type' ? [d.type] : []));
    const everything = types.find((t) => t.kind === 'record' && t.fields.length === 13);
    expect(everything?.kind).toBe('record');
    if (everything?.kind !== 'record') return;
    const field = (name: string): ValType => everything.fields.find((f) => f.name === name)!.type;
    // The record's fields use the exports of point, shape, perm and color, so carry their names.
    expect(field('point')).toEqual({
      kind: 'record',
      fields: [
        { name: 'x', type: { kind: 's32' } },
        { name: 'y', type: { kind: 's32' } },
      ],
      name: 'point',
    });
    expect(field('shape')).toEqual({
      kind: 'variant',
      cases: [
        { name: 'circle', type: { kind: 'f64' } },
        { name: 'none', type: undefined },
      ],
      name: 'shape',
    });
    expect(field('bytes')).toEqual({ kind: 'list', element: { kind: 'u8' } });
    expect(field('quad')).toEqual({ kind: 'list', element: { kind: 'u32' }, length: 4 });
    expect(field('pair')).toEqual({ kind: 'tuple', types: [{ kind: 'string' }, { kind: 'char' }] });
    expect(field('perm')).toEqual({ kind: 'flags', names: ['read', 'write'], name: 'perm' });
    expect(field('color')).toEqual({ kind: 'enum', names: ['red', 'green'], name: 'color' });
    expect(field('maybe')).toEqual({ kind: 'option', type: { kind: 'u64' } });
    expect(field('res')).toEqual({ kind: 'result', ok: { kind: 'string' }, err: { kind: 'u8' } });
    expect(field('okonly')).toEqual({ kind: 'result', ok: { kind: 'bool' }, err: undefined });
    expect(field('errs')).toEqual({ kind: 'result', ok: undefined, err: { kind: 's16' } });
    expect(field('unit')).toEqual({ kind: 'result', ok: undefined, err: undefined });
    const all = field('all');
    expect(all.kind === 'tuple' && all.types.map((t) => t.kind)).toEqual([
      'bool',
      's8',
      'u8',
      's16',
      'u16',
      's32',
      'u32',
      's64',
      'u64',
      'f32',
      'f64',
      'char',
      'string',
    ]);
  });

  it('describes core function and module types in the core text format', () => {
    const core = ast.definitions.flatMap((d) => (d.kind === 'core-type' ? [d.description] : []));
    expect(core).toEqual([
      '(func (param i32) (result i32))',
      '(module (import "env" "f" (func (param i32))) (export "g" (global (mut i32))) (export "t" (table 1 funcref)) (export "m" (memory 1 2)))',
    ]);
  });

  it('gives canon lift its options and function type, and canon lower the type of the function it lowers', () => {
    // Core funcs: the aliases realloc 0, echo 1, post 2, nothing 3, take 4, then the lowered log 5.
    const [lower, echo, nothing, take] = canons(ast.definitions);
    expect(lower).toMatchObject({
      op: 'lower',
      func: 0,
      options: { stringEncoding: 'utf8', memory: 0, realloc: undefined, postReturn: undefined, isAsync: false },
      type: { kind: 'func', params: [{ name: 'msg', type: { kind: 'string' } }], result: undefined, isAsync: false },
    });
    expect(echo).toMatchObject({ op: 'lift', coreFunc: 1, options: { memory: 0, realloc: 0, postReturn: 2 } });
    expect(echo?.op === 'lift' && echo.type.params.map((p) => p.name)).toEqual(['e']);
    expect(nothing).toMatchObject({
      op: 'lift',
      coreFunc: 3,
      options: { memory: undefined },
      type: { params: [], result: undefined },
    });
    expect(take).toMatchObject({ op: 'lift', coreFunc: 4, type: { params: [{ name: 'n', type: { kind: 'u32' } }] } });
  });

  it("describes the component's own imports and exports, types under their export names", () => {
    expect(ast.type.imports.map((i) => [i.name, i.type.kind])).toEqual([['log', 'func']]);
    expect(ast.type.exports.map((e) => [e.name, e.type.kind])).toEqual([
      ['point', 'type'],
      ['shape', 'type'],
      ['perm', 'type'],
      ['color', 'type'],
      ['everything', 'type'],
      ['echo', 'func'],
      ['nothing', 'func'],
      ['bundle', 'instance'],
      ['inner-y', 'func'],
    ]);
    expect(typeExport(exportOf(ast, 'point'))).toMatchObject({ kind: 'record', name: 'point' });
    expect(typeExport(exportOf(ast, 'color'))).toEqual({ kind: 'enum', names: ['red', 'green'], name: 'color' });
    const bundle = asInstance(exportOf(ast, 'bundle'));
    expect(bundle.exports.map((e) => [e.name, e.type.kind])).toEqual([
      ['take', 'func'],
      ['point', 'type'],
    ]);
    // The inline instance export names the type, as an instance type's type export would.
    expect(typeExport(bundle.exports[1]?.type)).toMatchObject({ kind: 'record', name: 'point' });
    expect(asFunc(exportOf(ast, 'inner-y')).params).toEqual([{ name: 'n', type: { kind: 'u32' } }]);
  });

  it('reads the nested component with its own index spaces and its outer alias', () => {
    const nested = ast.definitions.find((d) => d.kind === 'component');
    if (nested?.kind !== 'component') throw new Error('no nested component');
    expect(nested.component.definitions[0]).toMatchObject({
      kind: 'alias',
      sort: { kind: 'type' },
      target: { kind: 'outer', count: 1, index: 0 },
    });
    expect(nested.component.type.imports.map((i) => i.name)).toEqual(['x']);
    expect(nested.component.type.exports.map((e) => e.name)).toEqual(['y']);
    expect(nested.component.offset).toBe(nested.offset);
  });

  it('decodes the component-name section', () => {
    expect(ast.names.component).toBe('kitchen');
    expect(ast.names.sorts.get('func')?.get(0)).toBe('log');
    expect(ast.names.sorts.get('core module')?.get(0)).toBe('m');
    expect(ast.names.sorts.get('type')?.get(0)).toBe('point');
  });
});

describe('resources: defined and imported resources, handles and the resource built-ins', () => {
  const ast = parse('resources');
  const blob = typeExport(ast.type.imports[0]?.type);
  const counter = typeExport(exportOf(ast, 'counter'));

  it('makes an abstract resource of an imported (sub resource) and a defined one of (resource (rep i32) (dtor f))', () => {
    expect(blob).toEqual({ kind: 'resource', origin: 'abstract', name: 'blob' });
    expect(counter).toEqual({ kind: 'resource', origin: 'defined', rep: 'i32', destructor: 0, name: 'counter' });
  });

  it('keeps resource identity: the built-ins, the handles and the export share one ResourceType', () => {
    const builtins = canons(ast.definitions).filter((c) => c.op.startsWith('resource.'));
    expect(builtins.map((c) => c.op)).toEqual(['resource.new', 'resource.rep', 'resource.drop', 'resource.drop']);
    for (const c of builtins.slice(0, 3))
      expect(c.op !== 'lift' && c.op !== 'lower' && c.op !== 'other' && c.resource).toBe(counter);
    const last = builtins[3];
    expect(last?.op === 'resource.drop' && last.resource).toBe(blob);
    const ctor = asFunc(exportOf(ast, '[constructor]counter'));
    expect(ctor.result).toEqual({ kind: 'own', resource: counter });
    expect(ctor.result?.kind === 'own' && ctor.result.resource).toBe(counter);
    const get = asFunc(exportOf(ast, '[method]counter.get'));
    expect(get.params[0]?.type.kind === 'borrow' && get.params[0].type.resource).toBe(counter);
    const sizeOf = asFunc(exportOf(ast, '[static]counter.size-of'));
    expect(sizeOf.params[0]?.type.kind === 'borrow' && sizeOf.params[0].type.resource).toBe(blob);
    const method = asFunc(ast.type.imports[1]?.type);
    expect(method.params[0]?.type).toEqual({ kind: 'borrow', resource: blob });
  });

  it('reads a core instance of inline exports, which satisfies the module it instantiates', () => {
    const instances = ast.definitions.filter((d) => d.kind === 'core-instance');
    expect(instances.map((d) => (d.kind === 'core-instance' ? d.expr.kind : ''))).toEqual([
      'instantiate',
      'exports',
      'instantiate',
    ]);
    expect(instances[2]).toMatchObject({
      expr: { kind: 'instantiate', module: 1, args: [{ name: 'host', instance: 1 }] },
    });
  });
});

describe('nested components', () => {
  const ast = parse('nested-components');

  it('parses components two levels deep, each with its own definitions', () => {
    const adder = ast.definitions.find((d) => d.kind === 'component');
    if (adder?.kind !== 'component') throw new Error('no component');
    const deepest = adder.component.definitions.find((d) => d.kind === 'component');
    if (deepest?.kind !== 'component') throw new Error('no nested component');
    expect(deepest.component.type).toEqual({
      kind: 'component',
      imports: [],
      exports: [{ name: 'zero', type: { kind: 'func', params: [], result: { kind: 'u32' }, isAsync: false } }],
    });
    expect(adder.component.type.exports.map((e) => [e.name, e.type.kind])).toEqual([
      ['num', 'type'],
      ['make', 'func'],
      ['get', 'func'],
      ['deep', 'instance'],
    ]);
  });

  it('types an instantiated component by its exports, through which aliases reach two levels down', () => {
    const instances = ast.definitions.filter((d) => d.kind === 'instance');
    expect(instances).toHaveLength(2);
    expect(instances[0]).toMatchObject({
      expr: { kind: 'instantiate', component: 0, args: [{ name: 'get', item: { sort: { kind: 'func' }, index: 0 } }] },
    });
    expect(asFunc(exportOf(ast, 'make'))).toEqual({
      kind: 'func',
      params: [{ name: 'n', type: { kind: 'u32' } }],
      result: { kind: 'record', fields: [{ name: 'value', type: { kind: 'u32' } }], name: 'num' },
      isAsync: false,
    });
    expect(asFunc(exportOf(ast, 'zero')).result).toEqual({ kind: 'u32' });
  });
});

describe('wasi-command: instance imports under interface names', () => {
  const ast = parse('wasi-command');
  const imports = new Map(ast.type.imports.map((i) => [i.name, i.type]));

  it('lists the imports and the export by their versioned interface names', () => {
    expect([...imports.keys()]).toEqual([
      'wasi:io/streams@0.2.3',
      'wasi:cli/stdout@0.2.3',
      'wasi:cli/environment@0.2.3',
    ]);
    expect(ast.type.exports.map((e) => e.name)).toEqual(['wasi:cli/run@0.2.3']);
  });

  it('names the types an interface exports and gives them its interface name, wherever they are used', () => {
    const streams = asInstance(imports.get('wasi:io/streams@0.2.3'));
    const exports = new Map(streams.exports.map((e) => [e.name, e.type]));
    const error = typeExport(exports.get('error'));
    expect(error).toEqual({
      kind: 'resource',
      origin: 'abstract',
      name: 'error',
      interfaceName: 'wasi:io/streams@0.2.3',
    });
    const streamError = typeExport(exports.get('stream-error'));
    expect(streamError).toMatchObject({
      kind: 'variant',
      name: 'stream-error',
      interfaceName: 'wasi:io/streams@0.2.3',
    });
    const write = asFunc(exports.get('[method]output-stream.blocking-write-and-flush'));
    expect(write.params.map((p) => p.name)).toEqual(['self', 'contents']);
    // The result's error is the same named type, with its interface name.
    expect(write.result).toEqual({ kind: 'result', ok: undefined, err: streamError });
    expect(write.result?.kind === 'result' && write.result.err).toBe(streamError);
  });

  it('keeps a resource used by another interface (through an outer alias) the same object', () => {
    const streams = asInstance(imports.get('wasi:io/streams@0.2.3'));
    const outputStream = typeExport(streams.exports.find((e) => e.name === 'output-stream')?.type);
    const stdout = asInstance(imports.get('wasi:cli/stdout@0.2.3'));
    expect(typeExport(stdout.exports[0]?.type)).toBe(outputStream);
    const getStdout = asFunc(stdout.exports[1]?.type);
    expect(getStdout.result?.kind === 'own' && getStdout.result.resource).toBe(outputStream);
  });

  it('resolves the functions of an interface with no types of its own, and the run export', () => {
    const env = asInstance(imports.get('wasi:cli/environment@0.2.3'));
    expect(asFunc(env.exports[0]?.type).result).toEqual({
      kind: 'list',
      element: { kind: 'tuple', types: [{ kind: 'string' }, { kind: 'string' }] },
    });
    const run = asInstance(exportOf(ast, 'wasi:cli/run@0.2.3'));
    expect(run.exports).toEqual([
      {
        name: 'run',
        type: { kind: 'func', params: [], result: { kind: 'result', ok: undefined, err: undefined }, isAsync: false },
      },
    ]);
  });
});
