// The CLI's value grammar, in-process (fast): argument literals by parameter
// type, result printing (shortest round-trip floats), and the flag parsers.
import { describe, expect, it } from 'vitest';
import { formatF32, formatF64, formatValue, jsonValue } from '../../src/commands/format.js';
import { parseArguments, parseLiteral } from '../../src/commands/literals.js';
import {
  cacheMaxBytesFrom,
  parseCacheSize,
  parseDir,
  parseDuration,
  parseEnv,
  parseMemorySize,
} from '../../src/commands/options.js';
import { ArgumentError } from '../../src/runtime/errors.js';

describe('parseLiteral', () => {
  it.each([
    ['i32', '42', 42],
    ['i32', '-5', -5],
    ['i32', '+7', 7],
    ['i32', '0x10', 16],
    ['i32', '0XfF', 255],
    ['i32', '-0x10', -16],
    ['i32', '0xffffffff', -1],
    ['i32', '4294967295', -1],
    ['i32', '2147483648', -2147483648],
    ['i32', '-2147483648', -2147483648],
    ['i64', '9007199254740993', 9007199254740993n],
    ['i64', '18446744073709551615', -1n],
    ['i64', '-9223372036854775808', -9223372036854775808n],
    ['i64', '0x7fffffffffffffff', 9223372036854775807n],
    ['f32', '7.42', Math.fround(7.42)],
    ['f32', '1e10', Math.fround(1e10)],
    ['f32', '.5', 0.5],
    ['f32', '0x1.8p3', 12],
    ['f32', '0x10', 16],
    ['f32', '-0x1p-2', -0.25],
    ['f64', '1e300', 1e300],
    ['f64', 'inf', Number.POSITIVE_INFINITY],
    ['f64', '-infinity', Number.NEGATIVE_INFINITY],
    ['f64', '+inf', Number.POSITIVE_INFINITY],
    ['v128', '1', 1n],
    ['v128', '-1', -1n],
    ['v128', 'i64x2:1,-1', -18446744073709551615n],
    ['v128', 'f64x2:1,0', 0x3ff0000000000000n],
    ['externref', 'null', null],
  ] as const)('%s %s', (type, text, expected) => {
    expect(parseLiteral(type, text)).toBe(expected);
  });

  it('parses nan and -0 as themselves', () => {
    expect(Number.isNaN(parseLiteral('f32', 'nan'))).toBe(true);
    expect(Number.isNaN(parseLiteral('f64', '-NaN'))).toBe(true);
    expect(Object.is(parseLiteral('f64', '-0'), -0)).toBe(true);
    expect(Object.is(parseLiteral('f32', '-0.0'), -0)).toBe(true);
  });

  it.each([
    ['i32', '4294967296'],
    ['i32', '-2147483649'],
    ['i32', '1.5'],
    ['i32', '1e3'],
    ['i32', ''],
    ['i32', '0x'],
    ['i32', '12abc'],
    ['i32', ' 1'],
    ['i64', '18446744073709551616'],
    ['i64', '-9223372036854775809'],
    ['f32', '1e39'],
    ['f32', 'abc'],
    ['f32', '1..2'],
    ['f64', '1e400'],
    ['f64', '0x'],
    ['f64', 'nan:0x1'],
    ['v128', 'i32x4:1,2,3'],
    ['v128', 'i16x8:65536,0,0,0,0,0,0,0'],
    ['v128', 'x'],
    ['funcref', '0'],
  ] as const)('rejects %s %j', (type, text) => {
    expect(() => parseArguments({ name: 'f', type: { kind: 'func', params: [type], results: [] } }, [text])).toThrow(
      ArgumentError,
    );
  });
});

describe('parseArguments', () => {
  const sum = { name: 'sum', type: { kind: 'func', params: ['i32', 'i32'], results: ['i32'] } } as const;

  it('names the signature and counts', () => {
    expect(() => parseArguments(sum, ['1'])).toThrow('sum(i32, i32) -> i32 takes 2 arguments, but 1 was given');
    expect(() => parseArguments(sum, [])).toThrow('takes 2 arguments, but none were given');
  });

  it('refuses JSON numbers that lost precision, and takes the same value as a string', () => {
    const add64 = { name: 'add64', type: { kind: 'func', params: ['i64'], results: [] } } as const;
    expect(() => parseArguments(add64, [JSON.parse('9007199254740993')])).toThrow('pass it as a string');
    expect(parseArguments(add64, ['9007199254740993'])).toEqual([9007199254740993n]);
    expect(parseArguments(add64, [9007199254740991])).toEqual([9007199254740991n]);
    const f64 = { name: 'f', type: { kind: 'func', params: ['f64'], results: [] } } as const;
    expect(parseArguments(f64, [1e300])).toEqual([1e300]);
  });

  it('takes JSON numbers, strings and bigints', () => {
    expect(parseArguments(sum, [1, '0x2'])).toEqual([1, 2]);
    expect(() => parseArguments(sum, [1, true])).toThrow(
      expect.objectContaining({ code: 'ERR_ARG_TYPE', message: expect.stringContaining('argument 2 of sum') }),
    );
  });
});

