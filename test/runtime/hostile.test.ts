// The library's public edge under hostile arguments: every misuse is one of our
// error classes with a stable `code`, never a bare TypeError or RangeError.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  ArtifactError,
  compileOptimized,
  decodeArtifact,
  defaultCacheDir,
  Global,
  Instance,
  LinkError,
  Memory,
  Module,
  runProgram,
  Table,
  Value,
  Wasi,
  WasiError,
  WasmerError,
  WasmParseError,
  WatError,
} from '../../src/runtime/index.js';
import { expectCodeAsync } from '../helpers/errors.js';
import { wat } from '../helpers/wat.js';

const simple = readFileSync(new URL('../../fixtures/simple.wasm', import.meta.url));
const module = new Module(simple);
const instance = new Instance(module);
const memory = () => instance.memory as Memory;
const sum = instance.getFunction('sum');

type Case = readonly [name: string, fn: () => unknown, errorClass: new (...args: never[]) => WasmerError, code: string];

const CASES: readonly Case[] = [
  // Module
  ['new Module()', () => new (Module as unknown as new () => Module)(), ArgumentError, 'ERR_ARG_TYPE'],
  ['new Module(42)', () => new Module(42 as never), ArgumentError, 'ERR_ARG_TYPE'],
  ['new Module([bytes])', () => new Module([0, 97, 115, 109] as never), ArgumentError, 'ERR_ARG_TYPE'],
  ['new Module(text)', () => new Module('(module)' as never), ArgumentError, 'ERR_ARG_TYPE'],
  [
    'new Module(DataView of zeros)',
    () => new Module(new DataView(new ArrayBuffer(8)) as never),
    WasmParseError,
    'ERR_BAD_MAGIC',
  ],
  ['new Module(bytes, 5)', () => new Module(simple, 5 as never), ArgumentError, 'ERR_INVALID_OPTION'],
  [
    'new Module(bytes, { compiler: fast })',
    () => new Module(simple, { compiler: 'fast' as never }),
    ArgumentError,
    'ERR_INVALID_OPTION',
  ],
  ['Module.from(null)', () => Module.from(null as never), ArgumentError, 'ERR_ARG_TYPE'],
  ['Module.from(one NUL byte)', () => Module.from(Uint8Array.of(0)), WasmParseError, 'ERR_UNEXPECTED_EOF'],
  [
    'Module.from(text with NUL)',
    () => Module.from(new TextEncoder().encode('(module)\0')),
    WasmParseError,
    'ERR_BAD_MAGIC',
  ],
  ['Module.compile(5)', () => Module.compile(5 as never), ArgumentError, 'ERR_ARG_TYPE'],
  ['Module.compile("(module")', () => Module.compile('(module'), WatError, 'ERR_WAT'],
  ['Module.deserialize(null)', () => Module.deserialize(null as never), ArtifactError, 'ERR_ARTIFACT_MAGIC'],
  ['Module.deserialize(wasm)', () => Module.deserialize(simple), ArtifactError, 'ERR_ARTIFACT_MAGIC'],
  ['decodeArtifact("x")', () => decodeArtifact('x' as never), ArtifactError, 'ERR_ARTIFACT_MAGIC'],
  ['compileOptimized(5)', () => compileOptimized(5 as never), ArgumentError, 'ERR_ARG_TYPE'],
  ['defaultCacheDir(null)', () => defaultCacheDir(null as never), ArgumentError, 'ERR_ARG_TYPE'],
  // Instance and calls
  ['new Instance(null)', () => new Instance(null as never), ArgumentError, 'ERR_ARG_TYPE'],
  ['getFunction("toString")', () => instance.getFunction('toString'), ArgumentError, 'ERR_NO_EXPORT'],
  ['getFunction("__proto__")', () => instance.getFunction('__proto__'), ArgumentError, 'ERR_NO_EXPORT'],
  ['getFunction("memory")', () => instance.getFunction('memory'), ArgumentError, 'ERR_NO_EXPORT'],
  ['getFunction(undefined)', () => instance.getFunction(undefined as never), ArgumentError, 'ERR_NO_EXPORT'],
  ['sum(1.5, 2)', () => sum(1.5, 2), ArgumentError, 'ERR_ARG_RANGE'],
  ['sum(2 ** 32, 0)', () => sum(2 ** 32, 0), ArgumentError, 'ERR_ARG_RANGE'],
  ['sum(1n, 2)', () => sum(1n, 2), ArgumentError, 'ERR_ARG_TYPE'],
  ['sum(Symbol(), 2)', () => sum(Symbol(), 2), ArgumentError, 'ERR_ARG_TYPE'],
  [
    'sum(throwing valueOf, 2)',
    () =>
      sum(
        {
          valueOf: () => {
            throw new Error('boom');
          },
        },
        2,
      ),
    ArgumentError,
    'ERR_ARG_TYPE',
  ],
  ['sum(Value.f64(1), 2)', () => sum(Value.f64(1), 2), ArgumentError, 'ERR_ARG_TYPE'],
  ['sum(1)', () => sum(1), ArgumentError, 'ERR_ARG_COUNT'],
  // Value
  ['Value.i32(1.5)', () => Value.i32(1.5), ArgumentError, 'ERR_ARG_RANGE'],
  ['Value.i32("1")', () => Value.i32('1' as never), ArgumentError, 'ERR_ARG_TYPE'],
  ['Value.i32(-(2 ** 31) - 1)', () => Value.i32(-(2 ** 31) - 1), ArgumentError, 'ERR_ARG_RANGE'],
  ['Value.i64(2n ** 64n)', () => Value.i64(2n ** 64n), ArgumentError, 'ERR_ARG_RANGE'],
  ['Value.i64(1.5)', () => Value.i64(1.5 as never), ArgumentError, 'ERR_ARG_RANGE'],
  ['Value.f32(1n)', () => Value.f32(1n as never), ArgumentError, 'ERR_ARG_TYPE'],
  ['Value.v128(-(2n ** 128n))', () => Value.v128(-(2n ** 128n)), ArgumentError, 'ERR_ARG_RANGE'],
  // Memory
  ['new Memory()', () => new Memory(undefined as never), ArgumentError, 'ERR_INVALID_OPTION'],
  ['new Memory({ minimum: -1 })', () => new Memory({ minimum: -1 }), ArgumentError, 'ERR_INVALID_OPTION'],
  ['new Memory({ minimum: NaN })', () => new Memory({ minimum: Number.NaN }), ArgumentError, 'ERR_INVALID_OPTION'],
  ['new Memory({ minimum: 70000 })', () => new Memory({ minimum: 70000 }), ArgumentError, 'ERR_INVALID_OPTION'],
  [
    'new Memory({ minimum: 2, maximum: 1 })',
    () => new Memory({ minimum: 2, maximum: 1 }),
    ArgumentError,
    'ERR_INVALID_OPTION',
  ],
  [
    'new Memory({ shared, no maximum })',
    () => new Memory({ minimum: 1, shared: true }),
    ArgumentError,
    'ERR_INVALID_OPTION',
  ],
  ['memory.grow(-1)', () => new Memory({ minimum: 1 }).grow(-1), ArgumentError, 'ERR_ARG_RANGE'],
  ['memory.grow(1e9)', () => new Memory({ minimum: 1 }).grow(1e9), ArgumentError, 'ERR_ARG_RANGE'],
  ['memory.grow("1")', () => new Memory({ minimum: 1 }).grow('1' as never), ArgumentError, 'ERR_ARG_TYPE'],
  ['uint8View(-1)', () => memory().uint8View(-1), ArgumentError, 'ERR_ARG_RANGE'],
  ['uint8View(NaN)', () => memory().uint8View(Number.NaN), ArgumentError, 'ERR_ARG_RANGE'],
  ['uint8View(1e12)', () => memory().uint8View(1e12), ArgumentError, 'ERR_ARG_RANGE'],
  ['uint8View().get(-1)', () => memory().uint8View().get(-1), ArgumentError, 'ERR_ARG_RANGE'],
  [
    'uint8View()[1e12] = 1',
    () => {
      memory().uint8View()[1e12] = 1;
    },
    ArgumentError,
    'ERR_ARG_RANGE',
  ],
  [
    'uint8View().set(0, 1n)',
    () =>
      memory()
        .uint8View()
        .set(0, 1n as never),
    ArgumentError,
    'ERR_ARG_TYPE',
  ],
  [
    'bigInt64View().set(0, 1)',
    () =>
      memory()
        .bigInt64View()
        .set(0, 1 as never),
    ArgumentError,
    'ERR_ARG_TYPE',
  ],
  [
    'uint8View().write(null)',
    () =>
      memory()
        .uint8View()
        .write(null as never),
    ArgumentError,
    'ERR_ARG_TYPE',
  ],
  [
    'uint8View().write("abc")',
    () =>
      memory()
        .uint8View()
        .write('abc' as never),
    ArgumentError,
    'ERR_ARG_TYPE',
  ],
  [
    'uint8View().write([1n])',
    () =>
      memory()
        .uint8View()
        .write([1n] as never),
    ArgumentError,
    'ERR_ARG_TYPE',
  ],
  [
    'bigInt64View().write([1])',
    () =>
      memory()
        .bigInt64View()
        .write([1] as never),
    ArgumentError,
    'ERR_ARG_TYPE',
  ],
  [
    'uint16View(1).write([1n])',
    () =>
      memory()
        .uint16View(1)
        .write([1n] as never),
    ArgumentError,
    'ERR_ARG_TYPE',
  ],
  ['uint8View().write([1], -1)', () => memory().uint8View().write([1], -1), ArgumentError, 'ERR_ARG_RANGE'],
  // Global and Table
  ['new Global({ type: "i33" })', () => new Global({ type: 'i33' as never }, 1), ArgumentError, 'ERR_INVALID_OPTION'],
  ['new Global(funcref, JS function)', () => new Global({ type: 'funcref' }, () => 1), ArgumentError, 'ERR_ARG_TYPE'],
  [
    'funcref global.value = JS function',
    () => {
      new Global({ type: 'funcref', mutable: true }, null).value = () => 1;
    },
    ArgumentError,
    'ERR_ARG_TYPE',
  ],
  ['new Global(i64, 1.5)', () => new Global({ type: 'i64' }, 1.5), ArgumentError, 'ERR_ARG_RANGE'],
  [
    'immutable global.value = 2',
    () => {
      new Global({ type: 'i32' }, 1).value = 2;
    },
    ArgumentError,
    'ERR_IMMUTABLE_GLOBAL',
  ],
  [
    'new Table({ elementType: "x" })',
    () => new Table({ elementType: 'x' as never, minimum: 1 }),
    ArgumentError,
    'ERR_INVALID_OPTION',
  ],
  [
    'new Table({ minimum: -1 })',
    () => new Table({ elementType: 'funcref', minimum: -1 }),
    ArgumentError,
    'ERR_INVALID_OPTION',
  ],
  ['table.get(-1)', () => new Table({ elementType: 'funcref', minimum: 1 }).get(-1), ArgumentError, 'ERR_ARG_RANGE'],
  [
    'table.set(0, 5)',
    () => new Table({ elementType: 'funcref', minimum: 1 }).set(0, 5 as never),
    ArgumentError,
    'ERR_ARG_TYPE',
  ],
  [
    'table.set(0, JS function)',
    () => new Table({ elementType: 'funcref', minimum: 1 }).set(0, () => 1),
    ArgumentError,
    'ERR_ARG_TYPE',
  ],
  [
    'table.grow(1e9)',
    () => new Table({ elementType: 'funcref', minimum: 1 }).grow(1e9),
    ArgumentError,
    'ERR_ARG_RANGE',
  ],
  // Wasi
  ['new Wasi(null)', () => new Wasi(null as never), ArgumentError, 'ERR_INVALID_OPTION'],
  [
    'preopen of a missing directory',
    () => new Wasi({ preopens: { '/': '/nonexistent' } }),
    WasiError,
    'ERR_WASI_PREOPEN',
  ],
  ['preopen of a file', () => new Wasi({ preopens: { '/': '/etc/hostname' } }), WasiError, 'ERR_WASI_PREOPEN'],
  ['preopens: 5', () => new Wasi({ preopens: 5 as never }), ArgumentError, 'ERR_INVALID_OPTION'],
  ['preopens as an array', () => new Wasi({ preopens: ['.'] as never }), ArgumentError, 'ERR_INVALID_OPTION'],
  ['env as an array', () => new Wasi({ env: ['A=1'] as never }), ArgumentError, 'ERR_INVALID_OPTION'],
  ['env key with "="', () => new Wasi({ env: { 'A=B': 'c' } }), ArgumentError, 'ERR_INVALID_OPTION'],
  ['args with NUL', () => new Wasi({ args: ['a\0b'] }), ArgumentError, 'ERR_INVALID_OPTION'],
  ['stdout: { fd: -1 }', () => new Wasi({ stdout: { fd: -1 } }), ArgumentError, 'ERR_INVALID_OPTION'],
  ['stdin: { fd: 1.5 }', () => new Wasi({ stdin: { fd: 1.5 } }), ArgumentError, 'ERR_INVALID_OPTION'],
  ['returnOnExit: "no"', () => new Wasi({ returnOnExit: 'no' as never }), ArgumentError, 'ERR_INVALID_OPTION'],
  ['wasi.getImports(5)', () => new Wasi().getImports(5 as never), ArgumentError, 'ERR_ARG_TYPE'],
  ['wasi.getImports()', () => new Wasi().getImports(undefined as never), ArgumentError, 'ERR_ARG_TYPE'],
  ['wasi.start before getImports', () => new Wasi().start(instance), WasiError, 'ERR_WASI_NOT_READY'],
  [
    'wasi.start(null)',
    () => {
      const wasi = new Wasi();
      wasi.getImports(module);
      return wasi.start(null as never);
    },
    ArgumentError,
    'ERR_ARG_TYPE',
  ],
  // runProgram
  ['runProgram({})', () => runProgram({} as never), ArgumentError, 'ERR_INVALID_OPTION'],
  ['runProgram timeoutMs -1', () => runProgram({ module, timeoutMs: -1 }), ArgumentError, 'ERR_INVALID_OPTION'],
  ['runProgram invoke: 5', () => runProgram({ module, invoke: 5 as never }), ArgumentError, 'ERR_INVALID_OPTION'],
  [
    'runProgram invoke args not an array',
    () => runProgram({ module, invoke: { name: 'sum', args: 5 as never } }),
    ArgumentError,
    'ERR_INVALID_OPTION',
  ],
  [
    'runProgram compiler junk',
    () => runProgram({ module, compiler: 'x' as never }),
    ArgumentError,
    'ERR_INVALID_OPTION',
  ],
  ['Module.from cacheDir: 5', () => Module.from(simple, { cacheDir: 5 as never }), ArgumentError, 'ERR_INVALID_OPTION'],
  ['Module.from onNotice: 5', () => Module.from(simple, { onNotice: 5 as never }), ArgumentError, 'ERR_INVALID_OPTION'],
  [
    'runProgram invoke unknown',
    () => runProgram({ module, invoke: { name: 'nope', args: [] } }),
    ArgumentError,
    'ERR_NO_EXPORT',
  ],
];

