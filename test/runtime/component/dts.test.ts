import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { componentDeclarations } from '../../../src/runtime/component/dts.js';
import { typeCheck } from './dts-check.js';
import { randomWorld } from './wit-arbitrary.js';
import { component, func, instance, T, typeExtern } from './wit-build.js';
import { fixtureWorld, richWorld } from './wit-worlds.js';

describe('the type-check harness', () => {
  it('reports errors in the declarations, in the uses, and unused @ts-expect-error markers', () => {
    const use =
      "import type { A } from './component.js';\nconst a: A = { x: 1 };\nvoid a;\n// @ts-expect-error\nconst n: number = 1;\nvoid n;\n";
    expect(typeCheck({ 'component.d.ts': 'export interface A { x: Missing }\n', 'use.ts': use })).toEqual([
      "component.d.ts:1:25: Cannot find name 'Missing'.",
      "use.ts:4:1: Unused '@ts-expect-error' directive.",
    ]);
  });
});

describe('componentDeclarations', () => {
  it('declares a small world exactly: named types, Exports and Imports', () => {
    const point = T.record('point', { x: T.s32, 'first-name': T.string, nick: T.option(T.string) });
    const world = component(
      { point: typeExtern(point), log: func({ msg: T.string, at: point }) },
      { 'get-bytes': func({ n: T.u32 }, T.result(T.list(T.u8), T.string)) },
    );
    expect(componentDeclarations(world, { header: 'app.wasm' })).toBe(`// app.wasm
// Values have the canonical ABI JS shapes: s64/u64 are bigint, list<u8> a Uint8Array, options
// T | undefined, variants and results { tag, val }; a function's result<T, E> returns T and throws
// a ResultError (wasmer-ts) whose payload is the E value.

/** record point */
export interface Point {
  x: number;
  firstName: string;
  nick?: string | undefined;
}

/** What the component exports: \`instance.exports\`. */
export interface Exports {
  /**
   * get-bytes: func(n: u32) -> result<list<u8>, string>
   * @throws ResultError (code ERR_RESULT) with \`payload: string\` when it returns err.
   */
  getBytes(n: number): Uint8Array;
}

/** What a host provides to instantiate the component, keyed by import name. */
export interface Imports {
  /** log: func(msg: string, at: point) */
  log(msg: string, at: Point): void;
}
`);
  });

  it('declares the fixture world so that a host and a caller type-check, and wrong uses do not', () => {
    const use = `import type { Color, Exports, Imports, Point } from './component.js';

const imports: Imports = {
  'wasi:cli/environment@0.2.3': {
    getEnvironment: () => [['HOME', '/home/me']],
    initialCwd: () => undefined,
  },
  print(msg: string, at: Point): Color | undefined {
    return msg.length > at.x ? 'red' : undefined;
  },
  log(line: string, level: number) {
    void line;
    void level;
  },
  tick: () => 1n,
};
void imports;

declare const exports: Exports;
exports.logIt('hello', 3);
const ticks: bigint = exports.tickIt();
void ticks;
const color: Color = 'record';
void color;

// @ts-expect-error: a u64 result is a bigint, not a number
const wrong: number = exports.tickIt();
void wrong;
// @ts-expect-error: 'blue' is no case of enum color
const blue: Color = 'blue';
void blue;
// @ts-expect-error: record fields are lowerCamelCase
const kebab: Point = { x: 1, 'first-name': 'a' };
void kebab;
// @ts-expect-error: the host must provide every import
const partial: Imports = { log() {} };
void partial;
`;
    expect(typeCheck({ 'component.d.ts': componentDeclarations(fixtureWorld), 'use.ts': use })).toEqual([]);
  });

  it('declares interfaces as namespaces and nested objects, and resources as classes with Symbol.dispose', () => {
    const use = `import type { Exports, Imports, Types, Wres } from './component.js';

declare const exports: Exports;
const blob: Types.Blob = new exports.types.Blob([1, 2, 3]);
blob.write(new Uint8Array([4]));
const merged = exports.types.Blob.merge(blob, blob);
merged[Symbol.dispose]();
{
  using scoped = new exports.types.Blob(new Uint8Array(0));
  void scoped;
}
exports.types.make(7, 'green');
exports.types.a();
const [perms, shape] = exports.types.d(1.5, 2, 3n, 4n, -1, 9);
const canRead: boolean = perms.read ?? false;
void canRead;
if (shape.tag === 'circle') {
  const radius: number = shape.val;
  void radius;
}
const list = exports.run(true);
if (list !== undefined) {
  const first: [number, string] | undefined = list[0];
  void first;
}

class HostW implements Wres {
  get(): number {
    return 42;
  }
}
const imports: Imports = {
  host: { log: (msg: string, at: { x: number; y: number }) => void [msg, at] },
  Wres: HostW,
  getw: () => new HostW(),
};
void imports;

// @ts-expect-error: make takes a color, not any string
exports.types.make(7, 'blue');
// @ts-expect-error: a variant's payload is under val
const notTagged: Types.Shape = { tag: 'square', value: 3 };
void notTagged;
// @ts-expect-error: the case none has no payload
const withPayload: Types.Shape = { tag: 'none', val: 1 };
void withPayload;
// @ts-expect-error: a static is on the class, not on its objects
blob.merge(blob, blob);
// @ts-expect-error: s64 parameters are bigints
exports.types.d(1, 2, 3, 4n, 0, 0);
`;
    const text = componentDeclarations(richWorld());
    expect(text).toContain('export declare namespace Types {');
    expect(typeCheck({ 'component.d.ts': text, 'use.ts': use })).toEqual([]);
  });

  it('refers to another interface type through its namespace, and keeps option<option<T>> tagged', () => {
    const types = 'my:app/types@1.0.0';
    const pt = T.record('point', { x: T.u8 }, types);
    const file = T.resource('file', types);
    const world = component(
      {
        [types]: instance({ point: typeExtern(pt), file: typeExtern(file) }),
        'my:app/uses@1.0.0': instance({
          point: typeExtern(pt),
          f: typeExtern(file),
          get: func({ p: pt, class: T.option(T.option(T.u8)) }, T.own(file)),
        }),
      },
      { z: func({}, pt) },
    );
    const text = componentDeclarations(world);
    const use = `import type { Exports, Imports, MyAppTypes, MyAppUses } from './component.js';

declare const exports: Exports;
const p: MyAppTypes.Point = exports.z();
const same: MyAppUses.Point = p;
void same;
declare const aFile: MyAppUses.F;
const imports: Imports = {
  'my:app/types@1.0.0': {},
  'my:app/uses@1.0.0': {
    get(point: MyAppTypes.Point, class_: { tag: 'none' } | { tag: 'some'; val: number | undefined }): MyAppTypes.File {
      void point;
      void class_;
      return aFile;
    },
  },
};
void imports;
// @ts-expect-error: the outer option of option<option<u8>> is tagged
const bare: Parameters<Imports['my:app/uses@1.0.0']['get']>[1] = 3;
void bare;
`;
    expect(typeCheck({ 'component.d.ts': text, 'use.ts': use })).toEqual([]);
  });
});

describe('componentDeclarations on random worlds', () => {
  it('always gives declarations that type-check', () => {
    const worlds = fc.sample(randomWorld, { numRuns: 40, seed: 1315 });
    const files = Object.fromEntries(worlds.map((w, i) => [`world${i}.d.ts`, componentDeclarations(w)]));
    expect(typeCheck(files)).toEqual([]);
  });
});
