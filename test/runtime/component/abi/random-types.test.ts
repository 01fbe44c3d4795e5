// Random nested types with random values of them, each through an echo guest both ways (see
// round-trip.test.ts): the joined flat slots of variants holding floats, 64-bit integers and
// strings, options of options, lists of records... come back equal. A fixed seed keeps the run
// reproducible; the failing case's type and value are in the assertion's label.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ValType } from '../../../../src/runtime/component/types.js';
import { echo, funcType } from './guest.js';

const p = (kind: string): ValType => ({ kind }) as ValType;

const NUMBER_LISTS: Record<string, (values: never[]) => unknown> = {
  u8: (v) => Uint8Array.from(v),
  s8: (v) => Int8Array.from(v),
  u16: (v) => Uint16Array.from(v),
  s16: (v) => Int16Array.from(v),
  u32: (v) => Uint32Array.from(v),
  s32: (v) => Int32Array.from(v),
  u64: (v) => BigUint64Array.from(v),
  s64: (v) => BigInt64Array.from(v),
  f32: (v) => Float32Array.from(v),
  f64: (v) => Float64Array.from(v),
};

const name = fc.constantFrom('a', 'b-c', 'dee', 'e-f-g', 'h');
const uniqueNames = (min: number, max: number) => fc.uniqueArray(name, { minLength: min, maxLength: max });

const primitive = fc.constantFrom(
  ...['bool', 'u8', 's8', 'u16', 's16', 'u32', 's32', 'u64', 's64', 'f32', 'f64', 'char', 'string'].map(p),
);

/** A value type up to `depth` levels deep. */
function typeArb(depth: number): fc.Arbitrary<ValType> {
  if (depth === 0) return primitive;
  const inner = typeArb(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: primitive },
    inner.map((element): ValType => ({ kind: 'list', element })),
    uniqueNames(1, 3).chain((names) =>
      fc.tuple(...names.map(() => inner)).map(
        (types): ValType => ({
          kind: 'record',
          fields: names.map((n, i) => ({ name: n, type: types[i] as ValType })),
        }),
      ),
    ),
    fc.array(inner, { minLength: 1, maxLength: 3 }).map((types): ValType => ({ kind: 'tuple', types })),
    uniqueNames(1, 4).chain((names) =>
      fc
        .tuple(...names.map(() => fc.option(inner, { nil: undefined })))
        .map((types): ValType => ({ kind: 'variant', cases: names.map((n, i) => ({ name: n, type: types[i] })) })),
    ),
    uniqueNames(1, 4).map((names): ValType => ({ kind: 'enum', names })),
    uniqueNames(1, 5).map((names): ValType => ({ kind: 'flags', names })),
    inner.map((type): ValType => ({ kind: 'option', type })),
    fc
      .tuple(fc.option(inner, { nil: undefined }), fc.option(inner, { nil: undefined }))
      .map(([ok, err]): ValType => ({ kind: 'result', ok, err })),
  );
}

const camel = (s: string) => s.replace(/-(.)/g, (_, c: string) => c.toUpperCase());

/** A JS value of `type`, in the shape lifting gives (so it must come back equal). */
function valueArb(type: ValType): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'bool':
      return fc.boolean();
    case 'u8':
      return fc.integer({ min: 0, max: 255 });
    case 's8':
      return fc.integer({ min: -128, max: 127 });
    case 'u16':
      return fc.integer({ min: 0, max: 65535 });
    case 's16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'u32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 's32':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'u64':
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    case 's64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'f32':
      return fc.float({ noNaN: true });
    case 'f64':
      return fc.double({ noNaN: true });
    case 'char':
      return fc
        .integer({ min: 0, max: 0x10ffff })
        .filter((c) => c < 0xd800 || c > 0xdfff)
        .map((c) => String.fromCodePoint(c));
    case 'string':
      return fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'binary-ascii', maxLength: 12 }));
    case 'list': {
      const element = type.element;
      const toTyped = NUMBER_LISTS[element.kind];
      const items = fc.array(valueArb(element), { maxLength: 4 });
      return toTyped === undefined ? items : items.map((v) => toTyped(v as never[]));
    }
    case 'record':
      return fc.record(Object.fromEntries(type.fields.map((f) => [camel(f.name), valueArb(f.type)])));
    case 'tuple':
      return fc.tuple(...type.types.map(valueArb));
    case 'variant':
      return fc.oneof(
        ...type.cases.map((c) =>
          c.type === undefined ? fc.constant({ tag: c.name }) : valueArb(c.type).map((val) => ({ tag: c.name, val })),
        ),
      );
    case 'enum':
      return fc.constantFrom(...type.names);
    case 'flags':
      return fc.record(Object.fromEntries(type.names.map((n) => [camel(n), fc.boolean()])));
    case 'option':
      return type.type.kind === 'option'
        ? fc.oneof(
            fc.constant({ tag: 'none' }),
            valueArb(type.type).map((val) => ({ tag: 'some', val })),
          )
        : fc.option(valueArb(type.type), { nil: undefined });
    case 'result': {
      const side = (tag: string, t: ValType | undefined) =>
        t === undefined ? fc.constant({ tag }) : valueArb(t).map((val) => ({ tag, val }));
      return fc.oneof(side('ok', type.ok), side('err', type.err));
    }
    default:
      throw new Error(`no values for ${type.kind}`);
  }
}

const cases = fc.sample(
  typeArb(3).chain((type) => fc.tuple(fc.constant(type), valueArb(type))),
  { numRuns: 150, seed: 20261201 },
);

describe('random types round-trip through a guest', () => {
  it('gives back every value, in every string encoding', async () => {
    let i = 0;
    for (const [type, value] of cases) {
      const encoding = (['utf8', 'utf16', 'latin1+utf16'] as const)[i++ % 3] ?? 'utf8';
      let seen: unknown;
      // The result is a one-tuple: a top-level result type would be returned or thrown instead.
      const { call } = await echo(
        funcType([type], { kind: 'tuple', types: [type] }),
        (x) => {
          seen = x;
          return [x];
        },
        { encoding },
      );
      const label = `${encoding} ${JSON.stringify(type)} ${fc.stringify(value)}`;
      expect(call(value), label).toEqual([value]);
      expect(seen, label).toEqual(value);
    }
  });
});
