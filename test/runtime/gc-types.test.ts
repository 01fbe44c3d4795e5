// WebAssembly 3.0 types through the parser and `module.exports/imports/types` (issue 12):
// rec groups, sub / sub final, structs and arrays with packed and mutable fields, every
// reference type, tables with initializers, table64 / memory64 limits, several memories,
// tags, GC and extended constant expressions, and the extended name section. V8 is the
// oracle: Node 26's V8 must accept each module, and its reflection must agree with ours.
// On a Node whose V8 lacks GC (Node 20), the V8 checks are skipped by name, and the
// parser checks still run (our parser reads 3.0 whatever V8 runs).
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WasmParseError } from '../../src/runtime/errors.js';
import { ExportKind, Module } from '../../src/runtime/index.js';
import { parseModule } from '../../src/runtime/parser/index.js';
import { errorOf } from '../helpers/errors.js';
import {
  array,
  field,
  func,
  HEAP,
  limits,
  module,
  name,
  nameMap,
  nameSection,
  nameSubsection,
  rec,
  ref,
  refNull,
  section,
  struct,
  sub,
  T,
  u32,
  vec,
} from '../helpers/gc-binary.js';
import { hasGc, hasTable64, pointsModule, shapesModule, U64_MAX } from '../helpers/gc-modules.js';

const V8_KIND: Record<ExportKind, string> = {
  [ExportKind.FUNCTION]: 'function',
  [ExportKind.TABLE]: 'table',
  [ExportKind.MEMORY]: 'memory',
  [ExportKind.GLOBAL]: 'global',
  [ExportKind.TAG]: 'tag',
};

