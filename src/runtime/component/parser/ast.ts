/**
 * A component binary as data, in the order of its definitions, index-based as the
 * binary is (design/mvp/Binary.md). `parseComponent` (./index.ts) returns it after
 * validating it; the validator also resolves the types (`../types.ts`) that the
 * canonical ABI, WIT printing and instantiation use, so no consumer re-walks
 * index spaces.
 *
 * Index spaces (each built in definition order, as the spec does):
 * core: func, table, memory, global, tag, type, module, instance;
 * component: func, value, type, component, instance.
 * Every definition says which space it adds to (`sortOf`), so a consumer can count
 * indices by walking `definitions` once.
 */
import type { ComponentType, ExternType, FuncType, InstanceType, ResourceType, ValType } from '../types.js';

export type CoreSort = 'func' | 'table' | 'memory' | 'global' | 'tag' | 'type' | 'module' | 'instance';
export type Sort =
  | { readonly kind: 'core'; readonly sort: CoreSort }
  | { readonly kind: 'func' | 'value' | 'type' | 'component' | 'instance' };

/** `(sort idx)` */
export interface SortIndex {
  readonly sort: Sort;
  readonly index: number;
}

export interface CoreSortIndex {
  readonly sort: CoreSort;
  readonly index: number;
}

/** Where a definition's bytes are, for errors and `inspect`. */
interface At {
  /** Absolute byte offset of the definition in the outermost binary. */
  readonly offset: number;
}

/** Section 1: a nested core module. `bytes` is a view of the whole module (preamble included). */
export interface CoreModuleDefinition extends At {
  readonly kind: 'core-module';
  readonly bytes: Uint8Array;
}

/** Section 2: `(core instance (instantiate m (with "name" (instance i))*))` or inline exports. */
export interface CoreInstanceDefinition extends At {
  readonly kind: 'core-instance';
  readonly expr:
    | {
        readonly kind: 'instantiate';
        readonly module: number;
        readonly args: readonly { readonly name: string; readonly instance: number }[];
      }
    | {
        readonly kind: 'exports';
        readonly exports: readonly { readonly name: string; readonly item: CoreSortIndex }[];
      };
}

/** Section 3: a core type (a function type, a GC type, or a module type). `description` is its text form. */
export interface CoreTypeDefinition extends At {
  readonly kind: 'core-type';
  readonly description: string;
}

/** Section 4: a nested component. */
export interface ComponentDefinition extends At {
  readonly kind: 'component';
  readonly component: ComponentAst;
}

/** Section 5: `(instance (instantiate c (with "name" (sort idx))*))` or inline exports. */
export interface InstanceDefinition extends At {
  readonly kind: 'instance';
  readonly expr:
    | {
        readonly kind: 'instantiate';
        readonly component: number;
        readonly args: readonly { readonly name: string; readonly item: SortIndex }[];
        /** The instance's type: its exports, with the resources it makes fresh for this instantiation. */
        readonly type: InstanceType;
      }
    | {
        readonly kind: 'exports';
        readonly exports: readonly { readonly name: string; readonly item: SortIndex }[];
      };
}

/** Section 6: an alias, adding one index to `sort`'s space. */
export interface AliasDefinition extends At {
  readonly kind: 'alias';
  readonly sort: Sort;
  readonly target:
    | { readonly kind: 'export'; readonly instance: number; readonly name: string }
    | { readonly kind: 'core-export'; readonly instance: number; readonly name: string }
    | { readonly kind: 'outer'; readonly count: number; readonly index: number };
}

/** Section 7: a component type definition, resolved. */
export interface TypeDefinition extends At {
  readonly kind: 'type';
  /** A value type, a function, component or instance type, or a resource this definition makes. */
  readonly type: ValType | FuncType | ExternType | ResourceType;
}

export type StringEncoding = 'utf8' | 'utf16' | 'latin1+utf16';

/** The canonical options (`canonopt`), defaults applied: `stringEncoding` is `utf8` when absent. */
export interface CanonOptions {
  readonly stringEncoding: StringEncoding;
  /** Core memory index. */
  readonly memory: number | undefined;
  /** Core func index of `realloc`. */
  readonly realloc: number | undefined;
  /** Core func index of `post-return`. */
  readonly postReturn: number | undefined;
  readonly isAsync: boolean;
  readonly callback: number | undefined;
}

