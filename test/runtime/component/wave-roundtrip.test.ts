// Property: for random value types and random values of them, WAVE text reads back to the
// value it was written from, and writing that again gives the same text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerCamelCase } from '../../../src/runtime/component/js-names.js';
import type { ValType } from '../../../src/runtime/component/types.js';
import { formatWave, parseWave } from '../../../src/runtime/component/wave.js';
import { ArgumentError } from '../../../src/runtime/errors.js';
import { T } from './wit-build.js';

const INT_KINDS = ['s8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64'] as const;

// Distinct lowercase kebab labels, keywords among them so that `%` escaping is exercised.
const labels = fc.uniqueArray(
  fc.oneof(
    fc.constantFrom('ok', 'err', 'some', 'none', 'true', 'nan', 'inf'),
    fc.stringMatching(/^[a-z][a-z0-9]{0,3}(-[a-z][a-z0-9]{0,2}){0,2}$/),
  ),
  { minLength: 1, maxLength: 4, selector: lowerCamelCase },
);

const primitive: fc.Arbitrary<ValType> = fc.constantFrom(
  T.bool,
  T.s8,
  T.u8,
  T.s16,
  T.u16,
  T.s32,
  T.u32,
  T.s64,
  T.u64,
  T.f32,
  T.f64,
  T.char,
  T.string,
);

const { type: valType } = fc.letrec<{ type: ValType }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    primitive,
    fc
      .record({ element: tie('type'), fixed: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) })
      .map(({ element, fixed }) => T.list(element, fixed)),
    tie('type').map(T.option),
    fc
      .tuple(fc.option(tie('type'), { nil: undefined }), fc.option(tie('type'), { nil: undefined }))
      .map(([ok, err]) => T.result(ok, err)),
    fc.array(tie('type'), { minLength: 1, maxLength: 3 }).map((types) => T.tuple(...types)),
    labels.chain((names) =>
      fc
        .tuple(...names.map(() => tie('type')))
        .map((types) => T.record('r', Object.fromEntries(names.map((n, i) => [n, types[i] as ValType])))),
    ),
    labels.chain((names) =>
      fc
        .tuple(...names.map(() => fc.option(tie('type'), { nil: undefined })))
        .map((types) => T.variant('v', Object.fromEntries(names.map((n, i) => [n, types[i]])))),
    ),
    labels.map((names) => T.enum('e', names)),
    labels.map((names) => T.flags('f', names)),
  ),
}));

const TYPED: Readonly<Record<string, { from(values: ArrayLike<never>): unknown }>> = {
  u8: Uint8Array,
  s8: Int8Array,
  u16: Uint16Array,
  s16: Int16Array,
  u32: Uint32Array,
  s32: Int32Array,
  u64: BigUint64Array,
  s64: BigInt64Array,
  f32: Float32Array,
  f64: Float64Array,
} as never;

const RANGE: Readonly<Record<(typeof INT_KINDS)[number], readonly [bigint, bigint]>> = {
  s8: [-128n, 127n],
  u8: [0n, 255n],
  s16: [-32768n, 32767n],
  u16: [0n, 65535n],
  s32: [-(2n ** 31n), 2n ** 31n - 1n],
  u32: [0n, 2n ** 32n - 1n],
  s64: [-(2n ** 63n), 2n ** 63n - 1n],
  u64: [0n, 2n ** 64n - 1n],
};

const scalarValue = fc
  .integer({ min: 0, max: 0x10ffff - 0x800 })
  .map((c) => String.fromCodePoint(c >= 0xd800 ? c + 0x800 : c));

