/**
 * What the binary parser returns: a typed description of a module, read from its
 * section headers, without decoding code bodies or data payloads.
 * Names follow the spec (https://webassembly.github.io/spec/core/binary/modules.html).
 */

/** Number and vector types, plus reference types by their text-format names ('funcref', 'externref', 'exnref', '(ref null 3)'...). */
export type NumType = 'i32' | 'i64' | 'f32' | 'f64';
export type VecType = 'v128';
export type RefType = 'funcref' | 'externref' | (string & {});
export type ValType = NumType | VecType | RefType;

export interface FuncType {
  readonly kind: 'func';
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/** The packed storage types of GC struct fields and array elements (https://webassembly.github.io/gc/core/syntax/types.html#aggregate-types). */
export type PackedType = 'i8' | 'i16';
export type StorageType = ValType | PackedType;

/** A struct field or an array's element: its storage type and whether it is `mut`. */
export interface FieldType {
  readonly type: StorageType;
  readonly mutable: boolean;
}

/** GC `struct`: its fields in order (their names, if any, are in `names.fields`). */
export interface StructType {
  readonly kind: 'struct';
  readonly fields: readonly FieldType[];
}

/** GC `array`: the type of its elements. */
export interface ArrayType {
  readonly kind: 'array';
  readonly element: FieldType;
}

/** A composite type: what one type index defines. Its finality and supertypes are in `ModuleInfo.subTypes`. */
export type TypeDef = FuncType | StructType | ArrayType;

/**
 * How the type section declares one type (https://webassembly.github.io/gc/core/binary/types.html#recursive-types):
 * a plain composite type is final with no supertypes; `sub` is not final, `sub final` is, and either may
 * name a supertype by index (the binary allows a list; V8 accepts at most one).
 */
export interface SubType {
  readonly isFinal: boolean;
  readonly supertypes: readonly number[];
}

/** A `rec` group of the type section: types `first` to `first + count - 1`, which may refer to each other. */
export interface RecGroup {
  readonly first: number;
  readonly count: number;
}

export interface Limits {
  readonly minimum: number;
  /** `null` when the module declares no maximum; a bigint only for a table64 maximum above 2^53 - 1 (`TableType`). */
  readonly maximum: number | bigint | null;
}

/**
 * Memory bounds stay numbers: V8 refuses a memory64 bound above its 262,144-page limit, and our parser
 * refuses one above 2^53 - 1 (`ERR_LIMIT`), so none is inexact.
 */
export interface MemoryType extends Limits {
  readonly maximum: number | null;
  readonly shared: boolean;
  /** memory64 proposal: addresses are i64. */
  readonly index64: boolean;
}

export interface TableType extends Limits {
  readonly elementType: RefType;
  /**
   * `null` when the module declares no maximum. A number, except for a table64 (`index64`) maximum above
   * `Number.MAX_SAFE_INTEGER`, which is a bigint so that it stays exact (V8 accepts any u64 there).
   */
  readonly maximum: number | bigint | null;
  readonly index64: boolean;
}

export interface GlobalType {
  readonly type: ValType;
  readonly mutable: boolean;
}

/** The kind of an import or export, as a string. See `ExportKind` for the numeric enum of the public API. */
export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export type ExternType =
  | { readonly kind: 'func'; readonly typeIndex: number; readonly type: FuncType }
  | { readonly kind: 'table'; readonly type: TableType }
  | { readonly kind: 'memory'; readonly type: MemoryType }
  | { readonly kind: 'global'; readonly type: GlobalType }
  | { readonly kind: 'tag'; readonly typeIndex: number; readonly type: FuncType };

export interface Import {
  readonly module: string;
  readonly name: string;
  readonly desc: ExternType;
}

export interface Export {
  readonly name: string;
  /** Index in the kind's index space (imports first, then definitions). */
  readonly index: number;
  readonly desc: ExternType;
}

export interface SectionHeader {
  /** Section id: 0 custom, 1 type ... 12 data count, 13 tag. */
  readonly id: number;
  /** 'type', 'import', ..., or for custom sections the custom section's own name. */
  readonly name: string;
  /** Offset of the section id byte. */
  readonly offset: number;
  /** Offset of the first byte of the section content (after the size LEB). */
  readonly contentOffset: number;
  /** Size of the content in bytes. */
  readonly size: number;
}

export interface CustomSection {
  readonly name: string;
  /** A view into the parsed buffer (no copy): the section's payload after its name. */
  readonly data: Uint8Array;
  /** Absolute offset of `data` in the module bytes. */
  readonly offset: number;
}

/**
 * The name section (https://webassembly.github.io/spec/core/appendix/custom.html#name-section) with the
 * extended-name-section subsections. Each map goes from an index in its whole index space (imports first)
 * to its name; the maps of a module without those subsections are empty.
 */
export interface NameSection {
  readonly module: string | null;
  /** Function index (in the whole function index space) -> name. */
  readonly functions: ReadonlyMap<number, string>;
  /** Subsection 4: type index -> name (`$point`). */
  readonly types: ReadonlyMap<number, string>;
  /** Subsection 5. */
  readonly tables: ReadonlyMap<number, string>;
  /** Subsection 6. */
  readonly memories: ReadonlyMap<number, string>;
  /** Subsection 7. */
  readonly globals: ReadonlyMap<number, string>;
  /** Subsection 8: element segment index -> name. */
  readonly elements: ReadonlyMap<number, string>;
  /** Subsection 9: data segment index -> name. */
  readonly data: ReadonlyMap<number, string>;
  /** Subsection 10: type index -> field index -> name (struct field names). */
  readonly fields: ReadonlyMap<number, ReadonlyMap<number, string>>;
  /** Subsection 11. */
  readonly tags: ReadonlyMap<number, string>;
}

/** Proposals beyond the MVP. */
export type Feature =
  | 'simd'
  | 'threads'
  | 'bulk-memory'
  | 'multi-value'
  | 'memory64'
  | 'exceptions'
  | 'tail-calls'
  | 'reference-types'
  | 'multi-memory'
  | 'mutable-globals'
  | 'sign-extension'
  | 'saturating-float-to-int'
  | 'gc'
  | 'extended-const'
  | 'relaxed-simd';

export interface ModuleInfo {
  readonly byteLength: number;
  /** Every section in file order, custom sections included. */
  readonly sections: readonly SectionHeader[];
  readonly types: readonly TypeDef[];
  /** For each type index, its finality and supertypes (GC); `types` and `subTypes` have the same length. */
  readonly subTypes: readonly SubType[];
  /** The explicit `rec` groups of the type section, in order; a type outside them is a group of its own. */
  readonly recGroups: readonly RecGroup[];
  readonly imports: readonly Import[];
  /**
   * Type index of each function defined in the module (not the imported ones), in a typed
   * array: a big module defines hundreds of thousands (pandoc 620,000), kept off the JS heap.
   */
  readonly functions: Readonly<Uint32Array>;
  readonly tables: readonly TableType[];
  readonly memories: readonly MemoryType[];
  readonly globals: readonly GlobalType[];
  /** Tags defined in the module (exception handling), by type index. */
  readonly tags: readonly number[];
  readonly exports: readonly Export[];
  /** Function index of the start function, or null. */
  readonly start: number | null;
  /** Number of element segments, or 0 without an element section. */
  readonly elementCount: number;
  /** The data count section's value, or null without one. */
  readonly dataCount: number | null;
  /** Number of data segments in the data section (0 without one). */
  readonly dataSegmentCount: number;
  /** Number of bodies in the code section (0 without one). */
  readonly codeCount: number;
  readonly customSections: readonly CustomSection[];
  /** Decoded `name` custom section; empty when absent or malformed (a bad name section never fails a parse). */
  readonly names: NameSection;
  /** Proposals used as far as section headers tell (types, limits, section ids). Code bodies are not scanned here. */
  readonly features: ReadonlySet<Feature>;
  /** Imported function count, and likewise for the other kinds: the start of the defined items in each index space. */
  readonly importedFunctionCount: number;
  readonly importedTableCount: number;
  readonly importedMemoryCount: number;
  readonly importedGlobalCount: number;
  readonly importedTagCount: number;
}
