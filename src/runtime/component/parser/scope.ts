/**
 * The index spaces of one validation scope (design/mvp/Explainer.md "Index Spaces"): a
 * component, a component type or an instance type. Each space is built in definition
 * order and holds what the validator knows about each index (its resolved type), so a
 * later definition can check what it refers to. `parent` is the enclosing scope, for
 * outer aliases.
 */
import { WasmParseError } from '../../errors.js';
import type {
  ComponentType,
  CoreExternDescriptor,
  CoreModuleType,
  ExternDescriptor,
  FuncType,
  InstanceType,
  ResourceType,
  ValType,
} from '../types.js';
import type { CoreSort, Sort } from './ast.js';
import { TypeFactsCache } from './type-facts.js';

/** A core function type in the core text format's words: `(func (param i32) (result i32))`. */
export type CoreFuncText = string;

/** What the core type space holds: a function type (as text), a GC type (as text) or a module type. */
export type CoreTypeEntry =
  | { readonly kind: 'func'; readonly text: CoreFuncText }
  | { readonly kind: 'gc'; readonly text: string }
  | { readonly kind: 'module'; readonly type: CoreModuleType };

/** A core instance's exports by name: their kinds, and their types where known. */
export type CoreInstanceEntry = ReadonlyMap<string, CoreExternDescriptor>;

/** What the component type space holds. */
export type TypeEntry = ValType | FuncType | ComponentType | InstanceType | ResourceType;

export type ScopeKind = 'component' | 'component type' | 'instance type';

/**
 * The resources a component, component type or instance type introduces itself: each
 * `(type (sub resource))` of its imports and of its exports (those of the instance types
 * among them included). Matching binds exactly these (Explainer.md "Subtyping"): an
 * instantiation binds a component's imported ones to the arguments', and a type's exported
 * ones stand for whatever the item has there. Any other resource a type mentions is one
 * that exists already, and only that same resource matches it.
 */
export interface Introduced {
  readonly imports: readonly ResourceType[];
  readonly exports: readonly ResourceType[];
}

/** What one parse shares among its scopes. */
class Shared {
  readonly facts = new TypeFactsCache();
  readonly exportMaps = new Map<InstanceType, ReadonlyMap<string, ExternDescriptor>>();
  readonly introduced = new Map<ComponentType | InstanceType, Introduced>();
  /** Resources `(sub resource)` has made that no import or export has claimed yet. */
  readonly unclaimed = new Set<ResourceType>();
  /** A type an inline instance exports by name (a named copy) to the type it exports. */
  readonly inlineExported = new Map<ValType, ValType>();
}

/** Whether a type-space entry is a value type (a `defvaltype`), as `valtype` references require. */
export function isValType(t: TypeEntry): t is ValType {
  return t.kind !== 'func' && t.kind !== 'component' && t.kind !== 'instance' && t.kind !== 'resource';
}

/**
 * How deeply scopes may nest (components in components, instance types in component types):
 * reading one recurses, and this keeps the reader far from the stack's limit.
 */
export const MAX_SCOPE_DEPTH = 100;

export class Scope {
  readonly kind: ScopeKind;
  readonly parent: Scope | null;
  /** 0 for the outermost component, one more for each enclosing scope. */
  readonly depth: number;
  /** What validation knows of each value type (one cache for the whole parse). */
  readonly facts: TypeFactsCache;
  private readonly shared: Shared;
  readonly coreFuncs: (CoreFuncText | undefined)[] = [];
  readonly coreTables: string[] = [];
  readonly coreMemories: string[] = [];
  readonly coreGlobals: string[] = [];
  readonly coreTags: string[] = [];
  readonly coreTypes: CoreTypeEntry[] = [];
  readonly coreModules: CoreModuleType[] = [];
  readonly coreInstances: CoreInstanceEntry[] = [];
  readonly funcs: FuncType[] = [];
  readonly values: ValType[] = [];
  readonly types: TypeEntry[] = [];
  readonly components: ComponentType[] = [];
  readonly instances: InstanceType[] = [];

  /** Throws `ERR_LIMIT` at `offset` when the new scope would nest deeper than `MAX_SCOPE_DEPTH`. */
  constructor(kind: ScopeKind, parent: Scope | null, offset = 0) {
    this.kind = kind;
    this.parent = parent;
    this.depth = parent === null ? 0 : parent.depth + 1;
    this.shared = parent === null ? new Shared() : parent.shared;
    this.facts = this.shared.facts;
    if (this.depth > MAX_SCOPE_DEPTH) {
      throw new WasmParseError('ERR_LIMIT', `components and types nest more than ${MAX_SCOPE_DEPTH} deep`, offset);
    }
  }

