import { describe, expect, it } from 'vitest';
import { WasmParseError } from '../../../src/runtime/errors.js';
import { parseModule } from '../../../src/runtime/parser/index.js';
import type { ExternKind, ModuleInfo } from '../../../src/runtime/parser/types.js';
import { wat } from '../../helpers/wat.js';
import { buildFixtures } from './fixtures.js';

const V8_KIND: Record<ExternKind, string> = {
  func: 'function',
  table: 'table',
  memory: 'memory',
  global: 'global',
  tag: 'tag',
};

const fixtures = await buildFixtures();

function parse(key: string): ModuleInfo {
  return parseModule(fixtures[key]!);
}

describe('parseModule on text fixtures', () => {
  it('reads imports of every kind with their types', () => {
    const info = parse('importsOfEveryKind');
    expect(info.imports.map((i) => [i.module, i.name, i.desc.kind])).toEqual([
      ['env', 'f', 'func'],
      ['env', 'tbl', 'table'],
      ['env', 'ext', 'table'],
      ['env', 'mem', 'memory'],
      ['env', 'g32', 'global'],
      ['env', 'g64', 'global'],
      ['env', 'gf32', 'global'],
      ['env', 'gf64', 'global'],
      ['env', 'gref', 'global'],
      ['env', 'tag', 'tag'],
    ]);
    const [f, tbl, ext, mem, g32, g64, gf32, gf64, gref, tag] = info.imports.map((i) => i.desc);
    expect(f).toEqual({ kind: 'func', typeIndex: 0, type: { kind: 'func', params: ['i32', 'i64'], results: ['f32'] } });
    expect(tbl).toEqual({ kind: 'table', type: { elementType: 'funcref', minimum: 2, maximum: 10, index64: false } });
    expect(ext).toEqual({
      kind: 'table',
      type: { elementType: 'externref', minimum: 1, maximum: null, index64: false },
    });
    expect(mem).toEqual({ kind: 'memory', type: { minimum: 1, maximum: 4, shared: true, index64: false } });
    expect(g32).toEqual({ kind: 'global', type: { type: 'i32', mutable: false } });
    expect(g64).toEqual({ kind: 'global', type: { type: 'i64', mutable: true } });
    expect(gf32).toEqual({ kind: 'global', type: { type: 'f32', mutable: false } });
    expect(gf64).toEqual({ kind: 'global', type: { type: 'f64', mutable: true } });
    expect(gref).toEqual({ kind: 'global', type: { type: 'externref', mutable: false } });
    expect(tag?.kind).toBe('tag');
    expect(info.importedFunctionCount).toBe(1);
    expect(info.importedTableCount).toBe(2);
    expect(info.importedMemoryCount).toBe(1);
    expect(info.importedGlobalCount).toBe(5);
    expect(info.importedTagCount).toBe(1);
    // An export of an imported function gets the import's type.
    expect(info.exports[0]).toEqual({ name: 'f', index: 0, desc: f });
    expect(info.exports[1]).toEqual({ name: 'g64', index: 1, desc: g64 });
    expect([...info.features].sort()).toEqual(['exceptions', 'mutable-globals', 'reference-types', 'threads'].sort());
  });

  it('reads memory64 limits and flags', () => {
    const info = parse('memory64');
    expect(info.memories).toEqual([{ minimum: 2, maximum: 100, shared: false, index64: true }]);
    expect(info.features.has('memory64')).toBe(true);
  });

  it('reads multi-value function types', () => {
    const info = parse('multiValue');
    expect(info.types).toContainEqual({ kind: 'func', params: ['i32', 'i64'], results: ['i64', 'i32'] });
    expect(info.exports.map((e) => e.desc.kind === 'func' && e.desc.type.results)).toEqual([['i64', 'i32'], []]);
    expect(info.features.has('multi-value')).toBe(true);
    expect(info.codeCount).toBe(2);
  });

  it('reads globals of every type and skips their initializers', () => {
    const info = parse('globalsOfEveryType');
    expect(info.globals).toEqual([
      { type: 'i32', mutable: false },
      { type: 'i64', mutable: true },
      { type: 'f32', mutable: false },
      { type: 'f64', mutable: true },
      { type: 'v128', mutable: false },
      { type: 'externref', mutable: false },
      { type: 'funcref', mutable: false },
      { type: 'i32', mutable: false },
    ]);
    expect(info.importedGlobalCount).toBe(1);
    expect(info.exports.map((e) => [e.name, e.index])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
      ['e', 5],
      ['f', 6],
      ['g', 7],
      ['h', 8],
    ]);
    for (const f of ['simd', 'reference-types', 'mutable-globals'] as const) {
      expect(info.features.has(f), f).toBe(true);
    }
    expect(info.features.has('extended-const')).toBe(false);
  });

  it('decodes extended constant expressions', () => {
    const info = parse('extendedConst');
    expect(info.globals).toEqual([
      { type: 'i32', mutable: false },
      { type: 'i64', mutable: false },
    ]);
    expect(info.features.has('extended-const')).toBe(true);
  });

  it('decodes the name section: module name and function names across the index space', () => {
    const info = parse('names');
    expect(info.names.module).toBe('the_module');
    expect([...info.names.functions]).toEqual([
      [0, 'log'],
      [1, 'first'],
      [2, 'second'],
    ]);
    expect(info.customSections.map((c) => c.name)).toEqual(['name']);
  });

  it('reads start, tables and exports of tables', () => {
    const info = parse('startAndTables');
    expect(info.start).toBe(0);
    expect(info.tables.map((t) => t.elementType)).toEqual(['funcref', 'externref']);
    expect(info.exports).toEqual([{ name: 't2', index: 1, desc: { kind: 'table', type: info.tables[1] } }]);
    expect(info.features.has('reference-types')).toBe(true);
    expect(info.sections.map((s) => s.name)).toContain('start');
  });

  it('counts element segments of every encoding the text format produces', () => {
    const info = parse('elementSegments');
    expect(info.elementCount).toBe(8);
    expect(info.codeCount).toBe(2);
  });

  it('counts data segments, active and passive, and reads the data count', () => {
    const info = parse('dataSegments');
    expect(info.dataSegmentCount).toBe(3);
    expect(info.dataCount).toBe(3);
    expect(info.features.has('bulk-memory')).toBe(true);
    const names = info.sections.map((s) => s.name);
    expect(names.indexOf('datacount')).toBeLessThan(names.indexOf('code'));
  });

  it('reads tags, imported and defined, and resolves tag exports through the index space', () => {
    const info = parse('tags');
    expect(info.tags).toHaveLength(1);
    expect(info.importedTagCount).toBe(1);
    const byName = Object.fromEntries(info.exports.map((e) => [e.name, e]));
    expect(byName.b?.index).toBe(1);
    expect(byName.b?.desc).toMatchObject({ kind: 'tag', type: { params: ['i64', 'f64'], results: [] } });
    expect(byName.a?.desc).toMatchObject({ kind: 'tag', type: { params: ['i32'] } });
    expect(info.sections.map((s) => s.id)).toContain(13);
    expect(info.features.has('exceptions')).toBe(true);
  });

  it('marks exported mutable globals', () => {
    expect(parse('mutableGlobalExport').features.has('mutable-globals')).toBe(true);
    expect(parse('memory64').features.has('mutable-globals')).toBe(false);
  });

  it('decodes UTF-8 names', () => {
    expect(parse('utf8Names').exports.map((e) => e.name)).toEqual(['héllo wörld ✓ 🎉', 'mémoire']);
  });

  it('reads the committed simple.wasm (built by clang)', () => {
    const info = parse('simple');
    expect(info.exports.find((e) => e.name === 'sum')?.desc).toEqual({
      kind: 'func',
      typeIndex: 0,
      type: { kind: 'func', params: ['i32', 'i32'], results: ['i32'] },
    });
  });

  it('records section headers whose offsets and sizes tile the file', () => {
    for (const [key, bytes] of Object.entries(fixtures)) {
      const info = parseModule(bytes);
      let at = 8;
      for (const s of info.sections) {
        expect(s.offset, key).toBe(at);
        expect(bytes[s.offset], key).toBe(s.id);
        at = s.contentOffset + s.size;
      }
      expect(at, key).toBe(bytes.length);
      expect(info.byteLength).toBe(bytes.length);
    }
  });
});

