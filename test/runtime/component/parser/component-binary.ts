// A small builder of component binaries for tests (design/mvp/Binary.md), so a malformed
// component is written byte group by byte group, each group named for what it encodes.
// Everything is plain number arrays; `component(...)` makes the Uint8Array.

export type Bytes = readonly number[];

/** Unsigned LEB128. */
export function u32(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    const b = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? b : b | 0x80);
  } while (v !== 0);
  return out;
}

/** A name: its UTF-8 length, then the bytes. */
export function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...u32(bytes.length), ...bytes];
}

/** A vector: the count, then the items. */
export function vec(items: readonly Bytes[]): number[] {
  return [...u32(items.length), ...items.flat()];
}

/** A section: id, size, contents. */
export function section(id: number, contents: Bytes): number[] {
  return [id, ...u32(contents.length), ...contents];
}

/** `\0asm`, component version 0x0d 0x00, layer 0x01 0x00. */
export const PREAMBLE: Bytes = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
/** `\0asm`, core version 1. */
export const CORE_PREAMBLE: Bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function component(...sections: readonly Bytes[]): Uint8Array {
  return Uint8Array.from([...PREAMBLE, ...sections.flat()]);
}

/** The nested form of `component(...)`: the same bytes, as a component section (id 4). */
export function nested(...sections: readonly Bytes[]): number[] {
  return section(SECTION.component, [...PREAMBLE, ...sections.flat()]);
}

export const SECTION = {
  custom: 0,
  coreModule: 1,
  coreInstance: 2,
  coreType: 3,
  component: 4,
  instance: 5,
  alias: 6,
  type: 7,
  canon: 8,
  start: 9,
  import: 10,
  export: 11,
  value: 12,
} as const;

/** Primitive value type opcodes. */
export const T = {
  bool: 0x7f,
  s8: 0x7e,
  u8: 0x7d,
  s16: 0x7c,
  u16: 0x7b,
  s32: 0x7a,
  u32: 0x79,
  s64: 0x78,
  u64: 0x77,
  f32: 0x76,
  f64: 0x75,
  char: 0x74,
  string: 0x73,
  errorContext: 0x64,
} as const;

// defvaltype constructors (each returns the bytes of one `defvaltype`).
export const record = (fields: readonly [string, Bytes][]): number[] => [
  0x72,
  ...vec(fields.map(([n, t]) => [...name(n), ...t])),
];
/** A variant; each case `[label, payload or null]`, ending in the 0x00 the spec requires. */
export const variant = (cases: readonly [string, Bytes | null][]): number[] => [
  0x71,
  ...vec(cases.map(([n, t]) => [...name(n), ...(t === null ? [0x00] : [0x01, ...t]), 0x00])),
];
export const list = (t: Bytes): number[] => [0x70, ...t];
export const fixedList = (t: Bytes, length: number): number[] => [0x67, ...t, ...u32(length)];
export const tuple = (ts: readonly Bytes[]): number[] => [0x6f, ...vec(ts)];
export const flags = (labels: readonly string[]): number[] => [0x6e, ...vec(labels.map(name))];
export const enumType = (labels: readonly string[]): number[] => [0x6d, ...vec(labels.map(name))];
export const option = (t: Bytes): number[] => [0x6b, ...t];
export const result = (ok: Bytes | null, err: Bytes | null): number[] => [
  0x6a,
  ...(ok === null ? [0x00] : [0x01, ...ok]),
  ...(err === null ? [0x00] : [0x01, ...err]),
];
export const own = (i: number): number[] => [0x69, ...u32(i)];
export const borrow = (i: number): number[] => [0x68, ...u32(i)];
export const stream = (t: Bytes | null): number[] => [0x66, ...(t === null ? [0x00] : [0x01, ...t])];
export const future = (t: Bytes | null): number[] => [0x65, ...(t === null ? [0x00] : [0x01, ...t])];
export const map = (k: Bytes, v: Bytes): number[] => [0x63, ...k, ...v];
/** A type index as a `valtype`: an s33 LEB, non-negative (so 64..127 take two bytes). */
export const idx = (i: number): number[] => (i < 64 ? [i] : [(i & 0x7f) | 0x80, i >> 7]);

/** `functype`: 0x40 (or 0x43 async), named params, one result or none (0x01 0x00). */
export function func(params: readonly [string, Bytes][], res: Bytes | null, isAsync = false): number[] {
  return [
    isAsync ? 0x43 : 0x40,
    ...vec(params.map(([n, t]) => [...name(n), ...t])),
    ...(res === null ? [0x01, 0x00] : [0x00, ...res]),
  ];
}
/** `(resource (rep i32) (dtor f)?)`. */
export const resource = (dtor: number | null): number[] => [
  0x3f,
  0x7f,
  ...(dtor === null ? [0x00] : [0x01, ...u32(dtor)]),
];
/** `instancetype` from raw declarators. */
export const instanceType = (decls: readonly Bytes[]): number[] => [0x42, ...vec(decls)];
/** `componenttype` from raw declarators. */
export const componentType = (decls: readonly Bytes[]): number[] => [0x41, ...vec(decls)];