describe('the public edge throws only our errors, with a stable code', () => {
  it.each(CASES)('%s', async (_name, fn, errorClass, code) => {
    const error = await expectCodeAsync(fn, errorClass, code);
    expect(error.message).not.toMatch(/\[object Object\]|undefined \(reading/);
  });

  it('Module.validate never throws, whatever it is given', () => {
    for (const value of [
      undefined,
      null,
      0,
      'x',
      {},
      [],
      Symbol('s'),
      simple.subarray(0, 5),
      new DataView(simple.buffer),
    ]) {
      expect(() => Module.validate(value)).not.toThrow();
    }
    expect(Module.validate(simple)).toBe(true);
    expect(Module.validate(simple.subarray(0, 5))).toBe(false);
  });

  it('a WASI import declared with the wrong type is a LinkError before anything runs', async () => {
    const bytes = await wat(`(module
      (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i32 i32) (result i32)))
      (memory (export "memory") 1) (func (export "_start")))`);
    const error = await expectCodeAsync(() => new Wasi().getImports(new Module(bytes)), LinkError, 'ERR_IMPORT_TYPE');
    expect(error.message).toContain('func (i32, i64, i32) -> i32');
    const ok = await wat(`(module
      (import "wasi_unstable" "clock_time_get" (func (param i32 i64 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
      (memory (export "memory") 1) (func (export "_start")))`);
    expect(Object.keys(new Wasi().getImports(new Module(ok))).sort()).toEqual([
      'wasi_snapshot_preview1',
      'wasi_unstable',
    ]);
  });

  it('WASI calls given pointers and lengths of 2^31 or more fail with EFAULT and leave memory alone', async () => {
    const bytes = await wat(`(module
      (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "random") (param i32 i32) (result i32) (call $random_get (local.get 0) (local.get 1)))
      (func (export "write") (param i32 i32) (result i32) (call $fd_write (i32.const 1) (local.get 0) (local.get 1) (i32.const 0)))
      (func (export "poll") (param i32) (result i32) (call $poll (i32.const 0) (i32.const 64) (local.get 0) (i32.const 8)))
      (func (export "_start")))`);
    const wasiModule = new Module(bytes);
    const wasi = new Wasi({ stdout: 'pipe' });
    const wasiInstance = new Instance(wasiModule, wasi.getImports(wasiModule));
    wasi.initialize(wasiInstance);
    const random = wasiInstance.getFunction('random');
    const write = wasiInstance.getFunction('write');
    const EFAULT = 21;
    expect(random(0, -1)).toBe(EFAULT); // 4 GiB - 1 bytes from address 0
    expect(random(-100, 50)).toBe(EFAULT); // an address near 4 GiB, not the end of memory
    expect(random(0xfffffff0, 8)).toBe(EFAULT);
    expect(write(0, -1)).toBe(EFAULT); // 2^32 - 1 iovecs
    expect(wasiInstance.getFunction('poll')(-1)).toBe(EFAULT); // 2^32 - 1 subscriptions
    expect(random(65536 - 8, 8)).toBe(0);
    expect(
      wasiInstance.memory
        ?.uint8View()
        .slice(0, 65536 - 8)
        .every((b) => b === 0),
    ).toBe(true);
  });

  it('a trap inside the start function is a Trap', async () => {
    const bytes = await wat('(module (func $s unreachable) (start $s))');
    await expectCodeAsync(() => new Instance(new Module(bytes)), WasmerError, 'ERR_TRAP');
  });
});