/** Section 8: a canonical definition. `lift` adds a component func; every other kind a core func. */
export type CanonDefinition = At & { readonly kind: 'canon' } & (
    | {
        readonly op: 'lift';
        readonly coreFunc: number;
        readonly options: CanonOptions;
        /** Component type index, and the function type it resolves to. */
        readonly typeIndex: number;
        readonly type: FuncType;
      }
    | { readonly op: 'lower'; readonly func: number; readonly options: CanonOptions; readonly type: FuncType }
    | {
        readonly op: 'resource.new' | 'resource.drop' | 'resource.rep';
        readonly typeIndex: number;
        readonly resource: ResourceType;
      }
    /** Any async, error-context or thread built-in: parsed, described, refused when instantiated. */
    | { readonly op: 'other'; readonly opcode: number; readonly name: string }
  );

/** Section 9 (🪙): a start function. */
export interface StartDefinition extends At {
  readonly kind: 'start';
  readonly func: number;
  readonly args: readonly number[];
  readonly results: number;
}

/** Section 10: an import; adds one index to the space of its type's sort. */
export interface ImportDefinition extends At {
  readonly kind: 'import';
  readonly name: string;
  readonly type: ExternType;
}

/** Section 11: an export; like an alias, adds one index to `item.sort`'s space. */
export interface ExportDefinition extends At {
  readonly kind: 'export';
  readonly name: string;
  readonly item: SortIndex;
  /** The export's type: the ascribed one when the binary gives one, else the item's own. */
  readonly type: ExternType;
}

export type Definition =
  | CoreModuleDefinition
  | CoreInstanceDefinition
  | CoreTypeDefinition
  | ComponentDefinition
  | InstanceDefinition
  | AliasDefinition
  | TypeDefinition
  | CanonDefinition
  | StartDefinition
  | ImportDefinition
  | ExportDefinition;

export interface CustomSection {
  readonly name: string;
  /** A view of the section's contents (after the name). */
  readonly data: Uint8Array;
  readonly offset: number;
}

/** A parsed and validated component. */
export interface ComponentAst {
  readonly definitions: readonly Definition[];
  readonly customSections: readonly CustomSection[];
  /** The component's own type: its imports and exports, resolved (what `component.imports`/`exports` describe). */
  readonly type: ComponentType;
  /** The `component-name` section's names, where present and well-formed (invalid ones are ignored, as the spec says). */
  readonly names: ComponentNames;
  /** Absolute offset of the preamble in the outermost binary; byteLength of the whole component. */
  readonly offset: number;
  readonly byteLength: number;
}

export interface ComponentNames {
  readonly component: string | undefined;
  /** Sort (as in `sortKey`) to index to name. */
  readonly sorts: ReadonlyMap<string, ReadonlyMap<number, string>>;
}

/** A stable string for a sort, for maps keyed by sort: `core func`, `func`, `type`... */
export function sortKey(sort: Sort): string {
  return sort.kind === 'core' ? `core ${sort.sort}` : sort.kind;
}

/**
 * The index space a definition adds one index to, or null (core type definitions add to
 * `core type`; custom sections, start with no results, add nothing). `start` adds `results`
 * values: consumers handle it themselves.
 */
export function sortOf(definition: Definition): Sort | null {
  switch (definition.kind) {
    case 'core-module':
      return { kind: 'core', sort: 'module' };
    case 'core-instance':
      return { kind: 'core', sort: 'instance' };
    case 'core-type':
      return { kind: 'core', sort: 'type' };
    case 'component':
      return { kind: 'component' };
    case 'instance':
      return { kind: 'instance' };
    case 'alias':
      return definition.sort;
    case 'type':
      return { kind: 'type' };
    case 'canon':
      return definition.op === 'lift' ? { kind: 'func' } : { kind: 'core', sort: 'func' };
    case 'start':
      return null;
    case 'import':
      return sortOfExtern(definition.type);
    case 'export':
      return definition.item.sort;
  }
}

/** The sort of an import or export of type `type`. */
export function sortOfExtern(type: ExternType): Sort {
  switch (type.kind) {
    case 'module':
      return { kind: 'core', sort: 'module' };
    case 'func':
    case 'instance':
    case 'component':
    case 'type':
    case 'value':
      return { kind: type.kind };
  }
}
