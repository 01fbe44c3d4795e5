import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  Global,
  Instance,
  LinkError,
  Memory,
  Module,
  Table,
  Trap,
  Value,
  WasiExit,
} from '../../src/runtime/index.js';
import { decodeParamNames } from '../../src/runtime/parser/names.js';
import { expectCode } from '../helpers/errors.js';
import { fixture } from '../helpers/wat.js';

type Fns = Record<string, (...args: unknown[]) => unknown>;

async function instance(text: string, imports = {}): Promise<Instance<Fns>> {
  return (await Module.compile(text)).instantiate<Fns>(imports);
}

const ARITH = `(module
  (func (export "sum") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "add64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
  (func (export "addf32") (param f32 f32) (result f32) local.get 0 local.get 1 f32.add)
  (func (export "addf64") (param f64 f64) (result f64) local.get 0 local.get 1 f64.add)
  (func (export "swap") (param i32 i64) (result i64 i32) local.get 1 local.get 0)
  (func (export "nothing"))
  (func (export "id") (param externref) (result externref) local.get 0))`;

describe('exported functions', () => {
  it('calls sum(5, 37) from bytes', async () => {
    const i = new Instance<Fns>(await fixture('simple'));
    expect(i.exports.sum?.(5, 37)).toBe(42);
    expect(i.module).toBeInstanceOf(Module);
    expect(i.raw).toBeInstanceOf(WebAssembly.Instance);
  });

  it('casts numbers, bigints and Values by the declared types', async () => {
    const { exports: e } = await instance(ARITH);
    expect(e.sum?.(0xffffffff, 1)).toBe(0);
    expect(e.sum?.(-(2 ** 31), 0)).toBe(-(2 ** 31));
    expect(e.sum?.(Value.i32(1), Value.i32(2))).toBe(3);
    expect(e.add64?.(2n ** 63n - 1n, 1n)).toBe(-(2n ** 63n));
    expect(e.add64?.(5, 37)).toBe(42n);
    expect(e.add64?.(0xffff_ffff_ffff_ffffn, 1n)).toBe(0n);
    expect(e.add64?.(Value.i64(-1), Value.i64(3n))).toBe(2n);
    expect(e.addf32?.(0.1, 0.2)).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    expect(e.addf64?.(0.1, 0.2)).toBe(0.1 + 0.2);
    expect(e.addf64?.(Value.f64(1.5), 1)).toBe(2.5);
    expect(e.nothing?.()).toBeUndefined();
    const token = { any: 'thing' };
    expect(e.id?.(token)).toBe(token);
  });

  it('returns multiple values as an array, i64 as bigint', async () => {
    const { exports: e } = await instance(ARITH);
    expect(e.swap?.(7, 9n)).toEqual([9n, 7]);
  });

  it('names the function, parameter and expected type on a bad argument', async () => {
    const { exports: e } = await instance(ARITH);
    expect(() => e.sum?.(1, 'abc')).toThrow(
      'sum(i32, i32) -> i32: argument 2 is "abc" (string), expected an i32 (an integer in [-2^31, 2^32) or Value.i32)',
    );
    const cases: [() => unknown, string][] = [
      [() => e.sum?.(1), 'ERR_ARG_COUNT'],
      [() => e.sum?.(1, 2, 3), 'ERR_ARG_COUNT'],
      [() => e.sum?.(1.5, 2), 'ERR_ARG_RANGE'],
      [() => e.sum?.(2 ** 32, 2), 'ERR_ARG_RANGE'],
      [() => e.sum?.(-(2 ** 31) - 1, 2), 'ERR_ARG_RANGE'],
      [() => e.sum?.(1n, 2), 'ERR_ARG_TYPE'],
      [() => e.sum?.(Value.i64(1), 2), 'ERR_ARG_TYPE'],
      [() => e.add64?.(2n ** 64n, 0n), 'ERR_ARG_RANGE'],
      [() => e.add64?.(-(2n ** 63n) - 1n, 0n), 'ERR_ARG_RANGE'],
      [() => e.add64?.(2 ** 53, 0n), 'ERR_ARG_RANGE'],
      [() => e.add64?.('1', 0n), 'ERR_ARG_TYPE'],
      [() => e.addf64?.(null, 1), 'ERR_ARG_TYPE'],
      [() => e.addf32?.(Value.f64(1), 1), 'ERR_ARG_TYPE'],
      [() => e.nothing?.(1), 'ERR_ARG_COUNT'],
    ];
    for (const [call, code] of cases) expectCode(call, ArgumentError, code);
    expect(() => e.add64?.(1n)).toThrow('add64(i64, i64) -> i64: expected 2 arguments, got 1');
  });

  it('uses parameter names from the name section in errors', async () => {
    const i = new Instance<Fns>(await fixture('simple'));
    expect(() => i.exports.sum?.(1, 'abc')).toThrow(
      'sum(x: i32, y: i32) -> i32: argument 2 is "abc" (string), expected an i32 (an integer in [-2^31, 2^32) or Value.i32)',
    );
    const bare = new Instance<Fns>(await fixture('simple', { names: false }));
    expect(() => bare.exports.sum?.(1)).toThrow('sum(i32, i32) -> i32: expected 2 arguments, got 1');
  });

  it('reads parameter names defensively from a damaged name section', async () => {
    const bytes = await fixture('simple');
    const info = new Module(bytes).info;
    const section = info.customSections.find((s) => s.name === 'name')?.data as Uint8Array;
    expect(decodeParamNames(section, 0, 2)).toEqual(['x', 'y']);
    expect(decodeParamNames(section, 5, 1)).toEqual([undefined]);
    for (let cut = 0; cut < section.length; cut++) {
      const names = decodeParamNames(section.subarray(0, cut), 0, 2);
      expect(names.length).toBe(2);
    }
    expect(decodeParamNames(undefined, 0, 2)).toEqual([undefined, undefined]);
  });

  it('keeps working on the fast path after slow-path calls', async () => {
    const { exports: e } = await instance(ARITH);
    let acc = 0;
    for (let i = 0; i < 20_000; i++) {
      acc = e.sum?.(acc, 1) as number;
      if (i % 1000 === 0) expect(() => e.sum?.('x', 1)).toThrow(ArgumentError);
    }
    expect(acc).toBe(20_000);
  });

  it('getFunction finds a function or lists the exported ones', async () => {
    const i = await instance(ARITH);
    expect(i.getFunction('sum')(1, 2)).toBe(3);
    expect(() => i.getFunction('mian')).toThrow(
      expect.objectContaining({
        code: 'ERR_NO_EXPORT',
        message: expect.stringMatching(/"mian" not found.*sum, add64/),
      }),
    );
  });

  it('exposes exports whatever their names, __proto__ included', async () => {
    const i = await instance(
      '(module (func (export "__proto__") (result i32) i32.const 1) (func (export "constructor") (result i32) i32.const 2) (func (export "") (result i32) i32.const 3))',
    );
    expect(Object.keys(i.exports)).toEqual(['__proto__', 'constructor', '']);
    expect(i.getFunction('__proto__')()).toBe(1);
    expect(i.getFunction('constructor')()).toBe(2);
    expect(i.getFunction('')()).toBe(3);
  });

  it('freezes the exports object', async () => {
    const i = await instance(ARITH);
    expect(Object.isFrozen(i.exports)).toBe(true);
    expect(Object.keys(i.exports)).toEqual(['sum', 'add64', 'addf32', 'addf64', 'swap', 'nothing', 'id']);
    expect(i.exports.sum?.name).toBe('sum');
  });
});

