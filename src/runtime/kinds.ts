/**
 * The kinds of imports and exports as numeric enums (like wasmer-python's
 * `IntEnum`s), and the plain-object descriptors that `module.exports` and
 * `module.imports` return.
 */
import type { ExternType, Import, RefType, ValType } from './parser/types.js';

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

/** `function (i32, i32) -> (i32)`, `memory 3..4 pages`, `global f32 (immutable)`... for error messages. */
export function formatExternType(desc: ExternType): string {
  switch (desc.kind) {
    case 'func':
      return `function ${formatSignature(desc.type.params, desc.type.results)}`;
    case 'tag':
      return `tag ${formatSignature(desc.type.params, desc.type.results)}`;
    case 'global':
      return `global ${desc.type.mutable ? 'mut ' : ''}${desc.type.type}`;
    case 'memory': {
      const max = desc.type.maximum === null ? '' : `..${desc.type.maximum}`;
      return `memory ${desc.type.minimum}${max} pages${desc.type.shared ? ' shared' : ''}`;
    }
    case 'table': {
      const max = desc.type.maximum === null ? '' : `..${desc.type.maximum}`;
      return `table ${desc.type.minimum}${max} ${desc.type.elementType}`;
    }
  }
}

export function formatSignature(params: readonly ValType[], results: readonly ValType[]): string {
  return `(${params.join(', ')}) -> (${results.join(', ')})`;
}