describe('result printing', () => {
  it('prints f32 in the shortest form that reads back to the same f32', () => {
    for (const x of [7.42, 0.1, 1 / 3, 3.4028234663852886e38, 1e-45, 16777217, 123456.789]) {
      const f = Math.fround(x);
      const text = formatF32(f);
      expect(Math.fround(Number(text))).toBe(f);
      // No shorter decimal would do.
      const digits = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length;
      if (digits > 1) expect(Math.fround(Number(f.toPrecision(digits - 1)))).not.toBe(f);
    }
    expect(formatF32(Math.fround(7.42))).toBe('7.42');
  });

  it('prints special floats the Wasm way', () => {
    expect([Number.NaN, Infinity, -Infinity, -0, 0].map(formatF64)).toEqual(['nan', 'inf', '-inf', '-0', '0']);
    expect(formatF32(-0)).toBe('-0');
  });

  it('prints integers signed and v128 as 32 hex digits', () => {
    expect(formatValue('i32', -1)).toBe('-1');
    expect(formatValue('i64', 18446744073709551615n)).toBe('-1');
    expect(formatValue('v128', -1n)).toBe(`0x${'f'.repeat(32)}`);
    expect(formatValue('v128', { value: 5n })).toBe(`0x${'0'.repeat(31)}5`);
  });

  it('gives JSON-safe values', () => {
    expect(jsonValue('i64', 9007199254740993n)).toBe('9007199254740993');
    expect(jsonValue('f64', Number.NaN)).toBe('nan');
    expect(jsonValue('f64', -0)).toBe('-0');
    expect(jsonValue('f32', Math.fround(7.42))).toBe(7.42);
    expect(jsonValue('i32', 5)).toBe(5);
  });
});

describe('flag values', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
  ])('--timeout %s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['5', '5 sec', 's', '0s', '-1s', '1d', '', '1e3ms', '9999999h'])('--timeout %j is refused', (text) => {
    expect(() => parseDuration(text)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });

  it.each([
    ['256MiB', 256 * 1024 ** 2],
    ['1GiB', 1024 ** 3],
    ['64KiB', 65536],
    ['4MB', 4_000_000],
    ['100pages', 100 * 65536],
    ['1 page', 65536],
    ['65536B', 65536],
    ['1.5GiB', 1.5 * 1024 ** 3],
  ])('--max-memory %s = %d bytes', (text, bytes) => {
    expect(parseMemorySize(text)).toBe(bytes);
  });

  it.each(['256', 'lots', '256XB', '1KiB', '-1MiB', 'MiB', ''])('--max-memory %j is refused', (text) => {
    expect(() => parseMemorySize(text)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });

  it.each([
    ['2GiB', 2 * 1024 ** 3],
    ['500MiB', 500 * 1024 ** 2],
    ['100MB', 100_000_000],
    ['1.5 GiB', 1.5 * 1024 ** 3],
    ['1TiB', 1024 ** 4],
    ['1B', 1],
  ])('--cache-max-size %s = %d bytes', (text, bytes) => {
    expect(parseCacheSize(text)).toBe(bytes);
  });

  it.each(['2', 'lots', '10pages', '1 page', '0B', '0.1B', '-1MiB', 'GiB', ''])(
    '--cache-max-size %j is refused',
    (text) => {
      expect(() => parseCacheSize(text)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    },
  );

  it('the cache size limit: the flag, else WASMER_TS_CACHE_MAX_SIZE, else the default (null)', () => {
    expect(cacheMaxBytesFrom(1024, { WASMER_TS_CACHE_MAX_SIZE: '1GiB' })).toBe(1024);
    expect(cacheMaxBytesFrom(null, { WASMER_TS_CACHE_MAX_SIZE: '1GiB' })).toBe(1024 ** 3);
    expect(cacheMaxBytesFrom(undefined, {})).toBeNull();
    expect(cacheMaxBytesFrom(null, { WASMER_TS_CACHE_MAX_SIZE: '' })).toBeNull();
    expect(() => cacheMaxBytesFrom(null, { WASMER_TS_CACHE_MAX_SIZE: 'big' })).toThrow(
      'WASMER_TS_CACHE_MAX_SIZE "big": expected a size with a unit',
    );
  });

  it('--env and --dir check their values', () => {
    expect(parseEnv('A=b=c')).toEqual(['A', 'b=c']);
    expect(parseEnv('A=')).toEqual(['A', '']);
    expect(() => parseEnv('=x')).toThrow('--env "=x": expected NAME=VALUE');
    expect(() => parseEnv('NOVALUE')).toThrow(ArgumentError);
    expect(parseDir('.')).toEqual({ host: '.', guest: '.' });
    expect(parseDir('.::/work')).toEqual({ host: '.', guest: '/work' });
    expect(() => parseDir('/no/such/dir::/x')).toThrow('host directory /no/such/dir does not exist');
    expect(() => parseDir('package.json')).toThrow('is not a directory');
    expect(() => parseDir('.::')).toThrow('expected HOST or HOST::GUEST');
  });
});