describe('traps', () => {
  const TRAPS = `(module
    (import "env" "host" (func $host))
    (func $inner (export "inner") unreachable)
    (func $outer (export "outer") call $inner)
    (func (export "divzero") (param i32) (result i32) i32.const 1 local.get 0 i32.div_s)
    (func $recurse (export "recurse") call $recurse)
    (func (export "callHost") call $host)
    (memory 1)
    (func (export "oob") (result i32) i32.const 70000 i32.load))`;

  it('turns unreachable into a Trap with the Wasm frames and names', async () => {
    const i = await instance(TRAPS, { env: { host() {} } });
    let trap: unknown;
    try {
      i.exports.outer?.();
    } catch (e) {
      trap = e;
    }
    expect(trap).toBeInstanceOf(Trap);
    const t = trap as Trap;
    expect(t.code).toBe('ERR_TRAP');
    expect(t.reason).toBe('unreachable');
    expect(t.frames.map((f) => f.functionName)).toEqual(['inner', 'outer']);
    expect(t.frames.map((f) => f.functionIndex)).toEqual([1, 2]);
    expect(t.frames[0]?.moduleOffset).toBeGreaterThan(0);
    expect(t.message).toMatch(/trap: unreachable\n {2}0: inner @ 0x[0-9a-f]+\n {2}1: outer/);
    expect(t.cause).toBeInstanceOf(WebAssembly.RuntimeError);
  });

  it('reports division by zero, out-of-bounds access and stack exhaustion', async () => {
    const i = await instance(TRAPS, { env: { host() {} } });
    expect(() => i.exports.divzero?.(0)).toThrow(expect.objectContaining({ reason: 'divide by zero' }));
    expect(() => i.exports.oob?.()).toThrow(expect.objectContaining({ reason: 'memory access out of bounds' }));
    let overflow: unknown;
    try {
      i.exports.recurse?.();
    } catch (e) {
      overflow = e;
    }
    expect(overflow).toBeInstanceOf(Trap);
    expect((overflow as Trap).reason).toBe('call stack exhausted');
    expect((overflow as Trap).frames[0]?.functionName).toBe('recurse');
  });

  it('lets host errors and WasiExit through unchanged', async () => {
    class Custom extends Error {}
    const custom = new Custom('from the host');
    const exit = new WasiExit(3);
    const range = new RangeError('host range');
    for (const thrown of [custom, exit, range]) {
      const i = await instance(TRAPS, {
        env: {
          host() {
            throw thrown;
          },
        },
      });
      expect(() => i.exports.callHost?.()).toThrow(thrown);
    }
  });

  it('traps in the start function at instantiation', async () => {
    const m = await Module.compile('(module (func $s unreachable) (start $s))');
    expect(() => m.instantiate()).toThrow(Trap);
  });
});

