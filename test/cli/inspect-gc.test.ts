// `inspect` on WebAssembly 3.0 modules (issue 12): the type section (rec groups, sub /
// sub final, structs and arrays with named fields), reference types with type names,
// table64 / memory64 bounds (a u64 table maximum printed exactly), several memories, tags.
// inspect reads with our parser only, so this runs on every Node, with or without GC in V8.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { shapesModule } from '../helpers/gc-modules.js';
import { cli } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-inspect-gc-'));
  writeFileSync(join(dir, 'shapes.wasm'), shapesModule());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inspect on a WebAssembly 3.0 module', () => {
  it.concurrent('shows the type section, named reference types, 64-bit limits and tags', async ({ expect }) => {
    const r = await cli(['inspect', 'shapes.wasm'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = r.stdout;
    expect(text.slice(text.indexOf('counts'), text.indexOf('start:'))).toMatchInlineSnapshot(`
      "counts
        types 7, functions 2, tables 2 (+1 imported), memories 2 (+1 imported), globals 6 (+2 imported), tags 1 (+1 imported)
        element segments 1, data segments 1

      types (7)
        rec 0..1
          0 $point: sub struct (field $x i32) (field $y (mut i64))
          1 $point3: sub final $point struct (field $x i32) (field $y (mut i64)) (field $tag (mut i8)) (field $w i16)
        2 $bytes: array (mut i8)
        3: array (ref null $point)
        4 $sig: func ((ref null $point), anyref, eqref, i31ref, structref, arrayref, nullref, (ref any), (ref $bytes), (ref null 3)) -> (externref, funcref, exnref, nullfuncref, nullexternref, nullexnref, (ref none), (ref noexn), (ref extern))
        5 $payload: func (i32, i64) -> ()
        6: func () -> ()

      imports (5)
        env.tab64: table 0..18446744073709551615 funcref i64
        env.mem64: memory 1..65536 pages i64
        env.g: global mut (ref null $point)
        env.k: global i64
        env.tag: tag (i32, i64)

      exports (18)
        f: func ((ref null $point), anyref, eqref, i31ref, structref, arrayref, nullref, (ref any), (ref $bytes), (ref null 3)) -> (externref, funcref, exnref, nullfuncref, nullexternref, nullexnref, (ref none), (ref noexn), (ref extern))
        thrower: func () -> ()
        tab64: table 0..18446744073709551615 funcref i64
        structs: table 1..∞ (ref null $point)
        funcs: table 0..∞ funcref
        mem64: memory 1..65536 pages i64
        small: memory 0..1 pages
        big: memory 0..∞ pages i64
        g: global mut (ref null $point)
        k: global i64
        i31: global (ref i31)
        sum: global i64
        pts: global (ref 3)
        any: global anyref
        ext: global externref
        pt: global mut (ref null $point)
        tag: tag (i32, i64)
        own: tag (i32, i64)

      "
    `);
  });

  it.concurrent('--json: types with fields, finality, supertypes and rec groups; exact u64 bounds', async ({
    expect,
  }) => {
    const r = await cli(['inspect', 'shapes.wasm', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.types[1]).toEqual({
      index: 1,
      name: 'point3',
      kind: 'struct',
      type: 'sub final $point struct (field $x i32) (field $y (mut i64)) (field $tag (mut i8)) (field $w i16)',
      isFinal: true,
      supertypes: [0],
      recGroup: { first: 0, count: 2 },
      fields: [
        { name: 'x', type: 'i32', mutable: false },
        { name: 'y', type: 'i64', mutable: true },
        { name: 'tag', type: 'i8', mutable: true },
        { name: 'w', type: 'i16', mutable: false },
      ],
    });
    expect(doc.types[2]).toMatchObject({ kind: 'array', element: { name: null, type: 'i8', mutable: true } });
    // A u64 bound beyond 2^53 is a decimal string in JSON, so that it stays exact.
    expect(doc.imports[0]).toEqual({
      module: 'env',
      name: 'tab64',
      kind: 'table',
      type: 'table 0..18446744073709551615 funcref i64',
      elementType: 'funcref',
      minimum: 0,
      maximum: '18446744073709551615',
      index64: true,
    });
    expect(doc.exports.find((e: { name: string }) => e.name === 'f').params[0]).toBe('(ref null $point)');
    expect(doc.exports.find((e: { name: string }) => e.name === 'structs').elementType).toBe('(ref null $point)');
    expect(doc.exports.find((e: { name: string }) => e.name === 'own')).toMatchObject({
      kind: 'tag',
      type: 'tag (i32, i64)',
      params: ['i32', 'i64'],
    });
    expect(doc.counts).toMatchObject({ types: 7, memories: 2, importedMemories: 1, tags: 1, importedTags: 1 });
  });
});
