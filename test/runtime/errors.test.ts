import { describe, expect, it } from 'vitest';
import { defaultCompile } from '../../src/runtime/engine/machine-code.js';
import { compileOffThread } from '../../src/runtime/engine/tiering.js';
import * as errors from '../../src/runtime/errors.js';
import {
  ArgumentError,
  ArtifactError,
  CanonicalAbiError,
  CompileError,
  errorFromData,
  errorToData,
  InputError,
  LinkError,
  OutOfMemoryError,
  REBUILT_ERROR_NAMES,
  ResultError,
  TimeoutError,
  Trap,
  WasiError,
  WasiExit,
  WasmException,
  WasmerError,
  WasmParseError,
  WatError,
} from '../../src/runtime/errors.js';
import * as api from '../../src/runtime/index.js';
import { parseModule } from '../../src/runtime/parser/index.js';
import { rebuildError, serializeError } from '../../src/runtime/program/worker-protocol.js';
import { body, functype, module, section, vec } from './parser/binary.js';

/** Every class errors.ts exports. */
const CLASSES: [string, unknown][] = Object.entries(errors as Record<string, unknown>).filter(
  ([, value]) => typeof value === 'function' && value.prototype instanceof Error,
);

describe('parse errors are compile errors', () => {
  it('new Module(garbage) throws a CompileError that keeps its parse code and offset', () => {
    const garbage = Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 1, 2, 3, 4);
    let caught: unknown;
    try {
      new api.Module(garbage);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CompileError);
    expect(caught).toBeInstanceOf(WasmParseError);
    expect((caught as CompileError).code).toBe('ERR_BAD_MAGIC');
    expect((caught as CompileError).offset).toBe(0);
  });

  it("the parser's own errors are CompileErrors too", () => {
    const truncated = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 44, 1); // a type section of 44 bytes, 1 present
    expect(() => parseModule(truncated)).toThrow(CompileError);
    try {
      parseModule(truncated);
    } catch (e) {
      expect((e as CompileError).code).toBe('ERR_SECTION_SIZE');
      expect((e as CompileError).offset).toBe(8);
    }
  });
});

describe('one translation of V8 compile errors', () => {
  // (func (result i32) i64.const 1): V8 rejects it, our parser does not look inside bodies.
  const illTyped = () =>
    module(section(1, vec([functype([], [0x7f])])), section(3, vec([[0]])), section(10, vec([body([0x42, 1])])));

  it('Module and the engine word the same V8 error alike, with its offset', async () => {
    const bytes = illTyped();
    let fromModule: unknown;
    try {
      new api.Module(bytes);
    } catch (e) {
      fromModule = e;
    }
    const fromEngine = await defaultCompile(bytes).then(
      () => null,
      (e: unknown) => e,
    );
    expect(fromModule).toBeInstanceOf(CompileError);
    expect(fromEngine).toBeInstanceOf(CompileError);
    expect((fromEngine as CompileError).message).toBe((fromModule as CompileError).message);
    expect((fromModule as CompileError).code).toBe('ERR_COMPILE');
    expect((fromModule as CompileError).message).toMatch(
      /^invalid module: Compiling function #0 failed: .* \(at byte 0x[0-9a-f]+\)$/,
    );
    expect((fromModule as CompileError).offset).toBeGreaterThan(8);
    const raw = await compileOffThread(bytes).then(
      () => null,
      (e: unknown) => e,
    );
    expect(raw).toBeInstanceOf(WebAssembly.CompileError);
    const translated = errors.toCompileError(raw) as CompileError;
    expect(translated).toBeInstanceOf(CompileError);
    expect([translated.message, translated.offset, translated.cause]).toEqual([
      (fromModule as CompileError).message,
      (fromModule as CompileError).offset,
      raw,
    ]);
  });

  it('leaves anything but a WebAssembly.CompileError alone, and strips only the API prefix', () => {
    const other = new RangeError('WebAssembly.Module(): not a compile error');
    expect(errors.toCompileError(other)).toBe(other);
    expect(
      errors.withoutV8Prefix('WebAssembly.Instance(): Import #0 "env" "f": function import requires a callable'),
    ).toBe('Import #0 "env" "f": function import requires a callable');
    expect(errors.withoutV8Prefix('no prefix: WebAssembly.Module(): here')).toBe(
      'no prefix: WebAssembly.Module(): here',
    );
  });
});

