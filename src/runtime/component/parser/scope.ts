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
  /** Each instance type's exports by name, built on first use (one cache for the whole parse). */
  private readonly exportMaps: Map<InstanceType, ReadonlyMap<string, ExternDescriptor>>;
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
    this.facts = parent === null ? new TypeFactsCache() : parent.facts;
    this.exportMaps = parent === null ? new Map() : parent.exportMaps;
    if (this.depth > MAX_SCOPE_DEPTH) {
      throw new WasmParseError('ERR_LIMIT', `components and types nest more than ${MAX_SCOPE_DEPTH} deep`, offset);
    }
  }

  /** The export of instance type `t` named `name`: a map lookup, so aliasing every export of a big instance stays linear. */
  exportOf(t: InstanceType, name: string): ExternDescriptor | undefined {
    let map = this.exportMaps.get(t);
    if (map === undefined) {
      map = new Map(t.exports.map((e) => [e.name, e]));
      this.exportMaps.set(t, map);
    }
    return map.get(name);
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
