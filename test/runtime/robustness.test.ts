import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, Instance, LinkError, Module, WasmerError } from '../../src/runtime/index.js';
import { thrown } from '../helpers/errors.js';
import { fixture, wat } from '../helpers/wat.js';

describe('robustness: only typed errors, whatever the input', () => {
  it('new Module on mutated and truncated real modules throws only WasmerErrors, and agrees with validate', async () => {
    const seeds = [
      await fixture('simple'),
      await wat(`(module (import "env" "f" (func (param i64))) (memory 1 2) (global (mut i32) (i32.const 0))
        (table 2 funcref) (func (export "g") (param i32) (result i32) local.get 0) (data (i32.const 0) "abc"))`),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat()),
        (seed, edits, cut) => {
          const bytes = seed.slice(0, cut === null ? seed.length : cut % (seed.length + 1));
          for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
          const error = thrown(() => new Module(bytes));
          if (error !== null) expect(error).toBeInstanceOf(WasmerError);
          if (error === null) expect(Module.validate(bytes)).toBe(true);
          if (!Module.validate(bytes)) expect(error).not.toBeNull();
        },
      ),
      { numRuns: 400 },
    );
  });

  it('Module.from on arbitrary bytes resolves or rejects with a WasmerError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (bytes) => {
        try {
          await Module.from(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(WasmerError);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('instantiating with arbitrary import values gives LinkError, never a bare error', async () => {
    const m = await Module.compile(`(module (import "env" "f" (func (param i64)))
      (import "env" "m" (memory 1 2)) (import "env" "g" (global f64)) (import "env" "t" (table 1 funcref)))`);
    const anything = fc.oneof(
      fc.anything(),
      fc.constant(() => {}),
      fc.constant(new WebAssembly.Memory({ initial: 0 })),
      fc.constant(new WebAssembly.Global({ value: 'i32' }, 1)),
      fc.constant(new WebAssembly.Table({ element: 'externref', initial: 1 })),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('f', 'm', 'g', 't', 'x'), anything), (env) => {
        const error = thrown(() => new Instance(m, { env }));
        if (error !== null) expect(error).toBeInstanceOf(LinkError);
      }),
      { numRuns: 300 },
    );
    for (const imports of [null, 5, 'env', [], { env: null }, { env: 5 }]) {
      expect(thrown(() => new Instance(m, imports as never))).toBeInstanceOf(LinkError);
    }
  });

  it('exported functions take arbitrary arguments with ArgumentError at worst', async () => {
    const m = await Module.compile(`(module
      (func (export "i32") (param i32) (result i32) local.get 0)
      (func (export "i64") (param i64) (result i64) local.get 0)
      (func (export "f32") (param f32) (result f32) local.get 0)
      (func (export "f64") (param f64) (result f64) local.get 0)
      (func (export "v128") (param v128) (result v128) local.get 0)
      (func (export "funcref") (param funcref) (result i32) i32.const 1)
      (func (export "externref") (param externref) (result externref) local.get 0))`);
    const e = new Instance<Record<string, (...args: unknown[]) => unknown>>(m).exports;
    const names = Object.keys(e);
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(fc.anything(), { maxLength: 2 }), (name, args) => {
        const error = thrown(() => e[name]?.(...args));
        if (error !== null) expect(error).toBeInstanceOf(ArgumentError);
      }),
      { numRuns: 500 },
    );
  });

  it('memory views and tables take arbitrary indexes and values with ArgumentError at worst', async () => {
    const instance = new Instance(await fixture('simple'));
    const memory = instance.memory;
    const views = memory === null ? [] : [memory.uint8View(), memory.int16View(3), memory.bigInt64View(8)];
    fc.assert(
      fc.property(fc.constantFrom(...views), fc.anything(), fc.anything(), (view, index, value) => {
        for (const f of [() => view.get(index as number), () => view.set(index as number, value as never)]) {
          const error = thrown(f);
          if (error !== null) expect(error).toBeInstanceOf(ArgumentError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
