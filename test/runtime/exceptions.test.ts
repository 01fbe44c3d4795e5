// Wasm exceptions across the JS boundary (issue 12): an uncaught Wasm exception becomes
// WasmException (ERR_WASM_EXCEPTION) with its tag and payload; a host function's JS error
// comes back as the same object; `Tag` is importable and exportable, and a host function
// can throw a tag's exception for Wasm to catch. The legacy exception instructions (try /
// catch / throw) run on every supported Node (V8 11.3 has them by default); try_table and
// exnref need Node 22+ and are checked only where V8 accepts them.
import { describe, expect, it } from 'vitest';
import { LinkError, Module, Tag, Trap, WasmException, WasmerError } from '../../src/runtime/index.js';
import { errorOf } from '../helpers/errors.js';
import { wat } from '../helpers/wat.js';

const THROWER = `(module
  (import "env" "host" (func $host))
  (tag $e (export "e") (param i32 i64 f64))
  (tag $hidden (param i32))
  (tag $vec (export "vec") (param v128))
  (func $inner (param i32) (throw $e (local.get 0) (i64.const -5) (f64.const 1.5)))
  (func (export "throwE") (param i32) (call $inner (local.get 0)))
  (func (export "throwHidden") (throw $hidden (i32.const 7)))
  (func (export "throwVec") (throw $vec (v128.const i64x2 1 2)))
  (func (export "callHost") (call $host)))`;

async function thrower(host: () => unknown = () => {}) {
  const module = await Module.compile(await wat(THROWER));
  return module.instantiate({ env: { host } });
}

describe('a Wasm exception that reaches JS is a WasmException', () => {
  it('carries its tag, its name, its parameter types and its payload', async () => {
    const instance = await thrower();
    const e = instance.exports.e as Tag;
    const error = errorOf(() => (instance.exports.throwE as (x: number) => void)(42), WasmException);
    expect(error).toBeInstanceOf(WasmerError);
    expect(error.code).toBe('ERR_WASM_EXCEPTION');
    expect(error.tag).toBe(e.raw);
    expect(error.tagName).toBe('e');
    expect(error.parameters).toEqual(['i32', 'i64', 'f64']);
    expect(error.payload).toEqual([42, -5n, 1.5]);
    expect(error.is(e)).toBe(true);
    expect(error.is(instance.exports.vec as Tag)).toBe(false);
    expect(error.exception).toBeInstanceOf(WebAssembly.Exception);
    expect(error.cause).toBe(error.exception);
    expect(error.message).toBe('uncaught Wasm exception: tag e (i32, i64, f64), payload 42, -5n, 1.5');
    // V8 records no stack for an exception that a Wasm `throw` made.
    expect(error.frames).toEqual([]);
  });

  it('says so when the tag is the module’s own (not exported), whose payload JS cannot read', async () => {
    const instance = await thrower();
    const error = errorOf(() => (instance.exports.throwHidden as () => void)(), WasmException);
    expect([error.tag, error.tagName, error.parameters, error.payload]).toEqual([null, null, null, null]);
    expect(error.message).toMatch(/tag this module neither exports nor imports.*export the tag/);
  });

  it('leaves a v128 payload unread (V8 cannot convert it; Node 20 would abort on reading it)', async () => {
    const instance = await thrower();
    const error = errorOf(() => (instance.exports.throwVec as () => void)(), WasmException);
    expect(error.parameters).toEqual(['v128']);
    expect(error.payload).toBeNull();
    expect(error.message).toBe(
      'uncaught Wasm exception: tag vec (v128), payload not readable from JS (v128 or exnref)',
    );
  });

  it('is not a Trap, and a trap is still a Trap', async () => {
    const instance = await thrower();
    const error = errorOf(() => (instance.exports.throwE as (x: number) => void)(1), WasmException);
    expect(error).not.toBeInstanceOf(Trap);
    const trapping = (await Module.compile('(module (func (export "f") unreachable))')).instantiate();
    expect(() => (trapping.exports.f as () => void)()).toThrow(Trap);
  });
});