describe('V8 as the oracle', () => {
  const valid = Object.entries(fixtures).filter(([, bytes]) => WebAssembly.validate(bytes));

  it('V8 accepts most fixtures (so the comparisons below mean something)', () => {
    expect(valid.length).toBeGreaterThanOrEqual(10);
  });

  it.each(valid)('%s: imports and exports equal WebAssembly.Module.imports/exports', (_key, bytes) => {
    const info = parseModule(bytes);
    const mod = new WebAssembly.Module(bytes);
    expect(info.imports.map((i) => ({ module: i.module, name: i.name, kind: V8_KIND[i.desc.kind] }))).toEqual(
      WebAssembly.Module.imports(mod),
    );
    expect(info.exports.map((e) => ({ name: e.name, kind: V8_KIND[e.desc.kind] }))).toEqual(
      WebAssembly.Module.exports(mod),
    );
  });

  it.each(valid)('%s: custom sections equal WebAssembly.Module.customSections', (_key, bytes) => {
    const info = parseModule(bytes);
    const mod = new WebAssembly.Module(bytes);
    for (const name of new Set(info.customSections.map((c) => c.name))) {
      const ours = info.customSections.filter((c) => c.name === name).map((c) => [...c.data]);
      const v8 = WebAssembly.Module.customSections(mod, name).map((b) => [...new Uint8Array(b)]);
      expect(ours).toEqual(v8);
    }
  });
});

