import { describe, expect, it } from 'vitest';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
import { TypeFactsCache } from '../../../../src/runtime/component/parser/type-facts.js';
import type { ValType } from '../../../../src/runtime/component/types.js';
import { WasmParseError } from '../../../../src/runtime/errors.js';
import { errorOf } from '../../../helpers/errors.js';
import { component, fixedList, idx, SECTION, section, T, vec } from './component-binary.js';

const u8: ValType = { kind: 'u8' };
const u32: ValType = { kind: 'u32' };
const u64: ValType = { kind: 'u64' };
const f32: ValType = { kind: 'f32' };
const str: ValType = { kind: 'string' };

describe('type facts', () => {
  const facts = new TypeFactsCache();

  it('lays types out as CanonicalABI.md does (64-bit pointers)', () => {
    expect(
      facts.of({
        kind: 'record',
        fields: [
          { name: 'a', type: u8 },
          { name: 'b', type: u32 },
        ],
      }),
    ).toMatchObject({ size: 8, align: 4 });
    expect(facts.of({ kind: 'tuple', types: [u32, u8] })).toMatchObject({ size: 8, align: 4 });
    expect(facts.of(str)).toMatchObject({ size: 16, align: 8 });
    expect(facts.of({ kind: 'option', type: u64 })).toMatchObject({ size: 16, align: 8 });
    expect(facts.of({ kind: 'result', ok: undefined, err: undefined })).toMatchObject({ size: 1, align: 1 });
    expect(facts.of({ kind: 'flags', names: Array.from({ length: 9 }, (_, i) => `f${i}`) })).toMatchObject({ size: 2 });
    expect(facts.of({ kind: 'enum', names: Array.from({ length: 257 }, (_, i) => `e${i}`) })).toMatchObject({
      size: 2,
    });
    expect(facts.of({ kind: 'list', element: u32, length: 3 })).toMatchObject({ size: 12, align: 4 });
  });

  it('flattens as CanonicalABI.md does, joining variant payloads', () => {
    expect(
      facts.of({
        kind: 'variant',
        cases: [
          { name: 'a', type: f32 },
          { name: 'b', type: u32 },
        ],
      }).flat,
    ).toEqual(['i32', 'i32']);
    expect(
      facts.of({
        kind: 'variant',
        cases: [
          { name: 'a', type: f32 },
          { name: 'b', type: u64 },
        ],
      }).flat,
    ).toEqual(['i32', 'i64']);
    expect(facts.of({ kind: 'result', ok: str, err: u8 }).flat).toEqual(['i32', 'i32', 'i32']);
    expect(facts.of({ kind: 'list', element: u8, length: 1_000_000 }).flat).toHaveLength(17);
  });

  it('knows where borrows and memory are', () => {
    const resource = { kind: 'resource', origin: 'abstract' } as const;
    expect(facts.of({ kind: 'option', type: { kind: 'borrow', resource } }).hasBorrow).toBe(true);
    expect(facts.of({ kind: 'option', type: { kind: 'own', resource } }).hasBorrow).toBe(false);
    expect(facts.of({ kind: 'list', element: u8, length: 2 }).needsMemory).toBe(false);
    expect(facts.of({ kind: 'tuple', types: [u8, str] }).needsMemory).toBe(true);
  });

  it('refuses a type of 2^28 bytes or more, as Binary.md requires', () => {
    const bytes = (n: number) => component(section(SECTION.type, vec([[T.u64], fixedList(idx(0), n)])));
    expect(() => parseComponent(bytes(2 ** 25 - 1))).not.toThrow();
    const e = errorOf(() => parseComponent(bytes(2 ** 25)), WasmParseError);
    expect(e.code).toBe('ERR_LIMIT');
    expect(e.message).toContain('268435456 bytes');
  });
});