describe('imports', () => {
  const IMPORTS = `(module
    (import "env" "log" (func $log (param i32)))
    (import "env" "mem" (memory 2 4))
    (import "env" "g" (global $g f32))
    (import "env" "mg" (global $mg (mut i64)))
    (import "env" "tab" (table 1 2 funcref))
    (func (export "run") (param i32) local.get 0 call $log)
    (func (export "readG") (result f32) global.get $g)
    (func (export "bumpMg") global.get $mg i64.const 1 i64.add global.set $mg)
    (func (export "load") (param i32) (result i32) local.get 0 i32.load))`;

  function goodImports(log: (x: number) => void = () => {}) {
    return {
      env: {
        log,
        mem: new Memory({ minimum: 2, maximum: 4 }),
        g: 1.5,
        mg: new Global({ type: 'i64', mutable: true }, 10n),
        tab: new Table({ elementType: 'funcref', minimum: 1, maximum: 2 }),
      },
    };
  }

  it('links host functions, Memory, Global, Table and plain values', async () => {
    const seen: number[] = [];
    const imports = goodImports((x) => seen.push(x));
    const i = await instance(IMPORTS, imports);
    i.exports.run?.(7);
    expect(seen).toEqual([7]);
    expect(i.exports.readG?.()).toBe(1.5);
    i.exports.bumpMg?.();
    expect(imports.env.mg.value).toBe(11n);
    imports.env.mem.uint32View()[1] = 0xdeadbeef;
    expect(i.exports.load?.(4)).toBe(0xdeadbeef | 0);
    expect(i.memory).toBeNull();
  });

  it('accepts raw WebAssembly objects too', async () => {
    const i = await instance(IMPORTS, {
      env: {
        log() {},
        mem: new WebAssembly.Memory({ initial: 2, maximum: 4 }),
        g: new WebAssembly.Global({ value: 'f32' }, 2.5),
        mg: new WebAssembly.Global({ value: 'i64', mutable: true }, 0n),
        tab: new WebAssembly.Table({ element: 'anyfunc', initial: 1, maximum: 2 }),
      },
    });
    expect(i.exports.readG?.()).toBe(2.5);
  });

  it('reports a missing import with its expected type', async () => {
    const m = await Module.compile(IMPORTS);
    expect(() => m.instantiate({})).toThrow(
      expect.objectContaining({
        code: 'ERR_MISSING_IMPORT',
        message: expect.stringContaining('missing import env.log: func (i32) -> ()'),
      }),
    );
    const { log: _log, ...rest } = goodImports().env;
    expect(() => m.instantiate({ env: rest })).toThrow(
      /missing import env\.log: func \(i32\) -> \(\) \("env" provides mem, g, mg, tab\)/,
    );
    expect(() => m.instantiate()).toThrow(LinkError);
  });

  it('reports mistyped imports', async () => {
    const m = await Module.compile(IMPORTS);
    const cases: [string, unknown, RegExp][] = [
      ['log', 3, /import env\.log must be a func \(i32\) -> \(\), but got 3 \(number\)/],
      ['mem', new Memory({ minimum: 1, maximum: 4 }), /memory 2\.\.4 pages, but the memory given has only 1 page/],
      ['mem', new Memory({ minimum: 2 }), /has no maximum/],
      ['mem', new Memory({ minimum: 2, maximum: 8 }), /maximum of 8 pages/],
      ['mem', {}, /memory 2\.\.4 pages, but got an object/],
      ['g', new Global({ type: 'i32' }, 1), /global f32, but the global given is i32/],
      ['g', 'x', /global f32, but got "x"/],
      ['mg', 5n, /a mutable global is imported as a Global object/],
      ['mg', new Global({ type: 'i64', mutable: false }, 5n), /the global given is i64/],
      ['tab', new Table({ elementType: 'externref', minimum: 1, maximum: 2 }), /holds externref/],
      ['tab', new Table({ elementType: 'funcref', minimum: 0, maximum: 2 }), /only 0 elements/],
    ];
    for (const [name, value, message] of cases) {
      const env = { ...goodImports().env, [name]: value };
      let error: unknown;
      try {
        m.instantiate({ env });
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(LinkError);
      expect((error as LinkError).code, name).toBe('ERR_IMPORT_TYPE');
      expect((error as LinkError).message, name).toMatch(message);
    }
  });

  it('wraps V8 own link errors (a raw memory with too large a maximum)', async () => {
    const m = await Module.compile(IMPORTS);
    const env = { ...goodImports().env, mem: new WebAssembly.Memory({ initial: 2, maximum: 100 }) };
    expect(() => m.instantiate({ env })).toThrow(
      expect.objectContaining({ code: 'ERR_LINK', cause: expect.any(WebAssembly.LinkError) }),
    );
  });

  it('passes i64 to host functions as bigint', async () => {
    const got: unknown[] = [];
    const i = await instance(
      '(module (import "env" "f" (func $f (param i64 i32))) (func (export "go") i64.const -2 i32.const 3 call $f))',
      { env: { f: (a: unknown, b: unknown) => got.push(a, b) } },
    );
    i.exports.go?.();
    expect(got).toEqual([-2n, 3]);
  });

  it('links another instance exports directly (unwrapped)', async () => {
    const a = await instance(ARITH);
    const b = await instance(
      '(module (import "a" "sum" (func $s (param i32 i32) (result i32))) (func (export "twice") (param i32) (result i32) local.get 0 local.get 0 call $s))',
      { a: { sum: a.exports.sum } },
    );
    expect(b.exports.twice?.(21)).toBe(42);
  });

  it('gives exported memories, globals and tables as our wrappers', async () => {
    const i = new Instance(await fixture('simple'));
    expect(i.memory).toBeInstanceOf(Memory);
    expect(i.exports.memory).toBe(i.memory);
    expect(i.memory?.size).toBe(17);
    const heap = i.exports.__heap_base as Global;
    expect(heap).toBeInstanceOf(Global);
    expect(heap.value).toBe(1049576);
    expect(heap.type).toBe('i32');
    expect(heap.mutable).toBe(false);
    const table = i.exports.__indirect_function_table as Table;
    expect(table).toBeInstanceOf(Table);
    expect(table.length).toBe(1);
    expect(table.elementType).toBe('funcref');
  });
});
