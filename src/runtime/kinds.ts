/**
 * The kinds of imports and exports as numeric enums (like wasmer-python's
 * `IntEnum`s), and the plain-object descriptors that `module.exports` and
 * `module.imports` return.
 */
import type {
  ExternType,
  FieldType,
  Import,
  Limits,
  ModuleInfo,
  RecGroup,
  RefType,
  StorageType,
  SubType,
  TypeDef,
  ValType,
} from './parser/types.js';

/** The kind of an export. `ImportKind` is the same enum under another name. */
export enum ExportKind {
  FUNCTION = 1,
  GLOBAL = 2,
  MEMORY = 3,
  TABLE = 4,
  TAG = 5,
}

/** The kind of an import: the same values as `ExportKind`, so the two compare equal. */
export const ImportKind = ExportKind;
export type ImportKind = ExportKind;

/** A function signature in the descriptors: `{ params: ['i32', 'i32'], results: ['i32'] }`. */
export interface FunctionType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

export interface FunctionExport {
  readonly kind: ExportKind.FUNCTION;
  readonly name: string;
  readonly type: FunctionType;
}
export interface GlobalExport {
  readonly kind: ExportKind.GLOBAL;
  readonly name: string;
  readonly type: ValType;
  readonly mutable: boolean;
}
export interface MemoryExport {
  readonly kind: ExportKind.MEMORY;
  readonly name: string;
  readonly minimumPages: number;
  /** `null` when the module declares no maximum. */
  readonly maximumPages: number | null;
  readonly shared: boolean;
  /** The type of its addresses: 'i64' for a memory64 memory (the JS API's `address`). */
  readonly addressType: AddressType;
}
export interface TableExport {
  readonly kind: ExportKind.TABLE;
  readonly name: string;
  /** The spec's name: 'funcref' (wasmer-python and the old JS API call it 'anyfunc'), 'externref', '(ref null $t)'... */
  readonly elementType: RefType;
  readonly minimumElements: number;
  /**
   * `null` when the module declares no maximum. A bigint only when a table64 declares a maximum above
   * `Number.MAX_SAFE_INTEGER` (V8 accepts any u64 there), so that it stays exact.
   */
  readonly maximumElements: number | bigint | null;
  /** The type of its indexes: 'i64' for a table64 table. */
  readonly addressType: AddressType;
}
/** An exception tag: `type.params` are the types of its payload; `type.results` is always empty. */
export interface TagExport {
  readonly kind: ExportKind.TAG;
  readonly name: string;
  readonly type: FunctionType;
}

/** The address (index) type of a memory or table: 'i64' with memory64 / table64. */
export type AddressType = 'i32' | 'i64';

/** One row of `module.exports`. */
export type ExportDescriptor = FunctionExport | GlobalExport | MemoryExport | TableExport | TagExport;

/** One row of `module.imports`: an export descriptor plus the import's `namespace` (module name). */
export type ImportDescriptor = ExportDescriptor & { readonly namespace: string };

/**
 * Type index -> name (the name section's type names), for spelling concrete reference types
 * `(ref null $point)`; a function so that the name section is decoded only when one is printed.
 */
export type TypeNames = () => ReadonlyMap<number, string>;

const NO_NAMES: TypeNames = () => new Map();

const CONCRETE_REF = /^\(ref (null )?(\d+)\)$/;

/**
 * A value or storage type as the text format spells it, with a concrete reference type's index
 * replaced by the type's name when the name section has one: `(ref null 3)` is `(ref null $point)`.
 */
export function nameType<T extends StorageType>(type: T, names: TypeNames = NO_NAMES): T {
  // Every concrete reference type starts with "(ref " and ends with a digit; the rest return at once.
  if (type.length < 6 || type.charCodeAt(type.length - 2) > 0x39 || type.charCodeAt(type.length - 2) < 0x30) {
    return type;
  }
  const m = CONCRETE_REF.exec(type);
  if (m === null) return type;
  const name = names().get(Number(m[2]));
  return (name === undefined ? type : `(ref ${m[1] ?? ''}${typeId(name)})`) as T;
}

/** `$point`, or `$"a b"` for a name that is not a text-format id (the quoted id of Wasm 3.0's text format). */
export function typeId(name: string): string {
  return TEXT_ID.test(name) ? `$${name}` : `$${quoted(name)}`;
}

// The id characters of the text format (https://webassembly.github.io/spec/core/text/values.html#text-id).
const TEXT_ID = /^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+$/;

function nameTypes(types: readonly ValType[], names: TypeNames): ValType[] {
  return types.map((t) => nameType(t, names));
}

/**
 * Builds the public descriptor of one import or export from the parser's type; `typeNames` names
 * concrete reference types (see `nameType`).
 */