/** An extern name in the `nameattributes` 0x00 form. */
export const externName = (s: string): number[] => [0x00, ...name(s)];
// externtype
export const funcExtern = (typeIndex: number): number[] => [0x01, ...u32(typeIndex)];
export const typeEq = (typeIndex: number): number[] => [0x03, 0x00, ...u32(typeIndex)];
export const subResource: Bytes = [0x03, 0x01];
export const instanceExtern = (typeIndex: number): number[] => [0x05, ...u32(typeIndex)];
/** An `importdecl`/`exportdecl`/component import: name then extern type. */
export const externDecl = (s: string, t: Bytes): number[] => [...externName(s), ...t];
/** An export of `(sort idx)`, no ascribed type. */
export const exportOf = (s: string, sort: Bytes, index: number): number[] => [
  ...externName(s),
  ...sort,
  ...u32(index),
  0x00,
];

export const SORT = {
  coreFunc: [0x00, 0x00],
  coreTable: [0x00, 0x01],
  coreMemory: [0x00, 0x02],
  coreGlobal: [0x00, 0x03],
  coreType: [0x00, 0x10],
  coreModule: [0x00, 0x11],
  coreInstance: [0x00, 0x12],
  func: [0x01],
  value: [0x02],
  type: [0x03],
  component: [0x04],
  instance: [0x05],
} as const;

/** `(alias export i "name" (sort))`. */
export const aliasExport = (sort: Bytes, instance: number, n: string): number[] => [
  ...sort,
  0x00,
  ...u32(instance),
  ...name(n),
];
/** `(alias core export i "name" (core sort))`. */
export const aliasCoreExport = (sort: Bytes, instance: number, n: string): number[] => [
  ...sort,
  0x01,
  ...u32(instance),
  ...name(n),
];
/** `(alias outer ct idx (sort))`. */
export const aliasOuter = (sort: Bytes, count: number, index: number): number[] => [
  ...sort,
  0x02,
  ...u32(count),
  ...u32(index),
];

// canonical options
export const OPT = {
  utf8: [0x00],
  utf16: [0x01],
  latin1: [0x02],
  memory: (i: number) => [0x03, ...u32(i)],
  realloc: (f: number) => [0x04, ...u32(f)],
  postReturn: (f: number) => [0x05, ...u32(f)],
  async: [0x06],
  callback: (f: number) => [0x07, ...u32(f)],
} as const;
/** `(canon lift (core func f) opts (type t))`. */
export const lift = (coreFunc: number, opts: readonly Bytes[], typeIndex: number): number[] => [
  0x00,
  0x00,
  ...u32(coreFunc),
  ...vec(opts),
  ...u32(typeIndex),
];
/** `(canon lower (func f) opts)`. */
export const lower = (f: number, opts: readonly Bytes[]): number[] => [0x01, 0x00, ...u32(f), ...vec(opts)];

// core wasm
export const I32 = 0x7f;
export const I64 = 0x7e;

/** A core function type `(func (param ...) (result ...))`. */
export const coreFuncType = (params: readonly number[], results: readonly number[]): number[] => [
  0x60,
  ...vec(params.map((p) => [p])),
  ...vec(results.map((r) => [r])),
];

/**
 * A core module: each function (of the given type, exported by `name`, with a body that
 * pushes zeros for its results), an optional exported memory "mem", and imports of functions.
 */
export function coreModule(options: {
  readonly imports?: readonly {
    readonly module: string;
    readonly name: string;
    readonly params: readonly number[];
    readonly results: readonly number[];
  }[];
  readonly funcs?: readonly {
    readonly name: string;
    readonly params: readonly number[];
    readonly results: readonly number[];
  }[];
  readonly memory?: boolean;
}): number[] {
  const imports = options.imports ?? [];
  const funcs = options.funcs ?? [];
  const types = [...imports, ...funcs].map((f) => coreFuncType(f.params, f.results));
  const sections: number[][] = [];
  if (types.length > 0) sections.push(section(1, vec(types)));
  if (imports.length > 0)
    sections.push(section(2, vec(imports.map((im, i) => [...name(im.module), ...name(im.name), 0x00, ...u32(i)]))));
  if (funcs.length > 0) sections.push(section(3, vec(funcs.map((_, i) => u32(imports.length + i)))));
  if (options.memory) sections.push(section(5, vec([[0x00, 0x01]])));
  const exports = funcs.map((f, i) => [...name(f.name), 0x00, ...u32(imports.length + i)]);
  if (options.memory) exports.push([...name('mem'), 0x02, 0x00]);
  if (exports.length > 0) sections.push(section(7, vec(exports)));
  if (funcs.length > 0) {
    const bodies = funcs.map((f) => {
      // No locals; a zero constant of each result type; end.
      const code = [0x00, ...f.results.flatMap((r) => (r === I64 ? [0x42, 0x00] : [0x41, 0x00])), 0x0b];
      return [...u32(code.length), ...code];
    });
    sections.push(section(10, vec(bodies)));
  }
  return section(SECTION.coreModule, [...CORE_PREAMBLE, ...sections.flat()]);
}

/** `(core instance (instantiate m (with "name" (instance i))*))`. */
export const coreInstantiate = (module: number, args: readonly [string, number][] = []): number[] => [
  0x00,
  ...u32(module),
  ...vec(args.map(([n, i]) => [...name(n), 0x12, ...u32(i)])),
];
/** `(instance (instantiate c (with "name" (sort idx))*))`. */
export const instantiate = (c: number, args: readonly [string, Bytes, number][] = []): number[] => [
  0x00,
  ...u32(c),
  ...vec(args.map(([n, sort, i]) => [...name(n), ...sort, ...u32(i)])),
];