describe('errors across the worker boundary', () => {
  /** What a worker's error becomes in the main thread: data, structured-cloned as postMessage does, rebuilt. */
  const roundTrip = (error: unknown): Error => rebuildError(structuredClone(serializeError(error)));

  const samples: Error[] = [
    new WasmerError('ERR_SOMETHING', 'base class'),
    new CompileError('invalid module: bad (at byte 0x1a)', 0x1a),
    new WasmParseError('ERR_UNEXPECTED_EOF', 'the input ends in the middle of a section id', 9),
    new LinkError('ERR_MISSING_IMPORT', 'module imports "env"."f"'),
    new Trap('unreachable', [{ functionIndex: 3, functionName: 'main', moduleOffset: 0x40 }]),
    new CanonicalAbiError('ERR_CANON_STRING', 'greet: the string at 0x10 is not valid UTF-8'),
    new ResultError({ code: 'not-found', detail: [1, 2] }, 'open returned err(not-found)'),
    new ArgumentError('ERR_ARG_COUNT', 'add takes 2 arguments'),
    new ArtifactError('ERR_ARTIFACT_TRUNCATED', 'the artifact ends early'),
    new InputError('ERR_INPUT_NOT_FOUND', 'x.wasm: no such file', 'x.wasm'),
    new WatError('invalid WebAssembly text: a.wat:1:2: nope'),
    new OutOfMemoryError('cannot allocate'),
    new TimeoutError(250),
    new WasiExit(7),
    new WasiError('ERR_WASI_PREOPEN', 'not a directory'),
    new WasmException({
      exception: null,
      tag: null,
      tagName: 'env.error',
      parameters: ['i32', 'i64'],
      payload: [7, 8n],
      frames: [],
    }),
  ];

  it('has a sample of every class errors.ts exports, and the table rebuilds each by name', () => {
    const names = CLASSES.map(([name]) => name).sort();
    expect(samples.map((e) => e.constructor.name).sort()).toEqual(names);
    expect([...REBUILT_ERROR_NAMES].sort()).toEqual(names);
  });

  it.each(samples.map((e) => [e.constructor.name, e] as const))(
    'rebuilds a %s with its class, code, message and fields',
    (_, error) => {
      const rebuilt = roundTrip(error);
      expect(rebuilt.constructor).toBe(error.constructor);
      expect(rebuilt.message).toBe(error.message);
      expect(rebuilt.name).toBe(error.name);
      expect({ ...rebuilt }).toEqual({ ...error });
    },
  );

  it('keeps the code and offset of a parse error and the path of an input error', () => {
    const parse = roundTrip(new WasmParseError('ERR_BAD_LEB', 'a type index: LEB128 is too long', 0x33));
    expect(parse).toBeInstanceOf(CompileError);
    expect((parse as WasmParseError).code).toBe('ERR_BAD_LEB');
    expect((parse as WasmParseError).offset).toBe(0x33);
    expect((parse as WasmParseError).detail).toBe('a type index: LEB128 is too long');
    const input = roundTrip(new InputError('ERR_INPUT_UNREADABLE', 'x: permission denied', '/tmp/x'));
    expect((input as InputError).path).toBe('/tmp/x');
  });

  it('an error not of ours keeps its stack and says it came from the worker', () => {
    const original = new TypeError('x is not a function');
    const rebuilt = roundTrip(original);
    expect(rebuilt).not.toBeInstanceOf(WasmerError);
    expect(rebuilt.message).toBe("in the program's worker thread: x is not a function");
    expect(rebuilt.stack).toBe(original.stack);
    expect(errorFromData(errorToData('a string'))).toBeNull();
  });

  it('the public index exports every error class', () => {
    for (const [name, cls] of CLASSES) expect((api as Record<string, unknown>)[name], name).toBe(cls);
  });
});

describe('invalid WebAssembly text', () => {
  it('gives one line with the first error, its position under the given name, and how many follow', async () => {
    const text = '(module\n  (func $f (result i32)\n    i32.const 1\n    i32.bogus 2\n  )\n)\n';
    const error = await api.watToWasm(text, 'prog.wat').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WatError);
    expect((error as WatError).code).toBe('ERR_WAT');
    expect((error as WatError).message).toBe(
      'invalid WebAssembly text: prog.wat:4:5: unexpected token i32.bogus, expected ).',
    );
    const notText = await api.watToWasm('hello world\n', 'notes.txt').catch((e: WatError) => e.message);
    expect(notText).toBe(
      'invalid WebAssembly text: notes.txt:1:1: unexpected token "hello", expected a module field or a module. (and 1 more error)',
    );
  });

  it('keeps names wabt would garble (12 bytes, non-ASCII), and validation errors too', async () => {
    for (const name of ['abcdefgh.wat', 'é.wat']) {
      const message = await api.watToWasm('(module (func i32.bogus))', name).catch((e: WatError) => e.message);
      expect(message).toBe(`invalid WebAssembly text: ${name}:1:15: unexpected token i32.bogus, expected ).`);
    }
    const invalid = await api.Module.compile('(module (func (result i32) (i64.const 1)))').catch(
      (e: WatError) => e.message,
    );
    expect(invalid).toMatch(
      /^invalid WebAssembly text: input\.wat:1:29: type mismatch in implicit return, expected \[i32\] but got \[i64\]$/,
    );
  });

  it('Module.from names the text by the file name of cacheSource', async () => {
    const message = await api.Module.from(new TextEncoder().encode('(module (func i32.bogus))'), {
      cacheSource: '/src/prog.wat',
    }).catch((e: WatError) => e.message);
    expect(message).toBe('invalid WebAssembly text: prog.wat:1:15: unexpected token i32.bogus, expected ).');
  });
});