export function describeExtern(name: string, desc: ExternType, typeNames: TypeNames = NO_NAMES): ExportDescriptor {
  switch (desc.kind) {
    case 'func':
      return {
        kind: ExportKind.FUNCTION,
        name,
        type: { params: nameTypes(desc.type.params, typeNames), results: nameTypes(desc.type.results, typeNames) },
      };
    case 'tag':
      return {
        kind: ExportKind.TAG,
        name,
        type: { params: nameTypes(desc.type.params, typeNames), results: nameTypes(desc.type.results, typeNames) },
      };
    case 'global':
      return { kind: ExportKind.GLOBAL, name, type: nameType(desc.type.type, typeNames), mutable: desc.type.mutable };
    case 'memory':
      return {
        kind: ExportKind.MEMORY,
        name,
        minimumPages: desc.type.minimum,
        maximumPages: desc.type.maximum,
        shared: desc.type.shared,
        addressType: desc.type.index64 ? 'i64' : 'i32',
      };
    case 'table':
      return {
        kind: ExportKind.TABLE,
        name,
        elementType: nameType(desc.type.elementType, typeNames),
        minimumElements: desc.type.minimum,
        maximumElements: desc.type.maximum,
        addressType: desc.type.index64 ? 'i64' : 'i32',
      };
  }
}

export function describeImport(imp: Import, typeNames: TypeNames = NO_NAMES): ImportDescriptor {
  const d = describeExtern(imp.name, imp.desc, typeNames);
  // `namespace` second, so printed descriptors read like the seed's.
  const { kind, ...rest } = d;
  return { kind, namespace: imp.module, ...rest } as ImportDescriptor;
}

/**
 * An export or import name as messages and lists show it: as is when it is
 * letters, digits and `_ - . $` only (`sum`, `rb-eval`), else `quoted`, so that
 * a name holding spaces or punctuation (old wit-bindgen exports whole WIT
 * signatures as names: `rb-eval: func(str: string) -> u32`) reads as one name
 * and can be pasted into a shell.
 */
export function quoteName(name: string): string {
  return PLAIN_ASCII_NAME.test(name) || PLAIN_NAME.test(name) ? name : quoted(name);
}

// The ASCII pattern first: V8 compiles a pattern on its first use, and the Unicode
// one takes about a millisecond, which most names (ASCII) need not pay.
const PLAIN_ASCII_NAME = /^[A-Za-z0-9_$.-]+$/;
const PLAIN_NAME = /^[\p{L}\p{N}_$.-]+$/u;

/**
 * `"name"`, with `"` and `\` escaped as JSON escapes them, and control characters
 * (C0, DEL, C1) as `\xNN`, so that a name from a hostile module cannot move the
 * cursor, change colours or start a fake line in a message (the CLI's `printable`
 * spelling).
 */
export function quoted(name: string): string {
  return `"${name.replace(ESCAPED, (c) => {
    if (c === '"' || c === '\\') return `\\${c}`;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  })}"`;
}

