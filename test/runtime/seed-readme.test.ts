// The examples of the seed's README (wasmer-python), translated to TypeScript.
// Each block names the README section it comes from.
import { describe, expect, it } from 'vitest';
import { ExportKind, ImportKind, Instance, type Memory, Module, Value } from '../../src/runtime/index.js';
import { fixture, wat } from '../helpers/wat.js';

type Sum = { sum(x: unknown, y: unknown): number };

// The seed's import shapes, and its two custom sections, as text.
const IMPORTS_WAT = `(module
  (import "ns" "func" (func))
  (import "ns" "mem" (memory 3 4))
  (import "ns" "glo" (global f32))
  (import "ns" "tab" (table 1 2 funcref))
  (@custom "section1" "Wasmer")
  (@custom "section2" "Hello"))`;

// A "return_string" program like the seed's: a pointer to "Hello, World!\\0"
// at byte 42, and "Wasmer" at byte 0 for the raw buffer example.
const STRING_WAT = `(module
  (memory (export "memory") 1)
  (data (i32.const 0) "Wasmer")
  (data (i32.const 42) "Hello, World!\\00")
  (func (export "return_string") (result i32) i32.const 42))`;

describe('seed README', () => {
  it('Example: instance.exports.sum(5, 37) is 42', async () => {
    const wasmBytes = await fixture('simple');
    const instance = new Instance<Sum>(wasmBytes);
    const result = instance.exports.sum(5, 37);
    expect(result).toBe(42);
  });

  it('Exported functions: arguments cast automatically, or explicitly with Value', async () => {
    const instance = new Instance<Sum>(await fixture('simple'));
    expect(instance.exports.sum(1, 2)).toBe(3);
    expect(instance.exports.sum(Value.i32(1), Value.i32(2))).toBe(3);
  });

  it('Exported memory: instance.memory, or null without an exported memory', async () => {
    const instance = new Instance(await fixture('simple'));
    const view = instance.memory?.uint8View();
    expect(view?.length).toBe(17 * 65536);
    const noMemory = new Instance(await wat('(module (func (export "f")))'));
    expect(noMemory.memory).toBeNull();
  });

  it('The Module class: compile then instantiate', async () => {
    const module = new Module(await fixture('simple'));
    const instance = module.instantiate<Sum>();
    expect(instance.exports.sum(1, 2)).toBe(3);
  });

  it('Exports, imports, and custom sections', async () => {
    const module = new Module(await fixture('simple'));
    expect(module.exports).toMatchObject([
      { kind: ExportKind.MEMORY, name: 'memory' },
      { kind: ExportKind.TABLE, name: '__indirect_function_table' },
      { kind: ExportKind.GLOBAL, name: '__heap_base' },
      { kind: ExportKind.GLOBAL, name: '__data_end' },
      { kind: ExportKind.FUNCTION, name: 'sum' },
    ]);

    const withImports = new Module(await wat(IMPORTS_WAT, { names: false }));
    // The seed's rows in camelCase. Its element_type 'anyfunc' is the spec's
    // 'funcref'; functions also carry their type, memories `shared`, memories and tables `addressType`.
    expect(withImports.imports).toEqual([
      { kind: ImportKind.FUNCTION, namespace: 'ns', name: 'func', type: { params: [], results: [] } },
      {
        kind: ImportKind.MEMORY,
        namespace: 'ns',
        name: 'mem',
        minimumPages: 3,
        maximumPages: 4,
        shared: false,
        addressType: 'i32',
      },
      { kind: ImportKind.GLOBAL, namespace: 'ns', name: 'glo', mutable: false, type: 'f32' },
      {
        kind: ImportKind.TABLE,
        namespace: 'ns',
        name: 'tab',
        minimumElements: 1,
        maximumElements: 2,
        elementType: 'funcref',
        addressType: 'i32',
      },
    ]);

    expect([...withImports.customSectionNames].sort()).toEqual(['section1', 'section2']);
    const customSection1 = withImports.customSection('section1');
    expect(customSection1).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(customSection1 as Uint8Array)).toBe('Wasmer');
  });

  it('Serialization and deserialization', async () => {
    const module1 = new Module(await fixture('simple'));
    const serializedModule = module1.serialize();
    const module2 = Module.deserialize(serializedModule);
    expect(module2.instantiate<Sum>().exports.sum(1, 2)).toBe(3);
  });

  it('Module.validate', async () => {
    expect(Module.validate(await fixture('simple'))).toBe(true);
    expect(Module.validate(new TextEncoder().encode('The program seems corrupted.'))).toBe(false);
  });

  it('The Value class and its string form', () => {
    const valueI32 = Value.i32(7);
    const valueI64 = Value.i64(7);
    const valueF32 = Value.f32(7.42);
    const valueF64 = Value.f64(7.42);
    const valueV128 = Value.v128(7);
    expect(String(valueI32)).toBe('I32(7)');
    expect(String(valueI64)).toBe('I64(7)');
    expect(String(valueF32)).toBe('F32(7.42)');
    expect(String(valueF64)).toBe('F64(7.42)');
    expect(String(valueV128)).toBe('V128(7)');
  });

  it('Growing the memory', async () => {
    const instance = new Instance(await fixture('simple'));
    const memory = instance.memory as Memory;
    expect(memory.grow(1)).toBe(17);
    expect(memory.size).toBe(18);
  });

  it('Raw buffer access', async () => {
    const instance = new Instance(await wat(STRING_WAT));
    const memory = instance.memory as Memory;
    const bytes = new Uint8Array(memory.buffer);
    expect(bytes.byteLength).toBe(memory.dataSize);
    expect(new TextDecoder().decode(bytes.subarray(0, 6))).toBe('Wasmer');
  });

  it('Views at an offset, and slices', async () => {
    const instance = new Instance(await wat(STRING_WAT));
    const uint8View = (instance.memory as Memory).uint8View(7);
    const bytes = uint8View.slice(0, 3);
    expect(bytes).toEqual(new Uint8Array((instance.memory as Memory).buffer, 7, 3).slice());
    const uint16View = (instance.memory as Memory).uint16View(7);
    expect(uint16View.byteOffset).toBe(7);
  });

  it("Let's see in action: reading the string a pointer points to", async () => {
    const instance = new Instance<{ return_string(): number }>(await wat(STRING_WAT));
    const pointer = instance.exports.return_string();
    const memory = (instance.memory as Memory).uint8View(pointer);
    const memoryLength = memory.length;
    let nth = 0;
    let string = '';
    while (nth < memoryLength) {
      const char = memory[nth] as number;
      if (char === 0) break;
      string += String.fromCharCode(char);
      nth += 1;
    }
    expect(string).toBe('Hello, World!');
    expect(new TextDecoder().decode(memory.slice(0, 13))).toBe('Hello, World!');
    const byteArray = new Uint8Array((instance.memory as Memory).buffer);
    expect(new TextDecoder().decode(byteArray.subarray(pointer, pointer + 13))).toBe('Hello, World!');
  });

  it('int8, int16 and int32 views share the buffer, little-endian', async () => {
    const instance = new Instance(await fixture('simple'));
    const memory = instance.memory as Memory;
    const int8 = memory.int8View();
    const int16 = memory.int16View();
    const int32 = memory.int32View();

    int8[0] = 0b00000001;
    int8[1] = 0b00000100;
    int8[2] = 0b00010000;
    int8[3] = 0b01000000;

    expect(int8[0]).toBe(0b00000001);
    expect(int8[1]).toBe(0b00000100);
    expect(int8[2]).toBe(0b00010000);
    expect(int8[3]).toBe(0b01000000);
    expect(int16[0]).toBe(0b00000100_00000001);
    expect(int16[1]).toBe(0b01000000_00010000);
    expect(int32[0]).toBe(0b01000000_00010000_00000100_00000001);
  });
});
