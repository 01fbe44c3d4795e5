import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CompileError, WasmParseError } from '../../../src/runtime/errors.js';
import { Module } from '../../../src/runtime/module.js';
import { parseCompiledModule, parseModule } from '../../../src/runtime/parser/index.js';
import { errorOf } from '../../helpers/errors.js';
import {
  body,
  custom,
  END,
  EXTERNREF,
  FUNCREF,
  functype,
  HEADER,
  I32,
  module,
  name,
  section,
  u32,
  vec,
} from './binary.js';

/** The WasmParseError parseModule throws for `bytes`. */
const parseError = (bytes: Uint8Array): WasmParseError => errorOf(() => parseModule(bytes), WasmParseError);

// A small valid module, section by section, to break one piece at a time.
const TYPE = section(1, vec([functype([I32, I32], [I32])])); // (i32, i32) -> i32
const FUNCTION = section(3, vec([[0]])); // one function of type 0
const EXPORT = section(7, vec([[...name('add'), 0x00, 0]])); // export "add" = func 0
const CODE = section(10, vec([body([0x20, 0, 0x20, 1, 0x6a])])); // local.get 0, local.get 1, i32.add
const GOOD = module(TYPE, FUNCTION, EXPORT, CODE);

describe('well-formed hand-made modules', () => {
  it('parses the base module that the cases below break, and V8 agrees it is valid', () => {
    expect(WebAssembly.validate(GOOD)).toBe(true);
    const info = parseModule(GOOD);
    expect(info.exports.map((e) => e.name)).toEqual(['add']);
    expect(info.codeCount).toBe(1);
  });

  it('parses the empty module (header only)', () => {
    const info = parseModule(new Uint8Array(HEADER));
    expect(info.sections).toEqual([]);
    expect(info.start).toBeNull();
  });

  it('parses element segments of all 8 encodings', () => {
    const offset0 = [0x41, 0, END]; // i32.const 0
    const refFunc0 = [0xd2, 0, END]; // ref.func 0
    const segments = [
      [0, ...offset0, ...vec([[0]])], // 0: active table 0, func indices
      [1, 0x00, ...vec([[0]])], // 1: passive, elemkind, func indices
      [2, 1, ...offset0, 0x00, ...vec([[0]])], // 2: active table 1, elemkind, func indices
      [3, 0x00, ...vec([[0]])], // 3: declarative, elemkind, func indices
      [4, ...offset0, ...vec([refFunc0, [0xd0, FUNCREF, END]])], // 4: active table 0, expressions
      [5, FUNCREF, ...vec([refFunc0])], // 5: passive, reftype, expressions
      [6, 1, ...offset0, FUNCREF, ...vec([refFunc0])], // 6: active table 1, reftype, expressions
      [7, FUNCREF, ...vec([refFunc0])], // 7: declarative, reftype, expressions
    ];
    const bytes = module(
      section(1, vec([functype([], [])])),
      section(3, vec([[0]])),
      section(
        4,
        vec([
          [FUNCREF, 0x00, 4],
          [FUNCREF, 0x00, 4],
        ]),
      ), // two tables of 4 funcrefs
      section(9, vec(segments)),
      section(10, vec([body([])])),
    );
    expect(WebAssembly.validate(bytes)).toBe(true);
    const info = parseModule(bytes);
    expect(info.elementCount).toBe(8);
    expect(info.features.has('bulk-memory')).toBe(true);
    expect(info.features.has('reference-types')).toBe(true);
  });

  it('parses data segments of all 3 encodings with a data count', () => {
    const bytes = module(
      section(5, vec([[0x00, 1]])), // memory 1
      section(12, u32(3)), // data count 3
      section(
        11,
        vec([
          [0, 0x41, 8, END, ...vec([[1], [2]])], // 0: active memory 0 at 8
          [1, ...vec([[3]])], // 1: passive
          [2, 0, 0x41, 0, END, ...vec([])], // 2: active with memory index 0
        ]),
      ),
    );
    expect(WebAssembly.validate(bytes)).toBe(true);
    const info = parseModule(bytes);
    expect(info.dataCount).toBe(3);
    expect(info.dataSegmentCount).toBe(3);
  });

  it('parses a table with an initializer expression (0x40 0x00 form)', () => {
    const bytes = module(
      section(1, vec([functype([], [])])),
      section(3, vec([[0]])),
      section(4, vec([[0x40, 0x00, 0x63, 0x00, 0x00, 2, 0xd2, 0, END]])), // (table 2 (ref null 0) (ref.func 0))
      section(10, vec([body([])])),
    );
    const info = parseModule(bytes);
    expect(info.tables).toEqual([{ elementType: '(ref null 0)', minimum: 2, maximum: null, index64: false }]);
  });

  it('parses GC types: rec groups, sub, struct and array', () => {
    const bytes = module(
      section(
        1,
        vec([
          [
            0x4e,
            ...vec([
              [
                0x5f,
                ...vec([
                  [0x63, 0x00, 0x01],
                  [0x78, 0x00],
                ]),
              ],
              [0x5e, 0x7f, 0x01],
            ]),
          ], // rec { struct, array }
          [0x50, ...vec([[0]]), 0x5f, 0x00], // sub 0 (struct)
          [0x4f, ...vec([]), 0x60, 1, 0x64, 0x6e, 1, 0x63, 0x01], // sub final (func (ref any) -> (ref null 1))
        ]),
      ),
    );
    const info = parseModule(bytes);
    expect(info.types).toEqual([
      {
        kind: 'struct',
        fields: [
          { type: '(ref null 0)', mutable: true },
          { type: 'i8', mutable: false },
        ],
      },
      { kind: 'array', element: { type: 'i32', mutable: true } },
      { kind: 'struct', fields: [] },
      { kind: 'func', params: ['(ref any)'], results: ['(ref null 1)'] },
    ]);
    expect(info.subTypes).toEqual([
      { isFinal: true, supertypes: [] },
      { isFinal: true, supertypes: [] },
      { isFinal: false, supertypes: [0] },
      { isFinal: true, supertypes: [] },
    ]);
    expect(info.recGroups).toEqual([{ first: 0, count: 2 }]);
    expect(info.features.has('gc')).toBe(true);
  });

  it('parses table64 and memory flags 0x00 to 0x07', () => {
    const memories = [0, 1, 2, 3, 4, 5, 6, 7].map((flags) => [flags, 1, ...(flags & 1 ? [2] : [])]);
    const bytes = module(section(4, vec([[EXTERNREF, 0x05, 1, 9]])), section(5, vec(memories)));
    const info = parseModule(bytes);
    expect(info.tables).toEqual([{ elementType: 'externref', minimum: 1, maximum: 9, index64: true }]);
    expect(info.memories.map((m) => [m.shared, m.index64, m.maximum])).toEqual([
      [false, false, null],
      [false, false, 2],
      [true, false, null],
      [true, false, 2],
      [false, true, null],
      [false, true, 2],
      [true, true, null],
      [true, true, 2],
    ]);
    for (const f of ['threads', 'memory64', 'multi-memory', 'reference-types'] as const) {
      expect(info.features.has(f)).toBe(true);
    }
  });
});