describe('the parser reads WebAssembly 3.0 types', () => {
  const info = parseModule(shapesModule());

  it('reads rec groups, sub / sub final with supertypes, structs and arrays with packed and mutable fields', () => {
    expect(info.types.slice(0, 4)).toEqual([
      {
        kind: 'struct',
        fields: [
          { type: 'i32', mutable: false },
          { type: 'i64', mutable: true },
        ],
      },
      {
        kind: 'struct',
        fields: [
          { type: 'i32', mutable: false },
          { type: 'i64', mutable: true },
          { type: 'i8', mutable: true },
          { type: 'i16', mutable: false },
        ],
      },
      { kind: 'array', element: { type: 'i8', mutable: true } },
      { kind: 'array', element: { type: '(ref null 0)', mutable: false } },
    ]);
    expect(info.subTypes.slice(0, 3)).toEqual([
      { isFinal: false, supertypes: [] },
      { isFinal: true, supertypes: [0] },
      { isFinal: true, supertypes: [] },
    ]);
    expect(info.recGroups).toEqual([{ first: 0, count: 2 }]);
    expect(info.subTypes).toHaveLength(info.types.length);
  });

  it('reads every reference type: abstract, bottom, nullable or not, and concrete', () => {
    expect(info.types[4]).toEqual({
      kind: 'func',
      params: [
        '(ref null 0)',
        'anyref',
        'eqref',
        'i31ref',
        'structref',
        'arrayref',
        'nullref',
        '(ref any)',
        '(ref 2)',
        '(ref null 3)',
      ],
      results: [
        'externref',
        'funcref',
        'exnref',
        'nullfuncref',
        'nullexternref',
        'nullexnref',
        '(ref none)',
        '(ref noexn)',
        '(ref extern)',
      ],
    });
  });

  it('reads table64 and memory64 limits exactly, tables with initializers, several memories, tags', () => {
    expect(info.imports.map((i) => i.desc)).toEqual([
      { kind: 'table', type: { elementType: 'funcref', minimum: 0, maximum: U64_MAX, index64: true } },
      { kind: 'memory', type: { minimum: 1, maximum: 65536, shared: false, index64: true } },
      { kind: 'global', type: { type: '(ref null 0)', mutable: true } },
      { kind: 'global', type: { type: 'i64', mutable: false } },
      { kind: 'tag', typeIndex: 5, type: { kind: 'func', params: ['i32', 'i64'], results: [] } },
    ]);
    expect(info.tables).toEqual([
      { elementType: '(ref null 0)', minimum: 1, maximum: null, index64: false },
      { elementType: 'funcref', minimum: 0, maximum: null, index64: false },
    ]);
    expect(info.memories).toEqual([
      { minimum: 0, maximum: 1, shared: false, index64: false },
      { minimum: 0, maximum: null, shared: false, index64: true },
    ]);
    expect(info.tags).toEqual([5]);
    expect(info.globals.map((g) => g.type)).toEqual([
      '(ref i31)',
      'i64',
      '(ref 3)',
      'anyref',
      'externref',
      '(ref null 0)',
    ]);
    for (const f of ['gc', 'memory64', 'multi-memory', 'exceptions', 'extended-const', 'reference-types'] as const) {
      expect(info.features.has(f), f).toBe(true);
    }
  });

  it('keeps a table64 maximum up to 2^53 - 1 a number and makes a larger one an exact bigint', () => {
    const table = (max: bigint) => parseModule(module(section(4, vec([[...T.funcref, ...limits(0, max, true)]]))));
    expect(table(2n ** 53n - 1n).tables[0]?.maximum).toBe(Number.MAX_SAFE_INTEGER);
    expect(table(2n ** 53n).tables[0]?.maximum).toBe(2n ** 53n);
    expect(table(U64_MAX).tables[0]?.maximum).toBe(18446744073709551615n);
  });

  it('reads the extended name section: type, table, memory, global, element, data, field and tag names', () => {
    const n = info.names;
    expect(n.module).toBe('shapes');
    expect([...n.functions]).toEqual([
      [0, 'f'],
      [1, 'thrower'],
    ]);
    expect([...n.types]).toEqual([
      [0, 'point'],
      [1, 'point3'],
      [2, 'bytes'],
      [4, 'sig'],
      [5, 'payload'],
    ]);
    expect([...n.tables]).toEqual([[1, 'structs']]);
    expect([...n.memories]).toEqual([[0, 'mem64']]);
    expect([...n.globals]).toEqual([[2, 'i31']]);
    expect([...n.elements]).toEqual([[0, 'fs']]);
    expect([...n.data]).toEqual([[0, 'bytes']]);
    expect([...n.tags]).toEqual([[1, 'own']]);
    expect([...n.fields].map(([t, m]) => [t, [...m]])).toEqual([
      [
        0,
        [
          [0, 'x'],
          [1, 'y'],
        ],
      ],
      [
        1,
        [
          [0, 'x'],
          [1, 'y'],
          [2, 'tag'],
          [3, 'w'],
        ],
      ],
    ]);
  });

  it('reads the name subsections after a damaged one, and never fails the parse for it', () => {
    const damaged = nameSubsection(4, [...u32(3), ...u32(0), 0x05, 0x61]); // 3 names, the first one cut short
    const bytes = module(
      section(1, vec([struct()])),
      nameSection(damaged, nameSubsection(11, nameMap([[0, 'e']])), nameSubsection(0, name('m'))),
    );
    const names = parseModule(bytes).names;
    expect(names.types.size).toBe(0);
    expect([...names.tags]).toEqual([[0, 'e']]);
    expect(names.module).toBe('m');
  });
});

