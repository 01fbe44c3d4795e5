import { describe, expect, it } from 'vitest';
import { formatWave, parseWave } from '../../../src/runtime/component/wave.js';
import { ArgumentError } from '../../../src/runtime/errors.js';
import { T } from './wit-build.js';

/** The error `fn` throws, checked to be an ArgumentError. */
function failure(fn: () => unknown): ArgumentError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ArgumentError);
    return e as ArgumentError;
  }
  throw new Error('expected an ArgumentError, but nothing was thrown');
}

const point = T.record('point', { x: T.s32, y: T.s32 });
const person = T.record('person', { 'first-name': T.string, age: T.option(T.u8) });
const color = T.enum('color', ['red', 'green', 'ok']);
const shape = T.variant('shape', { circle: T.f64, none: undefined, square: T.u32 });
const perms = T.flags('perms', ['read', 'write', 'exec-all']);

describe('parseWave', () => {
  it('reads bools, integers at the edges of their ranges, and 64-bit integers as bigints', () => {
    expect(parseWave('true', T.bool)).toBe(true);
    expect(parseWave(' false ', T.bool)).toBe(false);
    expect(parseWave('-128', T.s8)).toBe(-128);
    expect(parseWave('255', T.u8)).toBe(255);
    expect(parseWave('4294967295', T.u32)).toBe(4294967295);
    expect(parseWave('-9223372036854775808', T.s64)).toBe(-9223372036854775808n);
    expect(parseWave('18446744073709551615', T.u64)).toBe(18446744073709551615n);
  });

  it('rejects an integer out of range with ERR_ARG_RANGE and one of the wrong shape with ERR_ARG_TYPE', () => {
    const range = failure(() => parseWave('256', T.u8, 'parameter "n"'));
    expect(range.code).toBe('ERR_ARG_RANGE');
    expect(range.message).toBe('expected a u8 in [0, 255] for parameter "n", got 256 (column 1)');
    expect(failure(() => parseWave('-1', T.u32)).code).toBe('ERR_ARG_RANGE');
    const shape = failure(() => parseWave('abc', T.u32, 'parameter "count"'));
    expect(shape.code).toBe('ERR_ARG_TYPE');
    expect(shape.message).toBe('expected a u32 for parameter "count", got "abc" (column 1)');
    expect(failure(() => parseWave('1.5', T.s32)).code).toBe('ERR_ARG_TYPE');
    expect(failure(() => parseWave('12abc', T.s32)).code).toBe('ERR_ARG_TYPE');
  });

  it('reads floats as JSON numbers and nan, inf, -inf, rounding f32 values', () => {
    expect(parseWave('3.14', T.f64)).toBe(3.14);
    expect(parseWave('6.022e+23', T.f64)).toBe(6.022e23);
    expect(parseWave('-0', T.f64)).toBe(-0);
    expect(parseWave('nan', T.f32)).toBeNaN();
    expect(parseWave('inf', T.f64)).toBe(Number.POSITIVE_INFINITY);
    expect(parseWave('-inf', T.f32)).toBe(Number.NEGATIVE_INFINITY);
    expect(parseWave('0.1', T.f32)).toBe(Math.fround(0.1));
    expect(parseWave('7', T.f32)).toBe(7);
    expect(failure(() => parseWave('1e39', T.f32)).code).toBe('ERR_ARG_RANGE');
    expect(failure(() => parseWave('1e309', T.f64)).code).toBe('ERR_ARG_RANGE');
    expect(failure(() => parseWave('.5', T.f64)).code).toBe('ERR_ARG_TYPE');
    expect(failure(() => parseWave('infinity', T.f64)).code).toBe('ERR_ARG_TYPE');
  });

  it('reads chars and strings with every escape, and rejects a bad one at its column', () => {
    expect(parseWave("'x'", T.char)).toBe('x');
    expect(parseWave("'☃'", T.char)).toBe('☃');
    expect(parseWave("'😀'", T.char)).toBe('😀');
    expect(parseWave("'\\''", T.char)).toBe("'");
    expect(parseWave("'\\u{0}'", T.char)).toBe('\0');
    expect(parseWave('"a\\n\\t\\r\\\'\\"\\\\\\u{1F600}b"', T.string)).toBe('a\n\t\r\'"\\😀b');
    expect(parseWave('""', T.string)).toBe('');
    const bad = failure(() => parseWave('"ab\\qc"', T.string));
    expect(bad.code).toBe('ERR_ARG_TYPE');
    expect(bad.message).toMatch(/column 4\)$/);
    expect(failure(() => parseWave("'ab'", T.char)).code).toBe('ERR_ARG_TYPE');
    expect(failure(() => parseWave('"\\u{d800}"', T.string)).code).toBe('ERR_ARG_TYPE');
    expect(failure(() => parseWave('"\\u{110000}"', T.string)).code).toBe('ERR_ARG_TYPE');
    expect(failure(() => parseWave('"open', T.string)).message).toContain('closing "');
    expect(failure(() => parseWave('"line\nbreak"', T.string)).code).toBe('ERR_ARG_TYPE');
  });

  it('reads multiline strings, dedented by the closing line', () => {
    expect(parseWave('"""\nA single line\n"""', T.string)).toBe('A single line');
    expect(parseWave('"""\n    Indentation determined\n      by ending delimiter\n  """', T.string)).toBe(
      '  Indentation determined\n    by ending delimiter',
    );
    expect(parseWave('"""\r\n  escaped \\r\r\n  quotes: ""\\""\n  """', T.string)).toBe('escaped \r\nquotes: """"');
    expect(failure(() => parseWave('"""no line break"""', T.string)).code).toBe('ERR_ARG_TYPE');
    expect(failure(() => parseWave('"""\n  too little\n    """', T.string)).message).toContain('4 spaces of indent');
  });

  it('reads lists of numbers as typed arrays and other lists as arrays, with trailing commas', () => {
    expect(parseWave('[1, 2, 255]', T.list(T.u8))).toEqual(new Uint8Array([1, 2, 255]));
    expect(parseWave('[-1]', T.list(T.s64))).toEqual(new BigInt64Array([-1n]));
    expect(parseWave('[0.5, nan]', T.list(T.f32))).toEqual(new Float32Array([0.5, Number.NaN]));
    expect(parseWave('["a", "b",]', T.list(T.string))).toEqual(['a', 'b']);
    expect(parseWave('[]', T.list(T.bool))).toEqual([]);
    expect(parseWave('[1, 2]', T.list(T.u8, 2))).toEqual(new Uint8Array([1, 2]));
    expect(failure(() => parseWave('[1]', T.list(T.u8, 2))).code).toBe('ERR_ARG_TYPE');
    expect(failure(() => parseWave('[1 2]', T.list(T.u8))).message).toBe('expected "," or "]", got "2" (column 4)');
  });

  it('reads records with fields in any order, lowerCamelCase keys, and option fields left out', () => {
    expect(parseWave('{y: -2, x: 1}', point)).toEqual({ x: 1, y: -2 });
    expect(parseWave('{first-name: "Ada", age: 36}', person)).toEqual({ firstName: 'Ada', age: 36 });
    expect(parseWave('{first-name: "Ada"}', person)).toEqual({ firstName: 'Ada', age: undefined });
    expect(parseWave('{%first-name: "Ada", age: none,}', person)).toEqual({ firstName: 'Ada', age: undefined });
    const allOptional = T.record('o', { a: T.option(T.u8) });
    expect(parseWave('{:}', allOptional)).toEqual({ a: undefined });
    const missing = failure(() => parseWave('{x: 1}', point, 'parameter "p"'));
    expect(missing.message).toBe(
      'expected field "y" of a record point (only option fields may be left out) for parameter "p", got "}" (column 6)',
    );
    expect(failure(() => parseWave('{x: 1, z: 2}', point)).message).toContain('a field of a record point (x, y)');
    expect(failure(() => parseWave('{x: 1, x: 2}', point)).message).toContain('given twice');
  });

  it('reads tuples, variants, enums and flags', () => {
    expect(parseWave('(1, "a")', T.tuple(T.u32, T.string))).toEqual([1, 'a']);
    expect(failure(() => parseWave('(1)', T.tuple(T.u32, T.string))).code).toBe('ERR_ARG_TYPE');
    expect(parseWave('circle(2.5)', shape)).toEqual({ tag: 'circle', val: 2.5 });
    expect(parseWave('%none', shape)).toEqual({ tag: 'none' });
    expect(failure(() => parseWave('none', shape)).message).toContain(
      'a case of a variant shape (circle, none, square)',
    );
    expect(failure(() => parseWave('circle', shape)).code).toBe('ERR_ARG_TYPE');
    expect(parseWave('green', color)).toBe('green');
    expect(parseWave('%ok', color)).toBe('ok');
    expect(failure(() => parseWave('blue', color)).message).toBe(
      'expected a case of an enum color (red, green, ok), got "blue" (column 1)',
    );
    expect(parseWave('{write, exec-all,}', perms)).toEqual({ read: false, write: true, execAll: true });
    expect(parseWave('{}', perms)).toEqual({ read: false, write: false, execAll: false });
    expect(failure(() => parseWave('{run}', perms)).code).toBe('ERR_ARG_TYPE');
  });

  it('reads options and results explicitly and in their flat forms', () => {
    expect(parseWave('some(3)', T.option(T.u8))).toBe(3);
    expect(parseWave('3', T.option(T.u8))).toBe(3);
    expect(parseWave('none', T.option(T.u8))).toBeUndefined();
    const nested = T.option(T.option(T.u8));
    expect(parseWave('none', nested)).toEqual({ tag: 'none' });
    expect(parseWave('some(none)', nested)).toEqual({ tag: 'some', val: undefined });
    expect(parseWave('some(some(1))', nested)).toEqual({ tag: 'some', val: 1 });
    expect(failure(() => parseWave('1', nested)).code).toBe('ERR_ARG_TYPE');
    const res = T.result(T.u8, T.string);
    expect(parseWave('ok(1)', res)).toEqual({ tag: 'ok', val: 1 });
    expect(parseWave('1', res)).toEqual({ tag: 'ok', val: 1 });
    expect(parseWave('err("x")', res)).toEqual({ tag: 'err', val: 'x' });
    expect(parseWave('ok', T.result(undefined, T.string))).toEqual({ tag: 'ok' });
    expect(parseWave('err', T.result())).toEqual({ tag: 'err' });
    expect(failure(() => parseWave('"x"', T.result(undefined, T.string))).code).toBe('ERR_ARG_TYPE');
  });

  it('allows whitespace and // comments between tokens and reports the line of a multi-line error', () => {
    const text = '// a point\n{\n  x: 1, // first\n  y: 2\n}\n';
    expect(parseWave(text, point)).toEqual({ x: 1, y: 2 });
    expect(failure(() => parseWave('{\n  x: 1,\n  y: "2"\n}', point)).message).toMatch(/line 3, column 6\)$/);
    expect(failure(() => parseWave('1 2', T.u8)).message).toBe('expected the end of the value, got "2" (column 3)');
  });

  it('refuses types that WAVE cannot write', () => {
    const file = T.resource('file');
    const err = failure(() => parseWave('1', T.own(file), 'parameter "f"'));
    expect(err.code).toBe('ERR_ARG_TYPE');
    expect(err.message).toContain('has no WAVE form');
  });
});

