/**
 * The kinds of imports and exports as numeric enums (like wasmer-python's
 * `IntEnum`s), and the plain-object descriptors that `module.exports` and
 * `module.imports` return.
 */
import type { ExternType, Import, Limits, RefType, ValType } from './parser/types.js';

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
}
export interface TableExport {
  readonly kind: ExportKind.TABLE;
  readonly name: string;
  /** The spec's name: 'funcref' (wasmer-python and the old JS API call it 'anyfunc'), 'externref'... */
  readonly elementType: RefType;
  readonly minimumElements: number;
  /** `null` when the module declares no maximum. */
  readonly maximumElements: number | null;
}
export interface TagExport {
  readonly kind: ExportKind.TAG;
  readonly name: string;
  readonly type: FunctionType;
}

/** One row of `module.exports`. */
export type ExportDescriptor = FunctionExport | GlobalExport | MemoryExport | TableExport | TagExport;

/** One row of `module.imports`: an export descriptor plus the import's `namespace` (module name). */
export type ImportDescriptor = ExportDescriptor & { readonly namespace: string };

/** Builds the public descriptor of one import or export from the parser's type. */
export function describeExtern(name: string, desc: ExternType): ExportDescriptor {
  switch (desc.kind) {
    case 'func':
      return {
        kind: ExportKind.FUNCTION,
        name,
        type: { params: [...desc.type.params], results: [...desc.type.results] },
      };
    case 'tag':
      return { kind: ExportKind.TAG, name, type: { params: [...desc.type.params], results: [...desc.type.results] } };
    case 'global':
      return { kind: ExportKind.GLOBAL, name, type: desc.type.type, mutable: desc.type.mutable };
    case 'memory':
      return {
        kind: ExportKind.MEMORY,
        name,
        minimumPages: desc.type.minimum,
        maximumPages: desc.type.maximum,
        shared: desc.type.shared,
      };
    case 'table':
      return {
        kind: ExportKind.TABLE,
        name,
        elementType: desc.type.elementType,
        minimumElements: desc.type.minimum,
        maximumElements: desc.type.maximum,
      };
  }
}

export function describeImport(imp: Import): ImportDescriptor {
  const d = describeExtern(imp.name, imp.desc);
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
  return PLAIN_NAME.test(name) ? name : quoted(name);
}

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
}

/**
 * The one text form of a function type, for messages, `inspect` and the CLI:
 * - anonymous: `(i32, i32) -> i32`, `(i32) -> ()`, `() -> (i32, i64)`;
 * - with `name`: `sum(i32, i32) -> i32`, `init()` (no arrow when there are no results),
 *   and with `paramNames` `sum(x: i32, y: i32) -> i32`.
 * One result prints bare, several in parentheses.
 */
export function formatSignature(type: FunctionType, options: SignatureOptions = {}): string {
  const { name, paramNames = [] } = options;
  const params = type.params.map((t, i) => (paramNames[i] === undefined ? t : `${paramNames[i]}: ${t}`));
  const head = `${name === undefined ? '' : quoteName(name)}(${params.join(', ')})`;
  const { results } = type;
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
export function formatExternType(desc: ExternType): string {
  switch (desc.kind) {
    case 'func':
      return `func ${formatSignature(desc.type)}`;
    case 'tag':
      // An exception tag's type has parameters only.
      return `tag (${desc.type.params.join(', ')})`;
    case 'memory': {
      const t = desc.type;
      return `memory ${formatLimits(t)} pages${t.shared ? ' shared' : ''}${t.index64 ? ' i64' : ''}`;
    }
    case 'table': {
      const t = desc.type;
      return `table ${formatLimits(t)} ${t.elementType}${t.index64 ? ' i64' : ''}`;
    }
    case 'global':
      return `global ${desc.type.mutable ? 'mut ' : ''}${desc.type.type}`;
  }
}
