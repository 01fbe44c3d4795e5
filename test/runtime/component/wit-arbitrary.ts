// Random component worlds for property tests: up to four named types (records, variants, enums,
// flags, aliases), each free to use the ones before it, imported with a function that uses each,
// and exported functions over anonymous types built from them. Every world is valid WIT.
import fc from 'fast-check';
import type { ValType } from '../../../src/runtime/component/types.js';
import { component, func, T, typeExtern } from './wit-build.js';

const label = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('type', 'record', 'list', 'string', 'use', 'interface', 'own') },
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{0,4}(-[a-z][a-z0-9]{0,3})?$/) },
);
const labels = fc.uniqueArray(label, { minLength: 1, maxLength: 3 });

const PRIMITIVES: readonly ValType[] = [T.bool, T.s8, T.u8, T.u16, T.s32, T.u64, T.f32, T.f64, T.char, T.string];

/** Anonymous types over primitives and the named types defined so far. */
function anonymous(named: readonly ValType[]): fc.Arbitrary<ValType> {
  const leaf = named.length === 0 ? fc.constantFrom(...PRIMITIVES) : fc.constantFrom(...PRIMITIVES, ...named);
  return fc.letrec<{ t: ValType }>((tie) => ({
    t: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      tie('t').map((e) => T.list(e)),
      tie('t').map(T.option),
      fc
        .tuple(fc.option(tie('t'), { nil: undefined }), fc.option(tie('t'), { nil: undefined }))
        .map(([ok, err]) => T.result(ok, err)),
      fc.array(tie('t'), { minLength: 1, maxLength: 3 }).map((ts) => T.tuple(...ts)),
    ),
  })).t;
}

function namedType(name: string, named: readonly ValType[]): fc.Arbitrary<ValType> {
  const inner = anonymous(named);
  return fc.oneof(
    labels.chain((ls) =>
      fc
        .tuple(...ls.map(() => inner))
        .map((ts) => T.record(name, Object.fromEntries(ls.map((l, i) => [l, ts[i] as ValType])))),
    ),
    labels.chain((ls) =>
      fc
        .tuple(...ls.map(() => fc.option(inner, { nil: undefined })))
        .map((ts) => T.variant(name, Object.fromEntries(ls.map((l, i) => [l, ts[i]])))),
    ),
    labels.map((ls) => T.enum(name, ls)),
    labels.map((ls) => T.flags(name, ls)),
    inner.map((t) => T.alias(name, t)),
  );
}

/** One to four named types, each free to use the ones before it. */
const namedTypes: fc.Arbitrary<ValType[]> = fc.integer({ min: 1, max: 4 }).chain((count) => {
  let acc: fc.Arbitrary<ValType[]> = fc.constant([]);
  for (let i = 0; i < count; i++) {
    acc = acc.chain((done) => namedType(`t${i}`, done).map((t) => [...done, t]));
  }
  return acc;
});

export const randomWorld = namedTypes.chain((types) =>
  fc
    .array(fc.tuple(labels, anonymous(types), fc.option(anonymous(types), { nil: undefined })), {
      minLength: 1,
      maxLength: 3,
    })
    .map((funcs) => {
      const imports: Record<string, ReturnType<typeof typeExtern> | ReturnType<typeof func>> = {};
      for (const t of types) imports[t.name as string] = typeExtern(t);
      // Every named type is used, or wasm-tools leaves it out of the component.
      types.forEach((t, i) => {
        imports[`use${i}`] = func({ x: t });
      });
      const exports: Record<string, ReturnType<typeof func>> = {};
      funcs.forEach(([params, paramType, result], i) => {
        exports[`f${i}`] = func(Object.fromEntries(params.map((p) => [p, paramType])), result);
      });
      return component(imports, exports);
    }),
);
