import { describe, expect, it } from 'vitest';
import { nativeStatus } from '../../src/runtime/engine/native.js';
import {
  ArgumentError,
  ArtifactError,
  CompileError,
  ExportKind,
  ImportKind,
  Module,
  WasmParseError,
  WatError,
} from '../../src/runtime/index.js';
import { moduleFromOwnedBytes, RELEASE_BYTES } from '../../src/runtime/module.js';
import { fixture, wat } from '../helpers/wat.js';

const SUM = '(module (func (export "sum") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))';

/** `(func (result i32) i32.const 1)` with its i32.const turned into an i64.const: V8 rejects the body. */
async function badBody(): Promise<{ bytes: Uint8Array; opcodeOffset: number }> {
  const bytes = await wat('(module (func (result i32) i32.const 1))', { names: false });
  const opcodeOffset = bytes.length - 3;
  expect(bytes[opcodeOffset]).toBe(0x41);
  const copy = bytes.slice();
  copy[opcodeOffset] = 0x42;
  return { bytes: copy, opcodeOffset };
}

function kindName(kind: string): ExportKind {
  return {
    function: ExportKind.FUNCTION,
    memory: ExportKind.MEMORY,
    table: ExportKind.TABLE,
    global: ExportKind.GLOBAL,
    tag: ExportKind.TAG,
  }[kind] as ExportKind;
}

