// Finding an exported function by name: the one message (exports listed, names
// with punctuation quoted, "did you mean") that Instance.getFunction and the CLI share.
import { describe, expect, it } from 'vitest';
import { findFunctionExport, nearestName } from '../../src/runtime/find-export.js';
import { ArgumentError, Module } from '../../src/runtime/index.js';

const WIT = 'rb-eval-string-protect: func(str: string) -> tuple<handle<rb-abi-value>, s32>';

async function module(text: string): Promise<Module> {
  return Module.compile(text);
}

/** The ArgumentError `fn` throws (fails the test when it throws nothing or something else). */
function thrown(fn: () => unknown): ArgumentError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ArgumentError);
    return error as ArgumentError;
  }
  throw new Error('expected an ArgumentError');
}

describe('nearestName', () => {
  it('suggests a close name and nothing for a far one', () => {
    expect(nearestName('mian', ['main', 'add'])).toBe('main');
    expect(nearestName('ad', ['main', 'add'])).toBe('add');
    expect(nearestName('completely_different', ['main', 'add'])).toBe(null);
    expect(nearestName('x', [])).toBe(null);
  });

  it('matches a name that is a whole WIT signature by its leading word', () => {
    expect(nearestName('rb-eval-string-protect', ['other', WIT])).toBe(WIT);
    expect(nearestName('rb-eval-strng-protect', ['other', WIT])).toBe(WIT);
    expect(nearestName('rb-abi-value', [WIT])).toBe(null);
  });

  it('skips the edit distance of a candidate whose length alone puts it too far', () => {
    // Computed, this distance would need a table of 2001 x 3,000,001 cells, more than
    // a JS array can hold (RangeError): only the length check can answer.
    expect(nearestName('m'.repeat(2000), ['x'.repeat(3_000_000)])).toBe(null);
    expect(
      nearestName(
        'main',
        Array.from({ length: 100 }, () => 'x'.repeat(1_000_000)),
      ),
    ).toBe(null);
  });
});

describe('findFunctionExport', () => {
  it('finds a function and names the file when asked', async () => {
    const m = await module(
      '(module (func (export "main")) (func (export "add") (param i32 i32) (result i32) i32.const 0))',
    );
    expect(findFunctionExport(m.info, 'add').type.params).toEqual(['i32', 'i32']);
    const error = thrown(() => findFunctionExport(m.info, 'mian', 'app.wasm'));
    expect(error.code).toBe('ERR_NO_EXPORT');
    expect(error.message).toBe('export "mian" not found in app.wasm (exports: main, add); did you mean "main"?');
    expect(thrown(() => findFunctionExport(m.info, 'zzzzzz')).message).toBe(
      'export "zzzzzz" not found (exports: main, add)',
    );
  });

  it('says what an export of another kind is', async () => {
    const m = await module('(module (memory (export "memory") 1) (func (export "f")))');
    expect(thrown(() => findFunctionExport(m.info, 'memory', 'm.wasm')).message).toBe(
      'export "memory" of m.wasm is a memory, not a function (exports: f)',
    );
    const none = await module('(module (memory (export "memory") 1))');
    expect(thrown(() => findFunctionExport(none.info, 'f')).message).toBe(
      'export "f" not found (it exports no functions)',
    );
  });

  it('quotes names with spaces or punctuation and suggests them', async () => {
    const m = await module(
      `(module (func (export ${JSON.stringify(WIT)})) (func (export "say \\"hi\\"")) (func (export "ok")))`,
    );
    const error = thrown(() => findFunctionExport(m.info, 'rb-eval-string-protect', 'ruby.wasm'));
    expect(error.message).toBe(
      `export "rb-eval-string-protect" not found in ruby.wasm (exports: ${JSON.stringify(WIT)}, "say \\"hi\\"", ok); did you mean ${JSON.stringify(WIT)}?`,
    );
    expect(thrown(() => findFunctionExport(m.info, 'say "hy"')).message).toMatch(/did you mean "say \\"hi\\""\?$/);
  });

  it('lists twenty functions and counts the rest', async () => {
    const funcs = Array.from({ length: 25 }, (_, i) => `(func (export "f${i}"))`).join(' ');
    const m = await module(`(module ${funcs})`);
    expect(thrown(() => findFunctionExport(m.info, 'nope')).message).toMatch(/f18, f19, … 5 more\)$/);
  });
});

describe('Instance.getFunction', () => {
  it('gives the same message as the CLI without the file', async () => {
    const m = await module('(module (func (export "main")) (func (export "add")))');
    const instance = m.instantiate();
    const error = thrown(() => instance.getFunction('mian'));
    expect(error.code).toBe('ERR_NO_EXPORT');
    expect(error.message).toBe(thrown(() => findFunctionExport(m.info, 'mian')).message);
    expect(error.message).toBe('export "mian" not found (exports: main, add); did you mean "main"?');
    expect(thrown(() => instance.getFunction(7 as never)).code).toBe('ERR_NO_EXPORT');
  });
});