describe('formatWave', () => {
  it('writes each type in its explicit form, fields and flags in the type order', () => {
    expect(formatWave({ y: 2, x: 1 }, point)).toBe('{x: 1, y: 2}');
    expect(formatWave({ firstName: 'Ada', age: undefined }, person)).toBe('{first-name: "Ada", age: none}');
    expect(formatWave({ execAll: true, read: true }, perms)).toBe('{read, exec-all}');
    expect(formatWave({}, perms)).toBe('{}');
    expect(formatWave('ok', color)).toBe('%ok');
    expect(formatWave({ tag: 'none' }, shape)).toBe('%none');
    expect(formatWave({ tag: 'circle', val: 1 }, shape)).toBe('circle(1)');
    expect(formatWave(3, T.option(T.u8))).toBe('some(3)');
    expect(formatWave(undefined, T.option(T.u8))).toBe('none');
    expect(formatWave({ tag: 'some', val: undefined }, T.option(T.option(T.u8)))).toBe('some(none)');
    expect(formatWave({ tag: 'err', val: 'x' }, T.result(T.u8, T.string))).toBe('err("x")');
    expect(formatWave({ tag: 'ok' }, T.result())).toBe('ok');
    expect(formatWave(new Uint8Array([1, 2]), T.list(T.u8))).toBe('[1, 2]');
    expect(formatWave([1, 2], T.list(T.u8))).toBe('[1, 2]');
    expect(formatWave([1n, 'a'], T.tuple(T.u64, T.string))).toBe('(1, "a")');
    expect(formatWave(-5, T.s64)).toBe('-5');
  });

  it('writes floats in the shortest form that reads back to the same f32 or f64', () => {
    expect(formatWave(0.1, T.f64)).toBe('0.1');
    expect(formatWave(Math.fround(0.1), T.f32)).toBe('0.1');
    expect(formatWave(Math.fround(1 / 3), T.f32)).toBe('0.33333334');
    expect(formatWave(16777216, T.f32)).toBe('16777216');
    expect(formatWave(1e21, T.f64)).toBe('1e+21');
    expect(formatWave(5e-324, T.f64)).toBe('5e-324');
    expect(formatWave(-0, T.f32)).toBe('-0');
    expect(formatWave(Number.NaN, T.f64)).toBe('nan');
    expect(formatWave(Number.NEGATIVE_INFINITY, T.f32)).toBe('-inf');
    expect(formatWave(3.4028234663852886e38, T.f32)).toBe('3.4028235e+38');
  });

  it('escapes strings and chars so that they read back', () => {
    expect(formatWave('a"b\\c\nd\u0001', T.string)).toBe('"a\\"b\\\\c\\nd\\u{1}"');
    expect(formatWave("'", T.char)).toBe("'\\''");
    expect(formatWave('"', T.char)).toBe("'\"'");
  });

  it('rejects values of the wrong shape or range, saying where in the value', () => {
    const e = failure(() => formatWave({ x: 1, y: 'two' }, point));
    expect(e.code).toBe('ERR_ARG_TYPE');
    expect(e.message).toBe('expected an s32 at value.y, got "two"');
    expect(failure(() => formatWave(300, T.u8)).code).toBe('ERR_ARG_RANGE');
    expect(failure(() => formatWave(1.5, T.u8)).code).toBe('ERR_ARG_TYPE');
    expect(failure(() => formatWave('ab', T.char)).code).toBe('ERR_ARG_TYPE');
    expect(failure(() => formatWave('\uD800', T.string)).code).toBe('ERR_ARG_TYPE');
    expect(failure(() => formatWave('blue', color)).message).toContain('one of "red", "green", "ok"');
    expect(failure(() => formatWave({ tag: 'maybe' }, T.result())).code).toBe('ERR_ARG_TYPE');
    expect(failure(() => formatWave([1], T.list(T.u8, 2))).code).toBe('ERR_ARG_TYPE');
    expect(failure(() => formatWave({}, T.own(T.resource('file')))).message).toContain('has no WAVE form');
  });
});