describe('a host function’s JS error crosses Wasm unchanged', () => {
  it('comes back as the same object', async () => {
    const original = new RangeError('host says no');
    const instance = await thrower(() => {
      throw original;
    });
    let caught: unknown;
    try {
      (instance.exports.callHost as () => void)();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(original);
  });

  it('a thrown non-Error value comes back unchanged too', async () => {
    const value = { reason: 'plain object' };
    const instance = await thrower(() => {
      throw value;
    });
    let caught: unknown;
    try {
      (instance.exports.callHost as () => void)();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(value);
  });
});

const CATCHER = `(module
  (import "env" "tag" (tag $t (param i32)))
  (import "env" "host" (func $host))
  (func (export "run") (result i32)
    (try (result i32)
      (do (call $host) (i32.const -1))
      (catch $t)
      (catch_all (i32.const -2)))))`;

describe('Tag', () => {
  it('is exported as a Tag and described as ExportKind.TAG', async () => {
    const instance = await thrower();
    expect(instance.exports.e).toBeInstanceOf(Tag);
    expect((instance.exports.e as Tag).parameters).toEqual(['i32', 'i64', 'f64']);
    expect((instance.exports.e as Tag).name).toBe('e');
    expect((instance.exports.e as Tag).raw).toBeInstanceOf(WebAssembly.Tag);
  });

  it('made in JS and imported, its exception thrown by a host function is caught by Wasm by that tag', async () => {
    const tag = new Tag({ parameters: ['i32'] });
    const module = await Module.compile(await wat(CATCHER));
    let thrown: unknown = tag.exception([41]);
    const instance = module.instantiate({
      env: {
        tag,
        host: () => {
          throw thrown;
        },
      },
    });
    const run = instance.exports.run as () => number;
    expect(run()).toBe(41);
    thrown = new Error('not a Wasm exception');
    expect(run()).toBe(-2); // catch_all catches a JS exception too
  });

  it('an uncaught exception of a JS-made tag has its payload and the Wasm frames that called the host', async () => {
    const tag = new Tag({ parameters: ['i32'] });
    const other = new Tag({ parameters: ['i32'] });
    const module = await Module.compile(await wat(CATCHER));
    const instance = module.instantiate({
      env: {
        tag,
        host: () => {
          throw other.exception([5]);
        },
      },
    });
    // `other` is not the module's tag: catch_all catches it... so check it through an uncaught path.
    expect((instance.exports.run as () => number)()).toBe(-2);
    const passThrough = (await Module.compile(await wat(THROWER))).instantiate({
      env: {
        host: () => {
          throw other.exception([5]);
        },
      },
    });
    const error = errorOf(() => (passThrough.exports.callHost as () => void)(), WasmException);
    expect([error.tagName, error.parameters, error.payload]).toEqual([null, ['i32'], [5]]);
    expect(error.is(other)).toBe(true);
    expect(error.frames.length).toBeGreaterThan(0);
    expect(error.frames[0]).toMatchObject({ functionIndex: expect.any(Number) });
    expect(error.message).toMatch(/^uncaught Wasm exception: tag \(i32\), payload 5\n {2}0: /);
  });

  it('a Wasm exception from a nested call stays catchable by its tag in the calling module', async () => {
    // B throws its exported tag; A imports that tag, and calls B through a host function that uses
    // our wrapper of B's export (which turns the exception into a WasmException on the way out).
    const b = (await Module.compile(await wat(THROWER))).instantiate({ env: { host: () => {} } });
    const aText = CATCHER.replace('(param i32)', '(param i32 i64 f64)').replace(
      '(catch $t)',
      '(catch $t (drop) (drop))',
    );
    const a = (await Module.compile(await wat(aText))).instantiate({
      env: { tag: b.exports.e, host: () => (b.exports.throwE as (x: number) => void)(9) },
    });
    expect((a.exports.run as () => number)()).toBe(9);
  });

  it('checks an imported tag’s type, and what is given as a tag', async () => {
    const module = await Module.compile(await wat(CATCHER));
    const wrongType = errorOf(
      () => module.instantiate({ env: { tag: new Tag({ parameters: ['i64'] }), host: () => {} } }),
      LinkError,
    );
    expect(wrongType.code).toBe('ERR_IMPORT_TYPE');
    expect(wrongType.message).toBe('import env.tag must be a tag (i32), but the tag given is tag (i64)');
    const notATag = errorOf(() => module.instantiate({ env: { tag: 5, host: () => {} } }), LinkError);
    expect(notATag.code).toBe('ERR_IMPORT_TYPE');
    expect(notATag.message).toMatch(/^import env.tag must be a tag \(i32\), but got 5 \(number\)/);
    // A raw WebAssembly.Tag is taken as is (V8 checks its type), and its exceptions are still readable.
    const raw = new WebAssembly.Tag({ parameters: ['i32'] });
    const instance = module.instantiate({ env: { tag: raw, host: () => {} } });
    expect((instance.exports.run as () => number)()).toBe(-1);
  });

  it('rejects a bad descriptor and a bad payload with typed errors', () => {
    expect(() => new Tag({ parameters: ['i33'] } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringMatching(/parameters\[0\]/) }),
    );
    expect(() => new Tag(null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => new Tag({ parameters: 'i32' } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    const tag = new Tag({ parameters: ['i32', 'i64'] });
    expect(() => tag.exception([1])).toThrow(
      expect.objectContaining({
        code: 'ERR_ARG_COUNT',
        message: 'tag.exception: the tag takes 2 payload values (i32, i64), got 1',
      }),
    );
    expect(() => tag.exception([1, 'x'])).toThrow(
      expect.objectContaining({
        code: 'ERR_ARG_TYPE',
        message: expect.stringMatching(/^tag.exception \(payload\): argument 2 is "x" \(string\), expected an i64/),
      }),
    );
  });
});

/** Whether V8 accepts try_table (the final exception-handling instructions, with exnref): Node 22+. */
const hasTryTable = WebAssembly.validate(await wat('(module (func (block $h (try_table (catch_all $h)))))'));

describe.runIf(hasTryTable)('try_table and exnref (V8 with the final exception handling)', () => {
  it('an exception rethrown with throw_ref after catch_all_ref still reaches JS as a WasmException', async () => {
    const text = `(module
      (tag $e (export "e") (param i32))
      (func (export "f")
        (block $h (result exnref)
          (try_table (catch_all_ref $h) (throw $e (i32.const 3)))
          (unreachable))
        (throw_ref)))`;
    const instance = (await Module.compile(await wat(text))).instantiate();
    const error = errorOf(() => (instance.exports.f as () => void)(), WasmException);
    expect([error.tagName, error.payload]).toEqual(['e', [3]]);
  });
});