describe('malformed GC types give WasmParseError with a code and offset, as V8 rejects them', () => {
  const cases: [string, Uint8Array, string, number][] = [
    [
      'a field mutability flag other than 0 or 1',
      module(section(1, vec([[0x5f, ...vec([[...T.i32, 0x02]])]]))),
      'ERR_BAD_VALUE',
      14, // header 8, section id and size, type count, 0x5f, field count, i32: the flag is byte 14
    ],
    ['an unknown storage type', module(section(1, vec([array([0x79, 0x00])]))), 'ERR_BAD_TYPE', 12],
    [
      'a rec group that declares more types than its section holds',
      module(section(1, vec([[0x4e, ...u32(5), ...struct()]]))),
      'ERR_UNEXPECTED_EOF',
      12, // the rec group's count
    ],
    ['a supertype list cut short', module(section(1, [...u32(1), 0x50, ...u32(2), 0x00])), 'ERR_UNEXPECTED_EOF', 12],
    [
      'a table64 maximum beyond 64 bits',
      module(section(4, vec([[...T.funcref, 0x05, 0x00, ...Array(10).fill(0xff), 0x01]]))),
      'ERR_BAD_LEB',
      14, // the maximum's first byte
    ],
  ];
  for (const [what, bytes, code, offset] of cases) {
    it(`rejects ${what}`, () => {
      const error = errorOf(() => parseModule(bytes), WasmParseError, what);
      expect([error.code, error.offset]).toEqual([code, offset]);
      expect(error.offset).toBeLessThanOrEqual(bytes.length);
      expect(WebAssembly.validate(bytes)).toBe(false);
    });
  }
});

describe.runIf(hasGc && hasTable64)('V8 (GC and table64 by default: Node 26) agrees', () => {
  it('accepts the module with every construct, and its reflection matches ours', () => {
    const bytes = shapesModule();
    const raw = new WebAssembly.Module(bytes);
    const module = new Module(bytes);
    expect(module.exports.map((e) => ({ name: e.name, kind: V8_KIND[e.kind] }))).toEqual(
      WebAssembly.Module.exports(raw),
    );
    expect(module.imports.map((i) => ({ module: i.namespace, name: i.name, kind: V8_KIND[i.kind] }))).toEqual(
      WebAssembly.Module.imports(raw),
    );
  });

  it('V8 type reflection (--experimental-wasm-type-reflection) spells every export and import type as we do', () => {
    // Type reflection is behind a flag that must be given when Node starts, so a child Node reports it.
    const script = `
      const bytes = Buffer.from(require('node:fs').readFileSync(0, 'utf8'), 'base64');
      const m = new WebAssembly.Module(bytes);
      const all = [...WebAssembly.Module.imports(m), ...WebAssembly.Module.exports(m)];
      process.stdout.write(JSON.stringify(all, (k, v) => (typeof v === 'bigint' ? String(v) : v)));`;
    const child = spawnSync(process.execPath, ['--experimental-wasm-type-reflection', '-e', script], {
      input: Buffer.from(shapesModule()).toString('base64'),
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    const v8 = JSON.parse(child.stdout) as { name: string; kind: string; type?: Record<string, unknown> }[];
    const info = parseModule(shapesModule());
    const ours = [...info.imports, ...info.exports].map(({ name, desc }) => {
      switch (desc.kind) {
        case 'func':
          return { name, kind: 'function', type: { parameters: desc.type.params, results: desc.type.results } };
        case 'table': {
          const t = desc.type;
          // V8 keeps a table's maximum as a u32: its reflection says 2^32 - 1 for anything above.
          const max =
            t.maximum === null ? undefined : String(BigInt(t.maximum) > 0xffffffffn ? 0xffffffffn : t.maximum);
          return {
            name,
            kind: 'table',
            type: { element: t.elementType, minimum: t.minimum, maximum: max, address: t.index64 ? 'i64' : 'i32' },
          };
        }
        case 'memory': {
          const t = desc.type;
          const max = t.maximum === null ? undefined : String(t.maximum);
          return {
            name,
            kind: 'memory',
            type: { minimum: t.minimum, maximum: max, shared: t.shared, address: t.index64 ? 'i64' : 'i32' },
          };
        }
        case 'global':
          return { name, kind: 'global', type: { mutable: desc.type.mutable, value: desc.type.type } };
        default:
          return { name, kind: 'tag' }; // V8 reflects no tag type
      }
    });
    const normal = (rows: { name: string; kind: string; type?: Record<string, unknown> }[]) =>
      rows.map((r) => ({
        name: r.name,
        kind: r.kind,
        ...(r.type === undefined
          ? {}
          : {
              type: Object.fromEntries(
                Object.entries(r.type)
                  .filter(([, v]) => v !== undefined)
                  .map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]),
              ),
            }),
      }));
    expect(normal(ours)).toEqual(normal(v8));
  });

  it('compiles the smaller modules a type section can hold: sub final chains, arrays of packed i16', () => {
    const bytes = module(
      section(
        1,
        vec([
          rec(
            sub(false, [], struct()),
            sub(false, [0], struct(field(T.i16, true))),
            sub(true, [1], struct(field(T.i16, true))),
          ),
          array(field(T.i16)),
          func([T.i32], [T.i32]),
        ]),
      ),
    );
    expect(WebAssembly.validate(bytes)).toBe(true);
    const info = parseModule(bytes);
    expect(info.subTypes.map((s) => [s.isFinal, s.supertypes])).toEqual([
      [false, []],
      [false, [0]],
      [true, [1]],
      [true, []],
      [true, []],
    ]);
  });

  it('calls functions that take and return typed references through our wrapper', () => {
    const instance = new Module(pointsModule()).instantiate();
    const { make, getx } = instance.exports as { make: (x: number, y: bigint) => object; getx: (p: unknown) => number };
    const p = make(41, 2n);
    expect(typeof p).toBe('object');
    expect(getx(p)).toBe(41);
    expect(() => getx(null)).toThrow(expect.objectContaining({ code: 'ERR_TRAP' }));
  });
});

