import { describe, expect, it } from 'vitest';
import {
  alignment,
  containsBorrow,
  discriminantSize,
  elementSize,
  flattenFunc,
  flattenType,
  needsMemory,
  needsRealloc,
} from '../../../../src/runtime/component/canonical-types.js';
import type { ResourceType, ValType } from '../../../../src/runtime/component/types.js';
import { funcType } from './guest.js';

const t = (kind: 'bool' | 'u8' | 's16' | 'u32' | 's64' | 'f32' | 'f64' | 'char' | 'string'): ValType => ({ kind });
const file: ResourceType = { kind: 'resource', origin: 'abstract', name: 'file' };

describe('canonical types', () => {
  it('sizes and aligns the primitives as the spec does', () => {
    const rows: [ValType, number, number][] = [
      [t('bool'), 1, 1],
      [t('u8'), 1, 1],
      [t('s16'), 2, 2],
      [t('u32'), 4, 4],
      [t('s64'), 8, 8],
      [t('f32'), 4, 4],
      [t('f64'), 8, 8],
      [t('char'), 4, 4],
      [t('string'), 8, 4],
      [{ kind: 'list', element: t('u8') }, 8, 4],
      [{ kind: 'own', resource: file }, 4, 4],
    ];
    for (const [type, size, align] of rows) {
      expect([elementSize(type), alignment(type)], type.kind).toEqual([size, align]);
    }
  });

  it('pads records to their fields and their own alignment', () => {
    // u8 at 0, u64 at 8, u16 at 16: 18 bytes, padded to 24.
    const r: ValType = {
      kind: 'record',
      fields: [
        { name: 'a', type: t('u8') },
        { name: 'b', type: t('s64') },
        { name: 'c', type: { kind: 'u16' } },
      ],
    };
    expect([elementSize(r), alignment(r)]).toEqual([24, 8]);
    const tuple: ValType = { kind: 'tuple', types: [t('u8'), t('u8'), t('u32')] };
    expect([elementSize(tuple), alignment(tuple)]).toEqual([8, 4]);
  });

  it('lays variants out as a discriminant, then the widest payload', () => {
    const opt: ValType = { kind: 'option', type: t('f64') };
    expect([elementSize(opt), alignment(opt)]).toEqual([16, 8]);
    const res: ValType = { kind: 'result', ok: t('u8'), err: undefined };
    expect([elementSize(res), alignment(res)]).toEqual([2, 1]);
    const e: ValType = { kind: 'enum', names: Array.from({ length: 300 }, (_, i) => `c${i}`) };
    expect([elementSize(e), alignment(e)]).toEqual([2, 2]);
  });

  it('counts discriminant bytes by the number of cases', () => {
    expect([1, 2, 256, 257, 65536, 65537].map(discriminantSize)).toEqual([1, 1, 1, 2, 2, 4]);
  });

  it('sizes flags by their count of labels', () => {
    const flags = (n: number): ValType => ({ kind: 'flags', names: Array.from({ length: n }, (_, i) => `f${i}`) });
    expect([1, 8, 9, 16, 17, 32].map((n) => elementSize(flags(n)))).toEqual([1, 1, 2, 2, 4, 4]);
  });

  it('flattens variants to joined slots', () => {
    const v: ValType = {
      kind: 'variant',
      cases: [
        { name: 'a', type: t('f32') },
        { name: 'b', type: t('u32') },
        { name: 'c', type: { kind: 'tuple', types: [t('f64'), t('f32')] } },
        { name: 'd', type: undefined },
      ],
    };
    // slot 0: f32 + i32 -> i32, then + f64 -> i64; slot 1: f32.
    expect(flattenType(v)).toEqual(['i32', 'i64', 'f32']);
    expect(flattenType({ kind: 'option', type: t('string') })).toEqual(['i32', 'i32', 'i32']);
    expect(flattenType({ kind: 'list', element: t('f32'), length: 3 })).toEqual(['f32', 'f32', 'f32']);
  });

  it('puts params past 16 flat values and results past 1 in memory', () => {
    const many = funcType(
      Array.from({ length: 17 }, () => t('u32')),
      undefined,
    );
    expect(flattenFunc(many, 'lift')).toEqual({
      params: ['i32'],
      results: [],
      paramsInMemory: true,
      resultsInMemory: false,
    });
    const sixteen = funcType(
      Array.from({ length: 16 }, () => t('u32')),
      undefined,
    );
    expect(flattenFunc(sixteen, 'lift').paramsInMemory).toBe(false);
    const str = funcType([t('u32')], t('string'));
    expect(flattenFunc(str, 'lift')).toEqual({
      params: ['i32'],
      results: ['i32'],
      paramsInMemory: false,
      resultsInMemory: true,
    });
    expect(flattenFunc(str, 'lower')).toEqual({
      params: ['i32', 'i32'],
      results: [],
      paramsInMemory: false,
      resultsInMemory: true,
    });
    expect(flattenFunc(funcType([t('s64')], t('f64')), 'lower')).toEqual({
      params: ['i64'],
      results: ['f64'],
      paramsInMemory: false,
      resultsInMemory: false,
    });
  });

  it('finds borrows nested in other types', () => {
    expect(
      containsBorrow({ kind: 'list', element: { kind: 'option', type: { kind: 'borrow', resource: file } } }),
    ).toBe(true);
    expect(containsBorrow({ kind: 'result', ok: { kind: 'own', resource: file }, err: t('string') })).toBe(false);
  });

  it('says when a function needs memory and realloc', () => {
    const numbers = funcType([t('u32')], t('u32'));
    expect([needsMemory(numbers, 'lift'), needsRealloc(numbers, 'lift')]).toEqual([false, false]);
    const takesString = funcType([t('string')], undefined);
    expect([needsMemory(takesString, 'lift'), needsRealloc(takesString, 'lift')]).toEqual([true, true]);
    expect([needsMemory(takesString, 'lower'), needsRealloc(takesString, 'lower')]).toEqual([true, false]);
    const returnsString = funcType([], t('string'));
    expect([needsRealloc(returnsString, 'lift'), needsRealloc(returnsString, 'lower')]).toEqual([false, true]);
    const returnsPair = funcType([], { kind: 'tuple', types: [t('u32'), t('u32')] });
    expect([needsMemory(returnsPair, 'lower'), needsRealloc(returnsPair, 'lower')]).toEqual([true, false]);
  });
});