describe('malformed modules give WasmParseError with a precise code and offset', () => {
  it('rejects a non-Uint8Array argument with ArgumentError', () => {
    expect(() => parseModule(GOOD.buffer as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'ERR_ARG_TYPE', message: expect.stringContaining('ArrayBuffer') }),
    );
    expect(() => parseModule(null as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'ERR_ARG_TYPE' }));
    expect(parseModule(Buffer.from(GOOD)).exports).toHaveLength(1);
  });

  it.each<[string, number[], string, number]>([
    ['empty input', [], 'ERR_UNEXPECTED_EOF', 0],
    ['bad magic', [0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0], 'ERR_BAD_MAGIC', 3],
    ['an ELF file', [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 'ERR_BAD_MAGIC', 0],
    ['bad version', [0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0], 'ERR_BAD_VERSION', 4],
    ['a component-model layer', [0x00, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0], 'ERR_BAD_VERSION', 4],
    ['a truncated version', [0x00, 0x61, 0x73, 0x6d, 1, 0], 'ERR_UNEXPECTED_EOF', 6],
  ])('%s', (_what, bytes, code, offset) => {
    const error = parseError(new Uint8Array(bytes));
    expect(error.code).toBe(code);
    expect(error.offset).toBe(offset);
  });

  it('rejects a section out of order (table after memory), at the misplaced section', () => {
    const memory = section(5, vec([[0, 1]]));
    const bytes = module(TYPE, memory, section(4, vec([[FUNCREF, 0, 1]])));
    const error = parseError(bytes);
    expect(error.code).toBe('ERR_SECTION_ORDER');
    expect(error.offset).toBe(8 + TYPE.length + memory.length);
    expect(error.message).toContain('table section must come before the memory section');
  });

  it('rejects a duplicate section', () => {
    const error = parseError(module(TYPE, TYPE));
    expect(error.code).toBe('ERR_SECTION_ORDER');
    expect(error.message).toContain('duplicate type section');
    expect(error.offset).toBe(8 + TYPE.length);
  });

  it('rejects a data count section after the code section, and accepts tag between memory and global', () => {
    expect(parseError(module(TYPE, FUNCTION, CODE, section(12, [0]))).code).toBe('ERR_SECTION_ORDER');
    const tagged = module(
      section(1, vec([functype([I32], [])])),
      section(5, vec([[0, 1]])),
      section(13, vec([[0x00, 0]])), // tag of type 0
      section(6, vec([[I32, 0, 0x41, 0, END]])), // global i32 = 0
    );
    expect(parseModule(tagged).tags).toEqual([0]);
    expect(parseError(module(section(6, vec([])), section(13, vec([])))).code).toBe('ERR_SECTION_ORDER');
  });

  it('rejects an unknown section id', () => {
    const error = parseError(module(section(14, [])));
    expect(error.code).toBe('ERR_BAD_SECTION');
    expect(error.offset).toBe(8);
  });

  it('rejects a section size larger than the bytes left', () => {
    const bytes = module([1, 50, 1, 0x60, 0, 0]); // type section claiming 50 bytes
    const error = parseError(bytes);
    expect(error.code).toBe('ERR_SECTION_SIZE');
    expect(error.detail).toContain('declares 50 bytes but only 4 remain');
  });

  it('rejects a section whose contents end before its declared size', () => {
    const bytes = module([1, 5, ...vec([functype([], [])]), 0xaa]); // 4 bytes of type section + 1 stray byte
    const error = parseError(bytes);
    expect(error.code).toBe('ERR_SECTION_SIZE');
    expect(error.offset).toBe(8 + 2 + 4);
  });

  it('rejects a section whose contents run past its declared size', () => {
    const bytes = module([1, 3, ...vec([functype([], [])])]); // the type needs 4 bytes, the section declares 3
    expect(parseError(bytes).code).toBe('ERR_UNEXPECTED_EOF');
    expect(parseError(bytes).detail).toContain('type section ends');
  });

  it('rejects a count larger than the section, before allocating', () => {
    const bytes = module(section(1, [...u32(1_000_000), ...functype([], [])]));
    const error = parseError(bytes);
    expect(error.code).toBe('ERR_UNEXPECTED_EOF');
    expect(error.detail).toContain('1000000 types cannot fit');
  });

  it("rejects counts beyond V8's limits", () => {
    const bytes = module(section(3, [...u32(1_000_001)]));
    expect(parseError(bytes).code).toBe('ERR_LIMIT');
  });

  it('rejects a bad LEB128 in a section size', () => {
    const bytes = module([1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
    expect(parseError(bytes).code).toBe('ERR_BAD_LEB');
    expect(parseError(bytes).offset).toBe(9);
  });

  it('rejects a bad UTF-8 export name, at the name', () => {
    const bytes = module(TYPE, FUNCTION, section(7, vec([[2, 0xc3, 0x28, 0x00, 0]])), CODE);
    const error = parseError(bytes);
    expect(error.code).toBe('ERR_BAD_UTF8');
    expect(error.offset).toBe(8 + TYPE.length + FUNCTION.length + 4); // id, size, count, length, then the name
  });

  it('rejects a bad value type', () => {
    const bytes = module(section(1, vec([[0x60, 1, 0x55, 0]])));
    const error = parseError(bytes);
    expect(error.code).toBe('ERR_BAD_TYPE');
    expect(error.offset).toBe(8 + 2 + 3);
    expect(error.detail).toContain('0x55');
  });

  it('rejects a bad type form', () => {
    expect(parseError(module(section(1, vec([[0x61, 0, 0]])))).code).toBe('ERR_BAD_TYPE');
  });

  it('rejects a code count that differs from the function count', () => {
    const bytes = module(TYPE, FUNCTION, section(10, vec([body([]), body([])])));
    const error = parseError(bytes);
    expect(error.code).toBe('ERR_COUNT_MISMATCH');
    expect(error.detail).toContain('2 function bodies but the function section declares 1');
  });

  it('rejects functions without a code section', () => {
    expect(parseError(module(TYPE, FUNCTION)).code).toBe('ERR_COUNT_MISMATCH');
  });

  it('rejects a data count that disagrees with the data section', () => {
    const bytes = module(section(5, vec([[0, 1]])), section(12, u32(2)), section(11, vec([[1, ...vec([])]])));
    expect(parseError(bytes).code).toBe('ERR_COUNT_MISMATCH');
  });

  it.each<[string, number[][], string]>([
    ['an unknown import kind', [section(2, vec([[...name('m'), ...name('x'), 0x05, 0]]))], 'ERR_BAD_VALUE'],
    ['an import of a missing type', [section(2, vec([[...name('m'), ...name('f'), 0x00, 3]]))], 'ERR_BAD_VALUE'],
    [
      'a function import whose type is a struct',
      [section(1, vec([[0x5f, 0]])), section(2, vec([[...name('m'), ...name('f'), 0x00, 0]]))],
      'ERR_BAD_TYPE',
    ],
    ['memory flags 0x08', [section(5, vec([[0x08, 1]]))], 'ERR_BAD_VALUE'],
    ['table limits flags 0x02', [section(4, vec([[FUNCREF, 0x02, 1]]))], 'ERR_BAD_VALUE'],
    ['a mutability flag of 2', [section(6, vec([[I32, 2, 0x41, 0, END]]))], 'ERR_BAD_VALUE'],
    ['a global initializer without end', [section(6, vec([[I32, 0, 0x41, 0]]))], 'ERR_UNEXPECTED_EOF'],
    ['a non-constant initializer', [section(6, vec([[I32, 0, 0x20, 0, END]]))], 'ERR_BAD_VALUE'],
    ['an export of a missing function', [section(7, vec([[...name('f'), 0x00, 0]]))], 'ERR_BAD_VALUE'],
    ['an unknown export kind', [section(7, vec([[...name('f'), 0x07, 0]]))], 'ERR_BAD_VALUE'],
    ['a start function that does not exist', [section(8, u32(4))], 'ERR_BAD_VALUE'],
    ['element segment flags 8', [section(9, vec([[8]]))], 'ERR_BAD_VALUE'],
    ['data segment flags 3', [section(11, vec([[3]]))], 'ERR_BAD_VALUE'],
    ['a data segment longer than the section', [section(11, vec([[1, 10, 1, 2]]))], 'ERR_UNEXPECTED_EOF'],
    ['a tag attribute of 1', [TYPE, section(13, vec([[0x01, 0]]))], 'ERR_BAD_VALUE'],
    ['a custom section name past the section', [[0, 2, 5, 0x61]], 'ERR_UNEXPECTED_EOF'],
    ['an empty custom section (no name)', [[0, 0]], 'ERR_UNEXPECTED_EOF'],
  ])('rejects %s', (_what, sections, code) => {
    const error = parseError(module(...sections));
    expect(error.code).toBe(code);
    expect(error.offset).toBeGreaterThanOrEqual(8);
  });

  it('rejects a module truncated at every byte that is not a section boundary', () => {
    const real = new Uint8Array(readFileSync(new URL('./data/sort.wasm', import.meta.url)));
    const info = parseModule(real);
    const boundaries = new Set([8, ...info.sections.map((s) => s.contentOffset + s.size)]);
    let rejected = 0;
    for (let n = 0; n < real.length; n++) {
      const prefix = real.subarray(0, n);
      if (boundaries.has(n)) {
        // A prefix that ends between sections is a module with fewer sections: fine, unless the code is missing.
        try {
          parseModule(prefix);
        } catch (error) {
          expect(error).toBeInstanceOf(WasmParseError);
          expect((error as WasmParseError).code).toBe('ERR_COUNT_MISMATCH');
        }
        continue;
      }
      const error = parseError(prefix);
      expect(error.offset).toBeLessThanOrEqual(n);
      rejected++;
    }
    expect(rejected).toBe(real.length - [...boundaries].filter((b) => b < real.length).length);
  });

  it('survives a malformed name section and keeps the custom section', () => {
    const names = custom('name', [0x01, 0x03, 0x05, 0x00, 0x80]); // function names: 5 entries declared, junk inside
    const info = parseModule(module(TYPE, FUNCTION, CODE, names));
    expect(info.names.functions.size).toBe(0);
    expect(info.customSections.map((c) => c.name)).toEqual(['name']);
  });

  it('keeps the names decoded before a malformed name subsection', () => {
    const good = [0x00, ...u32(name('mod').length), ...name('mod')]; // module name "mod"
    const bad = [0x01, 0x02, 0x01, 0x00]; // function names: one entry, cut short
    const info = parseModule(module(TYPE, FUNCTION, CODE, custom('name', [...good, ...bad])));
    expect(info.names.module).toBe('mod');
  });
});

describe('parseCompiledModule: for bytes V8 compiles too', () => {
  // The code section of GOOD with its one body's size set to 0 (and the body's bytes after it,
  // so the section's size still holds): the one check parseCompiledModule leaves to V8.
  const EMPTY_BODY = module(TYPE, FUNCTION, EXPORT, section(10, vec([[0x00, 0x00, 0x20, 0, 0x20, 1, 0x6a, END]])));

  it('gives what parseModule gives for a valid module', () => {
    const { names: _n1, ...full } = parseModule(GOOD);
    const { names: _n2, ...compiled } = parseCompiledModule(GOOD);
    expect(compiled).toEqual(full);
    const simple = new Uint8Array(readFileSync('fixtures/simple.wasm'));
    expect(parseCompiledModule(simple).exports).toEqual(parseModule(simple).exports);
  });

  it("leaves the bodies to V8: Module reports V8's error for a body parseModule refuses", async () => {
    expect(parseError(EMPTY_BODY).detail).toContain('function body 0 is empty');
    expect(parseCompiledModule(EMPTY_BODY).codeCount).toBe(1);
    expect(WebAssembly.validate(EMPTY_BODY)).toBe(false);
    for (const make of [() => new Module(EMPTY_BODY), () => Module.from(EMPTY_BODY)]) {
      const error = await Promise.resolve()
        .then(make)
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(CompileError);
      expect((error as CompileError).code).toBe('ERR_COMPILE');
    }
  });

  it("still checks the code count, and a header error is thrown before V8's verdict", async () => {
    const twoBodies = module(TYPE, FUNCTION, section(10, vec([body([]), body([])])));
    expect(errorOf(() => parseCompiledModule(twoBodies), WasmParseError).code).toBe('ERR_COUNT_MISMATCH');
    const notWasm = new Uint8Array([0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0]);
    await expect(Module.from(notWasm)).rejects.toMatchObject({ code: 'ERR_BAD_MAGIC' });
  });
});