describe('custom sections', () => {
  it('keeps custom sections before, between and after known sections, as views with offsets', async () => {
    const base = await wat('(module (memory 1) (func (export "f")))', { names: false });
    const cs = (n: string, payload: number[]) => [
      0,
      1 + n.length + payload.length,
      n.length,
      ...Buffer.from(n),
      ...payload,
    ];
    // header | custom "first" | type ... | custom "middle" | rest | custom "last"
    const typeSectionEnd = 8 + 2 + base[9]!;
    const bytes = new Uint8Array([
      ...base.subarray(0, 8),
      ...cs('first', [1, 2, 3]),
      ...base.subarray(8, typeSectionEnd),
      ...cs('middle', []),
      ...base.subarray(typeSectionEnd),
      ...cs('last', [9]),
      ...cs('last', [8, 7]),
    ]);
    const info = parseModule(bytes);
    expect(info.customSections.map((c) => [c.name, [...c.data]])).toEqual([
      ['first', [1, 2, 3]],
      ['middle', []],
      ['last', [9]],
      ['last', [8, 7]],
    ]);
    for (const c of info.customSections) {
      expect(c.data.buffer).toBe(bytes.buffer);
      expect(c.data.byteOffset).toBe(c.offset);
    }
    const mod = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.customSections(mod, 'last').map((b) => [...new Uint8Array(b)])).toEqual([[9], [8, 7]]);
    expect(info.sections.filter((s) => s.id === 0).map((s) => s.name)).toEqual(['first', 'middle', 'last', 'last']);
  });

  it('ignores a malformed name section instead of failing', async () => {
    const base = await wat('(module (func))', { names: false });
    // name section: subsection 1 (function names) claiming 5 entries but holding one, then junk UTF-8.
    const payload = [1, 6, 5, 0, 2, 0xff, 0xfe, 0x00];
    const bytes = new Uint8Array([...base, 0, 5 + payload.length, 4, ...Buffer.from('name'), ...payload]);
    const info = parseModule(bytes);
    expect(info.names.functions.size).toBe(0);
    expect(info.customSections[0]?.name).toBe('name');
  });

  it('rejects a custom section whose name runs past the section', () => {
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0, 2, 5, 0x61]);
    expect(() => parseModule(bytes)).toThrow(WasmParseError);
  });
});
