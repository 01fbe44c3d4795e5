// JSPI through our API (issue 12, item 5): `new Instance(module, imports, { async: true })`
// lets host functions return Promises, which suspend the Wasm code (V8's
// WebAssembly.Suspending), and makes every export return a Promise (WebAssembly.promising).
// V8 ships JSPI without a flag from 13.6 (Node 24; measured on 24.22.3 and 26.12.1); on Node
// 20 and 22 the option is our ERR_INVALID_OPTION naming the Node needed.
import { describe, expect, it } from 'vitest';
import { ArgumentError, Trap } from '../../src/runtime/errors.js';
import { Instance, Module } from '../../src/runtime/index.js';
import { errorOf } from '../helpers/errors.js';

const hasJspi =
  typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function' &&
  typeof (WebAssembly as { promising?: unknown }).promising === 'function';

const SOURCE = `(module
  (import "env" "fetch" (func $fetch (param i32) (result i32)))
  (import "env" "log" (func $log (param i32)))
  (func (export "twice") (param $x i32) (result i32)
    (i32.add (call $fetch (local.get $x)) (call $fetch (i32.add (local.get $x) (i32.const 1)))))
  (func (export "echo") (param i32) (result i32) (call $log (local.get 0)) (local.get 0))
  (func $boom (export "boom") unreachable))`;

type Exports = {
  twice(x: unknown): Promise<number>;
  echo(x: number): Promise<number>;
  boom(): Promise<void>;
};

/** A promise and its resolve, to settle host calls in a chosen order. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe.skipIf(!hasJspi)('JSPI with options.async (needs Node 24+)', () => {
  it('suspends Wasm on a host Promise and resumes it with the value; the export returns a Promise', async () => {
    const m = await Module.compile(SOURCE);
    const calls: number[] = [];
    const pending: ((v: number) => void)[] = [];
    const secondCall = deferred<void>();
    const fetch = (x: number) => {
      calls.push(x);
      if (calls.length === 2) secondCall.resolve();
      const d = deferred<number>();
      pending.push(d.resolve);
      return d.promise;
    };
    const e = new Instance<Exports>(m, { env: { fetch, log: () => {} } }, { async: true }).exports;
    const result = e.twice(1);
    expect(result).toBeInstanceOf(Promise);
    // The Wasm code is suspended inside its first call of fetch: the second has not happened.
    expect(calls).toEqual([1]);
    pending[0]?.(10);
    await secondCall.promise;
    expect(calls).toEqual([1, 2]);
    pending[1]?.(20);
    expect(await result).toBe(30);
  });

  it('two calls suspended at once resume independently', async () => {
    const m = await Module.compile(SOURCE);
    const fetch = async (x: number) => {
      await null;
      return x * 100;
    };
    const e = m.instantiate<Exports>({ env: { fetch, log: () => {} } }, { async: true }).exports;
    expect(await Promise.all([e.twice(1), e.twice(5)])).toEqual([300, 1100]);
  });

  it('a host function that returns a plain value is called as usual', async () => {
    const logged: number[] = [];
    const m = await Module.compile(SOURCE);
    const e = new Instance<Exports>(m, { env: { fetch: () => 1, log: (v: number) => logged.push(v) } }, { async: true })
      .exports;
    expect(await e.echo(7)).toBe(7);
    expect(await e.twice(0)).toBe(2);
    expect(logged).toEqual([7]);
  });

  it('argument errors, traps and host rejections reject the Promise (nothing is thrown)', async () => {
    const m = await Module.compile(SOURCE);
    const nope = new Error('nope');
    const e = new Instance<Exports>(m, { env: { fetch: () => Promise.reject(nope), log: () => {} } }, { async: true })
      .exports;
    const bad = e.twice('x');
    await expect(bad).rejects.toBeInstanceOf(ArgumentError);
    await expect(bad).rejects.toMatchObject({ code: 'ERR_ARG_TYPE' });
    await expect(e.boom()).rejects.toBeInstanceOf(Trap);
    await expect(e.boom()).rejects.toMatchObject({ code: 'ERR_TRAP' });
    await expect(e.twice(1)).rejects.toBe(nope);
  });

  it('refuses a non-boolean options.async', async () => {
    const m = await Module.compile(SOURCE);
    const error = errorOf(
      () => new Instance(m, { env: { fetch: () => 1, log: () => {} } }, { async: 'yes' as unknown as boolean }),
      ArgumentError,
    );
    expect(error.code).toBe('ERR_INVALID_OPTION');
    expect(error.message).toContain('new Instance: options.async');
  });
});

it.runIf(!hasJspi)('options.async is our ERR_INVALID_OPTION naming the Node needed (this V8 has no JSPI)', async () => {
  const m = await Module.compile(SOURCE);
  const error = errorOf(
    () => new Instance(m, { env: { fetch: () => 1, log: () => {} } }, { async: true }),
    ArgumentError,
  );
  expect(error.code).toBe('ERR_INVALID_OPTION');
  expect(error.message).toMatch(
    /^new Instance: options\.async: JSPI \(WebAssembly\.Suspending and WebAssembly\.promising\) needs Node 24 or later \(this is Node 2[02]\./,
  );
});