/** A random value of `type`, in the canonical ABI's JS shape. */
function valuesOf(type: ValType): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'bool':
      return fc.boolean();
    case 's8':
    case 'u8':
    case 's16':
    case 'u16':
    case 's32':
    case 'u32': {
      const [min, max] = RANGE[type.kind];
      return fc.integer({ min: Number(min), max: Number(max) });
    }
    case 's64':
    case 'u64': {
      const [min, max] = RANGE[type.kind];
      return fc.bigInt({ min, max });
    }
    case 'f32':
      return fc.float();
    case 'f64':
      return fc.double();
    case 'char':
      return scalarValue;
    case 'string':
      return fc.oneof(
        fc.string({ unit: scalarValue, maxLength: 6 }),
        fc.string({ unit: fc.constantFrom('\\', '"', "'", '\n', '\r', '\t', '\0', '"""', '//', 'a'), maxLength: 6 }),
      );
    case 'list': {
      const length = type.length === undefined ? { maxLength: 3 } : { minLength: type.length, maxLength: type.length };
      const Typed = TYPED[type.element.kind];
      const items = fc.array(valuesOf(type.element), length);
      return Typed === undefined ? items : items.map((xs) => Typed.from(xs as never[]));
    }
    case 'tuple':
      return fc.tuple(...type.types.map(valuesOf));
    case 'record':
      return fc.record(Object.fromEntries(type.fields.map((f) => [lowerCamelCase(f.name), valuesOf(f.type)])));
    case 'flags':
      return fc.record(Object.fromEntries(type.names.map((n) => [lowerCamelCase(n), fc.boolean()])));
    case 'enum':
      return fc.constantFrom(...type.names);
    case 'variant':
      return fc.oneof(
        ...type.cases.map((c) =>
          c.type === undefined ? fc.constant({ tag: c.name }) : valuesOf(c.type).map((val) => ({ tag: c.name, val })),
        ),
      );
    case 'option':
      return type.type.kind === 'option'
        ? fc.oneof(
            fc.constant({ tag: 'none' }),
            valuesOf(type.type).map((val) => ({ tag: 'some', val })),
          )
        : fc.option(valuesOf(type.type), { nil: undefined });
    case 'result': {
      const side = (tag: 'ok' | 'err', t: ValType | undefined) =>
        t === undefined ? fc.constant({ tag }) : valuesOf(t).map((val) => ({ tag, val }));
      return fc.oneof(side('ok', type.ok), side('err', type.err));
    }
    default:
      throw new Error(`no values for ${type.kind}`);
  }
}

describe('WAVE round trip', () => {
  it('reads back every value it writes, for random types and values', () => {
    const typeAndValue = valType.chain((type) => valuesOf(type).map((value) => ({ type, value })));
    fc.assert(
      fc.property(typeAndValue, ({ type, value }) => {
        const text = formatWave(value, type);
        const back = parseWave(text, type);
        expect(back).toEqual(value);
        expect(formatWave(back, type)).toBe(text);
      }),
      { numRuns: 1500, seed: 1315 },
    );
  });

  it('reads the shortest float text back to the very same f32 and f64', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), fc.double({ noNaN: true }), (f, d) => {
        expect(Object.is(parseWave(formatWave(f, T.f32), T.f32), f)).toBe(true);
        expect(Object.is(parseWave(formatWave(d, T.f64), T.f64), d)).toBe(true);
        const text = formatWave(f, T.f32);
        // Shortest: one digit fewer no longer names the same f32.
        const digits = text
          .replace(/^-/, '')
          .replace(/e.*$/, '')
          .replace('.', '')
          .replace(/^0+/, '')
          .replace(/0+$/, '');
        if (Number.isFinite(f) && f !== 0 && digits.length > 1) {
          expect(Math.fround(Number(f.toPrecision(digits.length - 1)))).not.toBe(f);
        }
      }),
      { numRuns: 3000, seed: 1315 },
    );
  });

  it('on damaged text returns a value or throws ArgumentError with a column, never another error', () => {
    const damaged = valType.chain((type) =>
      fc
        .tuple(
          valuesOf(type).map((v) => formatWave(v, type)),
          fc.nat(),
          fc.constantFrom('delete', 'insert', 'replace'),
          fc.constantFrom(...'(){}[],:\'"%-.0123456789eE \n\\/aznsoktu'),
        )
        .map(([text, at, how, ch]) => {
          const i = text.length === 0 ? 0 : at % text.length;
          const damagedText =
            how === 'delete'
              ? text.slice(0, i) + text.slice(i + 1)
              : how === 'insert'
                ? text.slice(0, i) + ch + text.slice(i)
                : text.slice(0, i) + ch + text.slice(i + 1);
          return { type, text: damagedText };
        }),
    );
    fc.assert(
      fc.property(damaged, ({ type, text }) => {
        try {
          parseWave(text, type);
        } catch (e) {
          expect(e).toBeInstanceOf(ArgumentError);
          expect((e as ArgumentError).message).toMatch(/\((line \d+, )?column \d+\)$/);
        }
      }),
      { numRuns: 3000, seed: 1315 },
    );
  });
});
