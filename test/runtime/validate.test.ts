// One vocabulary for bad options at the public edge: every constructor and
// runProgram say `WHO: FIELD must be EXPECTED, got VALUE (TYPE)` with ArgumentError
// ERR_INVALID_OPTION, WASI's options included.
import { describe, expect, it } from 'vitest';
import { ArgumentError, Global, Memory, Module, runProgram, Table, Wasi } from '../../src/runtime/index.js';
import { checkIntegerInRange, checkOneOf, checkStringArray, oneOf } from '../../src/runtime/validate.js';
import { wat } from '../helpers/wat.js';

function invalid(message: string): unknown {
  return expect.objectContaining({ name: 'ArgumentError', code: 'ERR_INVALID_OPTION', message });
}

describe('the validators', () => {
  it('name the field and the value as Node does', () => {
    expect(() => checkIntegerInRange(1.5, 'new X: n', 0, 9, 'pages')).toThrow(
      invalid('new X: n must be an integer number of pages in [0, 9], got 1.5 (number)'),
    );
    expect(() => checkOneOf('x', 'f', ['a', 'b', 'c'])).toThrow(
      invalid("f must be one of 'a', 'b', 'c', got \"x\" (string)"),
    );
    expect(() => checkStringArray(['ok', 3], 'o.args')).toThrow(
      invalid('o.args[1] must be a string without NUL bytes, got 3 (number)'),
    );
    expect(oneOf(['funcref', 'externref'])).toBe("'funcref' or 'externref'");
  });

  it('accept what fits', () => {
    expect(() => checkIntegerInRange(9, 'n', 0, 9)).not.toThrow();
    expect(() => checkOneOf('b', 'f', ['a', 'b'])).not.toThrow();
    expect(() => checkStringArray([], 'a')).not.toThrow();
  });
});

describe('every public edge', () => {
  it.each([
    ['new Wasi', () => new Wasi({ env: 5 as never }), 'Wasi: options.env must be an object of strings, got 5 (number)'],
    ['new Wasi(null)', () => new Wasi(null as never), 'Wasi: options must be an object, got null'],
    [
      'new Memory',
      () => new Memory({ minimum: -1 }),
      'new Memory: minimum must be an integer number of pages in [0, 65536], got -1 (number)',
    ],
    [
      'new Memory shared',
      () => new Memory({ minimum: 1, shared: 1 as never }),
      'new Memory: shared must be a boolean, got 1 (number)',
    ],
    [
      'new Table',
      () => new Table({ elementType: 'anyfunc' as never, minimum: 1 }),
      "new Table: elementType must be one of 'funcref', 'externref', 'anyref', 'eqref', 'i31ref', 'structref', 'arrayref', got \"anyfunc\" (string)",
    ],
    [
      'new Global',
      () => new Global({ type: 'i32', mutable: 'yes' as never }),
      'new Global: mutable must be a boolean, got "yes" (string)',
    ],
    [
      'new Module',
      () => new Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), { compiler: 'fast' as never }),
      "Module: options.compiler must be one of 'auto', 'baseline', 'optimizing', got \"fast\" (string)",
    ],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(ArgumentError);
    expect(fn).toThrow(invalid(message));
  });

  it('runProgram, for its own options and for WASI’s', async () => {
    const module = new Module(await wat('(module (func (export "_start")))'));
    await expect(runProgram({ module, timeoutMs: 0 })).rejects.toEqual(
      invalid('runProgram: options.timeoutMs must be a positive number, got 0 (number)'),
    );
    await expect(runProgram({ module, wasi: { args: 'prog' as never } })).rejects.toEqual(
      invalid('runProgram: options.wasi.args must be an array of strings, got "prog" (string)'),
    );
  });
});