describe.runIf(hasGc && hasTable64)(
  'module.exports, imports and types describe all of it (V8 with GC and table64)',
  () => {
    const module = hasGc && hasTable64 ? new Module(shapesModule()) : (null as unknown as Module);

    it('spells reference types as the text format does, with type names where the name section has them', () => {
      const f = module.exports.find((e) => e.name === 'f');
      expect(f).toEqual({
        kind: ExportKind.FUNCTION,
        name: 'f',
        type: {
          params: [
            '(ref null $point)',
            'anyref',
            'eqref',
            'i31ref',
            'structref',
            'arrayref',
            'nullref',
            '(ref any)',
            '(ref $bytes)',
            '(ref null 3)',
          ],
          results: [
            'externref',
            'funcref',
            'exnref',
            'nullfuncref',
            'nullexternref',
            'nullexnref',
            '(ref none)',
            '(ref noexn)',
            '(ref extern)',
          ],
        },
      });
    });

    it('gives memories and tables their address type and exact 64-bit bounds, tags their parameters', () => {
      const byName = new Map(module.exports.map((e) => [e.name, e]));
      expect(byName.get('tab64')).toEqual({
        kind: ExportKind.TABLE,
        name: 'tab64',
        elementType: 'funcref',
        minimumElements: 0,
        maximumElements: 18446744073709551615n,
        addressType: 'i64',
      });
      expect(byName.get('structs')).toMatchObject({ elementType: '(ref null $point)', addressType: 'i32' });
      expect(byName.get('mem64')).toEqual({
        kind: ExportKind.MEMORY,
        name: 'mem64',
        minimumPages: 1,
        maximumPages: 65536,
        shared: false,
        addressType: 'i64',
      });
      expect(byName.get('small')).toMatchObject({ addressType: 'i32', maximumPages: 1 });
      expect(byName.get('g')).toEqual({ kind: ExportKind.GLOBAL, name: 'g', type: '(ref null $point)', mutable: true });
      expect(byName.get('pts')).toMatchObject({ type: '(ref 3)', mutable: false });
      expect(byName.get('own')).toEqual({
        kind: ExportKind.TAG,
        name: 'own',
        type: { params: ['i32', 'i64'], results: [] },
      });
      expect(module.imports.find((i) => i.kind === ExportKind.TAG)).toEqual({
        kind: ExportKind.TAG,
        namespace: 'env',
        name: 'tag',
        type: { params: ['i32', 'i64'], results: [] },
      });
    });

    it('describes the type section: rec groups, finality, supertypes, fields with names', () => {
      const types = module.types;
      expect(types.map((t) => [t.index, t.name, t.text])).toEqual([
        [0, 'point', 'sub struct (field $x i32) (field $y (mut i64))'],
        [
          1,
          'point3',
          'sub final $point struct (field $x i32) (field $y (mut i64)) (field $tag (mut i8)) (field $w i16)',
        ],
        [2, 'bytes', 'array (mut i8)'],
        [3, null, 'array (ref null $point)'],
        [
          4,
          'sig',
          'func ((ref null $point), anyref, eqref, i31ref, structref, arrayref, nullref, (ref any), (ref $bytes), (ref null 3)) -> ' +
            '(externref, funcref, exnref, nullfuncref, nullexternref, nullexnref, (ref none), (ref noexn), (ref extern))',
        ],
        [5, 'payload', 'func (i32, i64) -> ()'],
        [6, null, 'func () -> ()'],
      ]);
      expect(types[1]).toEqual({
        index: 1,
        name: 'point3',
        kind: 'struct',
        text: types[1]?.text,
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
      expect(types[3]).toMatchObject({
        recGroup: null,
        element: { name: null, type: '(ref null $point)', mutable: false },
      });
      expect(types[5]).toMatchObject({
        kind: 'func',
        params: ['i32', 'i64'],
        results: [],
        isFinal: true,
        supertypes: [],
      });
    });
  },
);

describe.runIf(hasTable64)('a table64 with a maximum above 2^53 (V8 accepts any u64)', () => {
  it('compiles, and its exported Table has no maximum in effect', () => {
    const instance = new Module(pointsModule()).instantiate();
    expect(instance.module.exports.find((e) => e.name === 't64')).toMatchObject({
      maximumElements: U64_MAX,
      addressType: 'i64',
    });
    const table = instance.exports.t64 as { maximum: number | null };
    expect(table.maximum).toBeNull();
  });
});

// ---- generated type sections: whatever V8 accepts, we read as it was written ----

type StorageModel = { readonly bytes: number[]; readonly text: string };

const HEAP_NAMES = Object.keys(HEAP) as (keyof typeof HEAP)[];
const SHORTHAND: Record<string, string> = {
  func: 'funcref',
  extern: 'externref',
  any: 'anyref',
  eq: 'eqref',
  i31: 'i31ref',
  struct: 'structref',
  array: 'arrayref',
  exn: 'exnref',
  none: 'nullref',
  noextern: 'nullexternref',
  nofunc: 'nullfuncref',
  noexn: 'nullexnref',
};

/** A value type (or, with `packed`, a storage type) as bytes and as our parser spells it. */
function storageType(packed: boolean, typeCount: number): fc.Arbitrary<StorageModel> {
  const numeric = fc.constantFrom<StorageModel>(
    { bytes: T.i32, text: 'i32' },
    { bytes: T.i64, text: 'i64' },
    { bytes: T.f32, text: 'f32' },
    { bytes: T.f64, text: 'f64' },
    ...(packed
      ? [
          { bytes: T.i8, text: 'i8' },
          { bytes: T.i16, text: 'i16' },
        ]
      : []),
  );
  const abstract = fc
    .record({ heap: fc.constantFrom(...HEAP_NAMES), nullable: fc.boolean() })
    .map(({ heap, nullable }) => ({
      bytes: nullable ? refNull(heap) : ref(heap),
      text: nullable ? (SHORTHAND[heap] as string) : `(ref ${heap})`,
    }));
  const concrete = fc
    .record({ index: fc.nat({ max: typeCount - 1 }), nullable: fc.boolean() })
    .map(({ index, nullable }) => ({
      bytes: nullable ? refNull(index) : ref(index),
      text: nullable ? `(ref null ${index})` : `(ref ${index})`,
    }));
  return fc.oneof(numeric, abstract, concrete);
}

const MAX_GENERATED_TYPES = 6;

const composite = fc.oneof(
  fc
    .array(fc.record({ type: storageType(true, MAX_GENERATED_TYPES), mutable: fc.boolean() }), { maxLength: 4 })
    .map((fields) => ({
      bytes: struct(...fields.map((f) => field(f.type.bytes, f.mutable))),
      def: { kind: 'struct', fields: fields.map((f) => ({ type: f.type.text, mutable: f.mutable })) },
    })),
  fc.record({ type: storageType(true, MAX_GENERATED_TYPES), mutable: fc.boolean() }).map((f) => ({
    bytes: array(field(f.type.bytes, f.mutable)),
    def: { kind: 'array', element: { type: f.type.text, mutable: f.mutable } },
  })),
  fc
    .record({
      params: fc.array(storageType(false, MAX_GENERATED_TYPES), { maxLength: 3 }),
      results: fc.array(storageType(false, MAX_GENERATED_TYPES), { maxLength: 2 }),
    })
    .map(({ params, results }) => ({
      bytes: func(
        params.map((p) => p.bytes),
        results.map((r) => r.bytes),
      ),
      def: { kind: 'func', params: params.map((p) => p.text), results: results.map((r) => r.text) },
    })),
);

const subType = fc
  .record({
    composite,
    form: fc.constantFrom('plain', 'sub', 'sub final'),
    supertype: fc.option(fc.nat({ max: MAX_GENERATED_TYPES - 1 })),
  })
  .map(({ composite: c, form, supertype }) => {
    const supertypes = form === 'plain' || supertype === null ? [] : [supertype];
    return {
      bytes: form === 'plain' ? c.bytes : sub(form === 'sub final', supertypes, c.bytes),
      def: c.def,
      sub: { isFinal: form !== 'sub', supertypes },
    };
  });

const typeSection = fc
  .array(
    fc.oneof(
      subType.map((t) => [t]),
      fc.array(subType, { minLength: 1, maxLength: 3 }).map((g) => g),
    ),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map((entries) => {
    const explicit = entries.map((e) => e.length > 1);
    return { entries, explicit };
  })
  .filter(({ entries }) => entries.flat().length <= MAX_GENERATED_TYPES);

describe.runIf(hasGc)('generated GC type sections (V8 with GC as the oracle)', () => {
  it('every one V8 accepts, we parse into the types, subtypes and rec groups it was built from', () => {
    let accepted = 0;
    fc.assert(
      fc.property(typeSection, ({ entries, explicit }) => {
        const bytes = module(
          section(
            1,
            vec(entries.map((e, i) => (explicit[i] ? rec(...e.map((t) => t.bytes)) : (e[0]?.bytes as number[])))),
          ),
        );
        if (!WebAssembly.validate(bytes)) return;
        accepted++;
        const info = parseModule(bytes);
        const types = entries.flat();
        expect(info.types).toEqual(types.map((t) => t.def));
        expect(info.subTypes).toEqual(types.map((t) => t.sub));
        const groups: { first: number; count: number }[] = [];
        let first = 0;
        entries.forEach((e, i) => {
          if (explicit[i]) groups.push({ first, count: e.length });
          first += e.length;
        });
        expect(info.recGroups).toEqual(groups);
      }),
      // V8 accepts about 1 in 15 of the random sections: 1500 runs gave 98 (Node 24, in CI) and
      // 100 (Node 26, seeded) against the floor below. 3000 runs, from a fixed seed, so that no run fails by chance.
      { numRuns: 3000, seed: 20261201 },
    );
    // The property means something only if V8 accepted a fair share of what was generated.
    expect(accepted).toBeGreaterThan(100);
  });
});