describe('Module construction', () => {
  it('compiles bytes from a Uint8Array, an ArrayBuffer or a Buffer and keeps its own copy', async () => {
    const bytes = await fixture('simple');
    const fromView = new Module(bytes);
    const fromBuffer = new Module(bytes.slice().buffer as ArrayBuffer);
    const fromNodeBuffer = new Module(Buffer.from(bytes));
    for (const m of [fromView, fromBuffer, fromNodeBuffer]) {
      expect(m.raw).toBeInstanceOf(WebAssembly.Module);
      expect(m.bytes).toEqual(bytes);
      expect(m.info.byteLength).toBe(bytes.length);
      expect(m.compiler).toBe('auto');
    }
    bytes[0] = 0xff;
    expect(fromView.bytes[0]).toBe(0);
  });

  it('throws CompileError with V8 reason and byte offset for an invalid body', async () => {
    const { bytes, opcodeOffset } = await badBody();
    let error: unknown;
    try {
      new Module(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompileError);
    const ce = error as CompileError;
    expect(ce.code).toBe('ERR_COMPILE');
    expect(ce.offset).toBeGreaterThanOrEqual(opcodeOffset - 2);
    expect(ce.offset).toBeLessThanOrEqual(bytes.length);
    expect(ce.message).toMatch(/type|expected|i64|i32/);
    expect(ce.message).not.toMatch(/^WebAssembly\.Module\(\)/);
    expect(ce.cause).toBeInstanceOf(WebAssembly.CompileError);
  });

  it('throws our WasmParseError for a bad magic, a bad version and a too short input', () => {
    const cases: [Uint8Array, string][] = [
      [Uint8Array.of(1, 2, 3, 4, 1, 0, 0, 0), 'ERR_BAD_MAGIC'],
      [Uint8Array.of(0, 0x61, 0x73, 0x6d, 2, 0, 0, 0), 'ERR_BAD_VERSION'],
      [Uint8Array.of(0, 0x61, 0x73), 'ERR_UNEXPECTED_EOF'],
    ];
    for (const [bytes, code] of cases) {
      expect(() => new Module(bytes)).toThrow(WasmParseError);
      try {
        new Module(bytes);
      } catch (e) {
        expect((e as WasmParseError).code).toBe(code);
      }
    }
  });

  it('rejects a string in the synchronous constructor, pointing at Module.compile', () => {
    expect(() => new Module(SUM as unknown as Uint8Array)).toThrow(/Module\.compile/);
    expect(() => new Module(42 as unknown as Uint8Array)).toThrow(ArgumentError);
  });

  it('checks options.compiler', async () => {
    const bytes = await fixture('simple');
    expect(new Module(bytes, { compiler: 'baseline' }).compiler).toBe('baseline');
    expect(() => new Module(bytes, { compiler: 'fast' as 'auto' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });
});

describe('Module.compile and Module.from', () => {
  it('compiles bytes asynchronously', async () => {
    const m = await Module.compile(await fixture('simple'));
    expect(m.exports.map((e) => e.name)).toContain('sum');
  });

  it('compiles WebAssembly text, with names', async () => {
    const m = await Module.compile('(module $demo (func $f (export "f")))');
    expect(m.name).toBe('demo');
    expect(m.info.names.functions.get(0)).toBe('f');
  });

  it('throws WatError with the converter message for bad text', async () => {
    await expect(Module.compile('(module (func (export "f") (result i32) i64.const 1))')).rejects.toBeInstanceOf(
      WatError,
    );
    await expect(Module.compile('(modul')).rejects.toMatchObject({ code: 'ERR_WAT', message: /input\.wat:1/ });
  });

  it('rejects a body V8 refuses with CompileError', async () => {
    const { bytes } = await badBody();
    await expect(Module.compile(bytes)).rejects.toBeInstanceOf(CompileError);
  });

  it('sniffs a binary, an artifact and text in Module.from', async () => {
    const bytes = await fixture('simple');
    const fromBinary = await Module.from(bytes);
    const fromArtifact = await Module.from(fromBinary.serialize());
    const fromText = await Module.from(new TextEncoder().encode(SUM));
    for (const m of [fromBinary, fromArtifact, fromText]) {
      expect(m.exports.find((e) => e.name === 'sum')?.kind).toBe(ExportKind.FUNCTION);
    }
    expect(fromArtifact.bytes).toEqual(bytes);
  });

  it('refuses bytes that are neither binary, artifact nor UTF-8 text', async () => {
    await expect(Module.from(Uint8Array.of(0xff, 0xfe, 0x00, 0x80))).rejects.toMatchObject({ code: 'ERR_BAD_MAGIC' });
    await expect(Module.from(new TextEncoder().encode('hello'))).rejects.toBeInstanceOf(WatError);
  });
});

describe('moduleFromOwnedBytes (the CLI hands over the bytes it read)', () => {
  it('keeps a whole buffer as the module bytes, where Module.from copies it', async () => {
    const bytes = (await fixture('simple')).slice();
    const owned = await moduleFromOwnedBytes(bytes, { cacheDir: null });
    expect(owned.bytes).toBe(bytes);
    const copied = await Module.from(bytes);
    expect(copied.bytes).not.toBe(bytes);
    expect(copied.bytes).toEqual(bytes);
  });

  it('copies a view of part of a larger buffer, so the module holds no memory beyond its bytes', async () => {
    const bytes = await fixture('simple');
    const pool = new Uint8Array(bytes.length + 16);
    pool.set(bytes, 8);
    const view = pool.subarray(8, 8 + bytes.length);
    const module = await moduleFromOwnedBytes(view, { cacheDir: null });
    expect(module.bytes).not.toBe(view);
    expect(module.bytes.buffer.byteLength).toBe(bytes.length);
    expect(module.bytes).toEqual(bytes);
  });

  it('reads text and artifacts as Module.from does', async () => {
    const text = await moduleFromOwnedBytes(new TextEncoder().encode(SUM));
    const artifact = await moduleFromOwnedBytes(text.serialize());
    for (const m of [text, artifact]) expect(m.exports.map((e) => e.name)).toEqual(['sum']);
    expect(artifact.bytes).toEqual(text.bytes);
  });
});

describe('Module.validate', () => {
  it('agrees with WebAssembly.validate and never throws', async () => {
    const good = await fixture('simple');
    const { bytes: bad } = await badBody();
    const inputs: unknown[] = [good, good.buffer, bad, new Uint8Array(0), Uint8Array.of(0, 0x61, 0x73, 0x6d)];
    for (const input of inputs) {
      expect(Module.validate(input)).toBe(WebAssembly.validate(input as Uint8Array));
    }
    expect(Module.validate(good)).toBe(true);
    expect(Module.validate(bad)).toBe(false);
    for (const junk of [null, undefined, 42, 'text', {}, [0, 97, 115, 109], Symbol('x'), () => 1]) {
      expect(Module.validate(junk)).toBe(false);
    }
  });
});

describe('exports and imports', () => {
  const TEXT = `(module
    (import "env" "f" (func (param i32 i64) (result f32)))
    (import "env" "m" (memory 1 2))
    (import "env" "g" (global (mut f64)))
    (import "env" "t" (table 3 externref))
    (func (export "multi") (param f64) (result i32 i64) i32.const 1 i64.const 2)
    (export "mem" (memory 0))
    (global (export "glob") i64 (i64.const 5))
    (table (export "tab") 2 funcref)
    (tag (export "oops") (param i32)))`;

  it('describes every kind like the issue says', async () => {
    const m = await Module.compile(TEXT);
    expect(m.imports).toEqual([
      {
        kind: ImportKind.FUNCTION,
        namespace: 'env',
        name: 'f',
        type: { params: ['i32', 'i64'], results: ['f32'] },
      },
      {
        kind: ImportKind.MEMORY,
        namespace: 'env',
        name: 'm',
        minimumPages: 1,
        maximumPages: 2,
        shared: false,
        addressType: 'i32',
      },
      { kind: ImportKind.GLOBAL, namespace: 'env', name: 'g', type: 'f64', mutable: true },
      {
        kind: ImportKind.TABLE,
        namespace: 'env',
        name: 't',
        elementType: 'externref',
        minimumElements: 3,
        maximumElements: null,
        addressType: 'i32',
      },
    ]);
    expect(m.exports).toEqual([
      { kind: ExportKind.FUNCTION, name: 'multi', type: { params: ['f64'], results: ['i32', 'i64'] } },
      { kind: ExportKind.MEMORY, name: 'mem', minimumPages: 1, maximumPages: 2, shared: false, addressType: 'i32' },
      { kind: ExportKind.GLOBAL, name: 'glob', type: 'i64', mutable: false },
      {
        kind: ExportKind.TABLE,
        name: 'tab',
        elementType: 'funcref',
        minimumElements: 2,
        maximumElements: null,
        addressType: 'i32',
      },
      { kind: ExportKind.TAG, name: 'oops', type: { params: ['i32'], results: [] } },
    ]);
  });

  it('describes a shared memory', async () => {
    const m = await Module.compile('(module (memory (export "shm") 1 3 shared))');
    expect(m.exports).toEqual([
      { kind: ExportKind.MEMORY, name: 'shm', minimumPages: 1, maximumPages: 3, shared: true, addressType: 'i32' },
    ]);
  });

  it('matches V8 names and kinds (V8 as the oracle)', async () => {
    for (const bytes of [await fixture('simple'), await wat(TEXT)]) {
      const m = new Module(bytes);
      expect(m.exports.map((e) => [e.name, e.kind])).toEqual(
        WebAssembly.Module.exports(m.raw).map((e) => [e.name, kindName(e.kind)]),
      );
      expect(m.imports.map((e) => [e.namespace, e.name, e.kind])).toEqual(
        WebAssembly.Module.imports(m.raw).map((e) => [e.module, e.name, kindName(e.kind)]),
      );
    }
  });

  it('ImportKind and ExportKind are the same numeric enum', () => {
    expect(ImportKind.MEMORY).toBe(ExportKind.MEMORY);
    expect([ExportKind.FUNCTION, ExportKind.GLOBAL, ExportKind.MEMORY, ExportKind.TABLE, ExportKind.TAG]).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(ExportKind[ExportKind.TABLE]).toBe('TABLE');
  });

  it('returns frozen descriptors', async () => {
    const m = new Module(await fixture('simple'));
    expect(Object.isFrozen(m.exports)).toBe(true);
    expect(m.exports).toBe(m.exports);
  });
});

describe('custom sections', () => {
  it('lists names once in file order and returns copies of the payloads', async () => {
    const base = await wat('(module)', { names: false });
    const section = (name: string, payload: number[]): number[] => {
      const n = [...new TextEncoder().encode(name)];
      const content = [n.length, ...n, ...payload];
      return [0, content.length, ...content];
    };
    const bytes = Uint8Array.from([...base, ...section('b', [1, 2]), ...section('a', [3]), ...section('b', [4, 5, 6])]);
    const m = new Module(bytes);
    expect(m.customSectionNames).toEqual(['b', 'a']);
    expect(m.customSection('b')).toEqual(Uint8Array.of(1, 2));
    expect(m.customSections('b')).toEqual([Uint8Array.of(1, 2), Uint8Array.of(4, 5, 6)]);
    expect(m.customSection('missing')).toBeNull();
    expect(m.customSections('missing')).toEqual([]);
    const copy = m.customSection('a') as Uint8Array;
    copy[0] = 99;
    expect(m.customSection('a')).toEqual(Uint8Array.of(3));
    expect(WebAssembly.Module.customSections(m.raw, 'b').length).toBe(2);
  });
});

describe('serialize and deserialize', () => {
  it('round-trips to a working module', async () => {
    const m = new Module(await fixture('simple'));
    const blob = m.serialize();
    const back = Module.deserialize(blob);
    expect(back.bytes).toEqual(m.bytes);
    expect((back.instantiate().exports.sum as (a: number, b: number) => number)(1, 2)).toBe(3);
  });

  it('throws ArtifactError for truncated, corrupted and foreign blobs', async () => {
    const blob = new Module(await fixture('simple')).serialize();
    const corrupted = blob.slice();
    corrupted[corrupted.length - 5] = (corrupted[corrupted.length - 5] as number) ^ 0xff;
    for (const bad of [blob.subarray(0, blob.length - 10), corrupted, await fixture('simple'), Uint8Array.of(1, 2)]) {
      expect(() => Module.deserialize(bad)).toThrow(ArtifactError);
    }
  });
});

describe('letting the bytes go (the CLI does, once V8 has compiled the module)', () => {
  const hasAddon = nativeStatus().available;

  it.skipIf(!hasAddon)('gives the same bytes, custom sections and artifact back from V8', async () => {
    const base = await wat(SUM, { names: false });
    const payload = [4, 0x6e, 0x6f, 0x74, 0x65, 7, 8, 9]; // "note", then 7 8 9
    const bytes = Uint8Array.from([...base, 0, payload.length, ...payload]);
    const m = await moduleFromOwnedBytes(bytes.slice());
    expect(m[RELEASE_BYTES]()).toBe(true);
    // The given buffer no longer backs anything the module shows: overwriting it changes nothing.
    expect(m.customSection('note')).toEqual(Uint8Array.of(7, 8, 9));
    expect(m.bytes).toEqual(bytes);
    expect(m.bytes).toBe(m.bytes); // copied out of V8 once, then kept
    const again = Module.deserialize(m.serialize());
    expect(again.bytes).toEqual(bytes);
    expect(m.instantiate().getFunction('sum')(2, 3)).toBe(5);
  });

  it.skipIf(!hasAddon)('frees the bytes it was given at once (detached), keeping no view into them', async () => {
    const base = await wat(SUM, { names: false });
    const given = Uint8Array.from([...base, 0, 4, 1, 0x61, 5, 6]); // custom section "a": 5 6
    const length = given.byteLength;
    const m = await moduleFromOwnedBytes(given);
    expect(m.bytes).toBe(given);
    m[RELEASE_BYTES]();
    // Freed now, not at the GC that would find them dead: their buffer is detached.
    expect(given.byteLength).toBe(0);
    expect(m.customSection('a')).toEqual(Uint8Array.of(5, 6));
    expect(m.bytes.byteLength).toBe(length);
    expect(m.bytes.subarray(0, 4)).toEqual(Uint8Array.of(0, 0x61, 0x73, 0x6d));
  });
});