// Controls (C0, DEL, C1) and the bidirectional controls, as commands/format.ts escapes them for terminals.
const ESCAPED = /["\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** What `formatSignature` adds to the types. */
export interface SignatureOptions {
  /** The function's name, printed (through `quoteName`) before the parameters. */
  readonly name?: string;
  /** Parameter names (from the name section), printed as `x: i32`; `undefined` entries print the type alone. */
  readonly paramNames?: readonly (string | undefined)[];
  /** Names concrete reference types: `(ref null $point)` rather than `(ref null 3)`. */
  readonly typeNames?: TypeNames;
}

/**
 * The one text form of a function type, for messages, `inspect` and the CLI:
 * - anonymous: `(i32, i32) -> i32`, `(i32) -> ()`, `() -> (i32, i64)`;
 * - with `name`: `sum(i32, i32) -> i32`, `init()` (no arrow when there are no results),
 *   and with `paramNames` `sum(x: i32, y: i32) -> i32`.
 * One result prints bare, several in parentheses.
 */
export function formatSignature(type: FunctionType, options: SignatureOptions = {}): string {
  const { name, paramNames = [], typeNames = NO_NAMES } = options;
  const params = type.params.map((p, i) => {
    const t = nameType(p, typeNames);
    return paramNames[i] === undefined ? t : `${paramNames[i]}: ${t}`;
  });
  const head = `${name === undefined ? '' : quoteName(name)}(${params.join(', ')})`;
  const results = nameTypes(type.results, typeNames);
  if (results.length === 0) return name === undefined ? `${head} -> ()` : head;
  return `${head} -> ${results.length === 1 ? results[0] : `(${results.join(', ')})`}`;
}

/** `1..∞`, `1..16`: a memory's (pages) or table's (elements) limits. */
export function formatLimits(limits: Limits): string {
  return `${limits.minimum}..${limits.maximum === null ? '∞' : limits.maximum}`;
}

/**
 * The type of an import or export, in the text format's words, for `inspect`
 * and link errors: `func (i32, i32) -> i32`, `func (i32) -> ()`, `tag (i32)`,
 * `memory 1..∞ pages shared i64`, `table 1..1 funcref`, `global mut i32`.
 */
export function formatExternType(desc: ExternType, typeNames: TypeNames = NO_NAMES): string {
  switch (desc.kind) {
    case 'func':
      return `func ${formatSignature(desc.type, { typeNames })}`;
    case 'tag':
      // An exception tag's type has parameters only.
      return `tag (${nameTypes(desc.type.params, typeNames).join(', ')})`;
    case 'memory': {
      const t = desc.type;
      return `memory ${formatLimits(t)} pages${t.shared ? ' shared' : ''}${t.index64 ? ' i64' : ''}`;
    }
    case 'table': {
      const t = desc.type;
      return `table ${formatLimits(t)} ${nameType(t.elementType, typeNames)}${t.index64 ? ' i64' : ''}`;
    }
    case 'global':
      return `global ${desc.type.mutable ? 'mut ' : ''}${nameType(desc.type.type, typeNames)}`;
  }
}

/** One entry of the type section, described: `module.types` and `inspect` show these. */
export interface TypeDescriptor {
  readonly index: number;
  /** Its name from the name section (without the `$`), or null. */
  readonly name: string | null;
  readonly kind: TypeDef['kind'];
  /** The text format's spelling, with names: `struct (field $x i32) (field $y (mut i64))`, `func (i32) -> i32`. */
  readonly text: string;
  /** `false` only for a GC `sub` type that is not `final` (it may have subtypes). */
  readonly isFinal: boolean;
  /** Supertype indexes (GC; at most one). */
  readonly supertypes: readonly number[];
  /** The explicit `rec` group it belongs to, or null. */
  readonly recGroup: RecGroup | null;
  /** func: its parameters and results. */
  readonly params?: readonly ValType[];
  readonly results?: readonly ValType[];
  /** struct: its fields, with names from the name section's field names (null without one). */
  readonly fields?: readonly FieldDescriptor[];
  /** array: its element. */
  readonly element?: FieldDescriptor;
}

/** A struct field or array element: its storage type ('i8' and 'i16' are packed) and mutability. */
export interface FieldDescriptor {
  readonly name: string | null;
  readonly type: StorageType;
  readonly mutable: boolean;
}

/** Describes every type of the type section, with names from the name section. */
export function describeTypes(info: ModuleInfo): TypeDescriptor[] {
  const names = info.names;
  const typeNames: TypeNames = () => names.types;
  const groupOf = new Map<number, RecGroup>();
  for (const g of info.recGroups) for (let i = g.first; i < g.first + g.count; i++) groupOf.set(i, g);
  return info.types.map((def, index) => {
    const sub = info.subTypes[index] as SubType;
    const fieldNames = names.fields.get(index);
    const field = (f: FieldType, i: number | null): FieldDescriptor => ({
      name: i === null ? null : (fieldNames?.get(i) ?? null),
      type: nameType(f.type, typeNames),
      mutable: f.mutable,
    });
    const base = {
      index,
      name: names.types.get(index) ?? null,
      kind: def.kind,
      text: formatTypeDef(def, sub, typeNames, fieldNames),
      isFinal: sub.isFinal,
      supertypes: sub.supertypes,
      recGroup: groupOf.get(index) ?? null,
    };
    if (def.kind === 'func') {
      return { ...base, params: nameTypes(def.params, typeNames), results: nameTypes(def.results, typeNames) };
    }
    if (def.kind === 'struct') return { ...base, fields: def.fields.map(field) };
    return { ...base, element: field(def.element, null) };
  });
}

/**
 * The text form of one type definition: `func (i32) -> i32`, `struct (field $x i32) (field (mut i8))`,
 * `array (mut i16)`, prefixed by `sub $super ` or `sub final $super ` for a GC subtype declaration.
 */
export function formatTypeDef(
  def: TypeDef,
  sub: SubType,
  typeNames: TypeNames = NO_NAMES,
  fieldNames?: ReadonlyMap<number, string>,
): string {
  const field = (f: FieldType, name: string | undefined): string => {
    const t = nameType(f.type, typeNames);
    const body = f.mutable ? `(mut ${t})` : t;
    return name === undefined ? body : `${typeId(name)} ${body}`;
  };
  let text: string;
  switch (def.kind) {
    case 'func':
      text = `func ${formatSignature(def, { typeNames })}`;
      break;
    case 'struct':
      text = ['struct', ...def.fields.map((f, i) => `(field ${field(f, fieldNames?.get(i))})`)].join(' ');
      break;
    case 'array':
      text = `array ${field(def.element, undefined)}`;
      break;
  }
  if (sub.isFinal && sub.supertypes.length === 0) return text;
  const supers = sub.supertypes.map((i) => {
    const name = typeNames().get(i);
    return name === undefined ? String(i) : typeId(name);
  });
  return [sub.isFinal ? 'sub final' : 'sub', ...supers, text].join(' ');
}