  /** The export of instance type `t` named `name`: a map lookup, so aliasing every export of a big instance stays linear. */
  exportOf(t: InstanceType, name: string): ExternDescriptor | undefined {
    let map = this.shared.exportMaps.get(t);
    if (map === undefined) {
      map = new Map(t.exports.map((e) => [e.name, e]));
      this.shared.exportMaps.set(t, map);
    }
    return map.get(name);
  }

  /**
   * Notes that an inline instance `(instance (export "p" (type $p)))` exports `original` as
   * `copy` (the named type): unlike an import's or a component's export, an inline instance's
   * type export is the type itself, so its functions may use either (wasm-tools agrees).
   */
  noteInlineExport(copy: ValType, original: ValType): void {
    if (copy !== original) this.shared.inlineExported.set(copy, original);
  }

  /** The type an inline instance's type export `copy` stands for, if it is one. */
  inlineExportOf(copy: ValType): ValType | undefined {
    return this.shared.inlineExported.get(copy);
  }

  /** The resources `t` introduces itself (none for a type not read in this parse). */
  introducedBy(t: ComponentType | InstanceType): Introduced {
    return this.shared.introduced.get(t) ?? NONE_INTRODUCED;
  }

  setIntroduced(t: ComponentType | InstanceType, introduced: Introduced): void {
    if (introduced.imports.length > 0 || introduced.exports.length > 0) this.shared.introduced.set(t, introduced);
  }

  /** Notes a resource `(sub resource)` has just made, for the import or export that reads it to claim. */
  markFresh(r: ResourceType): void {
    this.shared.unclaimed.add(r);
  }

  /** Whether `r` was made by `(sub resource)` and not yet claimed; claims it. */
  claimFresh(r: ResourceType): boolean {
    return this.shared.unclaimed.delete(r);
  }

  /** Whether `r` was made by `(sub resource)` and not yet claimed (an ascribed export type's). */
  isFresh(r: ResourceType): boolean {
    return this.shared.unclaimed.has(r);
  }

  /** The scope `count` levels out (0 is this one), for `alias outer`; throws `ERR_BAD_INDEX` past the outermost. */
  outer(count: number, offset: number): Scope {
    let scope: Scope = this;
    for (let i = 0; i < count; i++) {
      if (scope.parent === null) {
        throw new WasmParseError(
          'ERR_BAD_INDEX',
          `outer alias count ${count} reaches past the outermost scope (only ${i} enclosing scopes)`,
          offset,
        );
      }
      scope = scope.parent;
    }
    return scope;
  }

  /** The size of `sort`'s index space. */
  size(sort: Sort): number {
    return this.space(sort).length;
  }

  /** Entry `index` of `sort`'s space; `ERR_BAD_INDEX` naming the space and its size when out of range. */
  get<T>(space: readonly T[], index: number, name: string, offset: number): T {
    const entry = space[index];
    if (entry === undefined) throw badIndex(name, index, space.length, offset);
    return entry;
  }

  space(sort: Sort): readonly unknown[] {
    if (sort.kind === 'core') return this.coreSpace(sort.sort);
    switch (sort.kind) {
      case 'func':
        return this.funcs;
      case 'value':
        return this.values;
      case 'type':
        return this.types;
      case 'component':
        return this.components;
      case 'instance':
        return this.instances;
    }
  }

  coreSpace(sort: CoreSort): readonly unknown[] {
    switch (sort) {
      case 'func':
        return this.coreFuncs;
      case 'table':
        return this.coreTables;
      case 'memory':
        return this.coreMemories;
      case 'global':
        return this.coreGlobals;
      case 'tag':
        return this.coreTags;
      case 'type':
        return this.coreTypes;
      case 'module':
        return this.coreModules;
      case 'instance':
        return this.coreInstances;
    }
  }

  /** Checks that `index` is in `sort`'s space. */
  check(sort: Sort, index: number, offset: number): void {
    const space = this.space(sort);
    if (index >= space.length) throw badIndex(sortName(sort), index, space.length, offset);
  }
}

const NONE_INTRODUCED: Introduced = { imports: [], exports: [] };

/** `core func`, `type`, `instance`... as the text format says them. */
export function sortName(sort: Sort): string {
  return sort.kind === 'core' ? `core ${sort.sort}` : sort.kind;
}

export function badIndex(space: string, index: number, size: number, offset: number): WasmParseError {
  const range =
    size === 0 ? `the ${space} index space is empty` : `the ${space} index space has ${size} (0-${size - 1})`;
  return new WasmParseError(
    'ERR_BAD_INDEX',
    `${space} index ${index} is out of range: ${range} at this point; define it before use`,
    offset,
  );
}
