/**
 * Sorts and aliases (design/mvp/Binary.md "Alias Definitions"), shared by the alias
 * section and the alias declarators of component and instance types: an alias checks
 * what it names and adds that item's type to its sort's index space.
 */
import { WasmParseError } from '../../errors.js';
import type { Reader } from '../../parser/reader.js';
import { hex } from '../../units.js';
import type { ExternType } from '../types.js';
import type { AliasDefinition, CoreSort, Sort } from './ast.js';
import type { Scope, TypeEntry } from './scope.js';
import { badIndex, sortName } from './scope.js';

const CORE_SORTS: readonly (CoreSort | undefined)[] = (() => {
  const out: (CoreSort | undefined)[] = new Array(0x13).fill(undefined);
  out[0x00] = 'func';
  out[0x01] = 'table';
  out[0x02] = 'memory';
  out[0x03] = 'global';
  out[0x04] = 'tag';
  out[0x10] = 'type';
  out[0x11] = 'module';
  out[0x12] = 'instance';
  return out;
})();

const SORTS: readonly (Sort | undefined)[] = [
  undefined,
  { kind: 'func' },
  { kind: 'value' },
  { kind: 'type' },
  { kind: 'component' },
  { kind: 'instance' },
];

/** `core:sort`. */
export function readCoreSort(r: Reader): CoreSort {
  const offset = r.offset;
  const b = r.readU8('a core sort');
  const sort = CORE_SORTS[b];
  if (sort === undefined) {
    r.fail(
      'ERR_BAD_VALUE',
      `unknown core sort 0x${hex(b)} (expected func 0x00 ... tag 0x04, type 0x10, module 0x11, instance 0x12)`,
      offset,
    );
  }
  return sort;
}

/** `sort`: `0x00 core:sort` or one of the component sorts 0x01-0x05. */
export function readSort(r: Reader): Sort {
  const offset = r.offset;
  const b = r.readU8('a sort');
  if (b === 0x00) return { kind: 'core', sort: readCoreSort(r) };
  const sort = SORTS[b];
  if (sort === undefined) {
    r.fail(
      'ERR_BAD_VALUE',
      `unknown sort 0x${hex(b)} (expected 0x00 core, func 0x01, value 0x02, type 0x03, component 0x04, instance 0x05)`,
      offset,
    );
  }
  return sort;
}

/** The sort an extern of type `t` has, as a sort value. */
function sortOfType(t: ExternType): Sort {
  return t.kind === 'module' ? { kind: 'core', sort: 'module' } : { kind: t.kind };
}

function sameSort(a: Sort, b: Sort): boolean {
  return a.kind === b.kind && (a.kind !== 'core' || (b.kind === 'core' && a.sort === b.sort));
}

/** Adds an item of extern type `t` to its sort's space in `scope`. */
export function pushExtern(scope: Scope, t: ExternType): void {
  switch (t.kind) {
    case 'func':
      scope.funcs.push(t);
      break;
    case 'value':
      scope.values.push(t.type);
      break;
    case 'type':
      scope.types.push(t.type);
      break;
    case 'component':
      scope.components.push(t);
      break;
    case 'instance':
      scope.instances.push(t);
      break;
    case 'module':
      scope.coreModules.push(t);
      break;
  }
}

/** Sorts an outer alias may name (Binary.md: `outeraliassort`). */
function isOuterSort(sort: Sort): boolean {
  return (
    sort.kind === 'type' ||
    sort.kind === 'component' ||
    (sort.kind === 'core' && (sort.sort === 'type' || sort.sort === 'module'))
  );
}

/**
 * One `alias`, read and checked against `scope`, its item added to `scope`. In a type's
 * declarators (`inType`) export aliases name only instances and types, and outer aliases
 * only core types and types.
 */
export function readAlias(r: Reader, scope: Scope, inType: boolean): AliasDefinition {
  const offset = r.offset;
  const sort = readSort(r);
  const at = r.offset;
  const tag = r.readU8('an alias kind');
  switch (tag) {
    case 0x00: {
      const instanceAt = r.offset;
      const instance = r.readU32('an instance index');
      const nameAt = r.offset;
      const name = r.readName('an export name');
      if (inType && sort.kind !== 'instance' && sort.kind !== 'type') {
        r.fail(
          'ERR_INVALID',
          `an export alias in a type may name only an instance or a type, not a ${sortName(sort)}`,
          at,
        );
      }
      const inst = scope.instances[instance];
      if (inst === undefined) throw badIndex('instance', instance, scope.instances.length, instanceAt);
      const found = scope.exportOf(inst, name);
      if (found === undefined) {
        const names = inst.exports.map((e) => e.name).join(', ');
        throw new WasmParseError(
          'ERR_BAD_INDEX',
          `instance ${instance} has no export "${name}" (exports: ${names || 'none'})`,
          nameAt,
        );
      }
      const actual = sortOfType(found.type);
      if (!sameSort(actual, sort)) {
        throw new WasmParseError(
          'ERR_TYPE_MISMATCH',
          `export "${name}" of instance ${instance} is a ${sortName(actual)}, but the alias says ${sortName(sort)}`,
          nameAt,
        );
      }
      pushExtern(scope, found.type);
      return { kind: 'alias', offset, sort, target: { kind: 'export', instance, name } };
    }
    case 0x01: {
      const instanceAt = r.offset;
      const instance = r.readU32('a core instance index');
      const nameAt = r.offset;
      const name = r.readName('a core export name');
      if (inType) r.fail('ERR_INVALID', 'a type cannot alias a core instance export', at);
      if (sort.kind !== 'core') {
        r.fail('ERR_TYPE_MISMATCH', `a core export alias must have a core sort, not ${sortName(sort)}`, at);
      }
      const inst = scope.coreInstances[instance];
      if (inst === undefined) throw badIndex('core instance', instance, scope.coreInstances.length, instanceAt);
      const found = inst.get(name);
      if (found === undefined) {
        const names = [...inst.keys()].join(', ');
        throw new WasmParseError(
          'ERR_BAD_INDEX',
          `core instance ${instance} has no export "${name}" (exports: ${names || 'none'})`,
          nameAt,
        );
      }
      if (found.kind !== sort.sort) {
        throw new WasmParseError(
          'ERR_TYPE_MISMATCH',
          `export "${name}" of core instance ${instance} is a ${found.kind}, but the alias says core ${sort.sort}`,
          nameAt,
        );
      }
      pushCoreExtern(scope, found.kind, found.type);
      return { kind: 'alias', offset, sort, target: { kind: 'core-export', instance, name } };
    }
    case 0x02: {
      const count = r.readU32('an outer alias count');
      const indexAt = r.offset;
      const index = r.readU32('an outer alias index');
      const allowed = inType
        ? sort.kind === 'type' || (sort.kind === 'core' && sort.sort === 'type')
        : isOuterSort(sort);
      if (!allowed) r.fail('ERR_INVALID', `an outer alias cannot name a ${sortName(sort)}`, at);
      const target = scope.outer(count, at);
      const space = target.space(sort);
      const item = space[index];
      if (item === undefined) throw badIndex(sortName(sort), index, space.length, indexAt);
      if (sort.kind === 'type' && crossesComponent(scope, count) && refersToResource(item as TypeEntry, scope)) {
        r.fail(
          'ERR_INVALID',
          `outer alias of type ${index}: a type that refers to a resource cannot be aliased out of its component (import or export the resource instead)`,
          at,
        );
      }
      pushOuter(scope, sort, item);
      return { kind: 'alias', offset, sort, target: { kind: 'outer', count, index } };
    }
    default:
      return r.fail(
        'ERR_BAD_VALUE',
        `unknown alias kind 0x${hex(tag)} (expected export 0x00, core export 0x01, outer 0x02)`,
        at,
      );
  }
}

/** Whether an outer alias `count` scopes out leaves a component (not only component and instance types). */
function crossesComponent(scope: Scope, count: number): boolean {
  let s: Scope | null = scope;
  for (let i = 0; i < count && s !== null; i++, s = s.parent) if (s.kind === 'component') return true;
  return false;
}

/** Whether type-space entry `t` refers to a resource type anywhere. */
function refersToResource(t: TypeEntry, scope: Scope): boolean {
  switch (t.kind) {
    case 'resource':
      return true;
    case 'func':
      return (
        t.params.some((p) => scope.facts.of(p.type).hasHandle) ||
        (t.result !== undefined && scope.facts.of(t.result).hasHandle)
      );
    case 'instance':
      return t.exports.some((e) => externRefersToResource(e.type, scope));
    case 'component':
      return [...t.imports, ...t.exports].some((e) => externRefersToResource(e.type, scope));
    default:
      return scope.facts.of(t).hasHandle;
  }
}

function externRefersToResource(t: ExternType, scope: Scope): boolean {
  switch (t.kind) {
    case 'module':
      return false;
    case 'type':
    case 'value':
      return refersToResource(t.type, scope);
    default:
      return refersToResource(t, scope);
  }
}

/** Adds a core item of `kind` (its type as text, undefined when unknown) to `scope`. */
export function pushCoreExtern(scope: Scope, kind: CoreSort, type: string | undefined): void {
  switch (kind) {
    case 'func':
      scope.coreFuncs.push(type);
      break;
    case 'table':
      scope.coreTables.push(type ?? '(table)');
      break;
    case 'memory':
      scope.coreMemories.push(type ?? '(memory)');
      break;
    case 'global':
      scope.coreGlobals.push(type ?? '(global)');
      break;
    case 'tag':
      scope.coreTags.push(type ?? '(tag)');
      break;
    default:
      // Core modules never export types, modules or instances (no such core extern kinds exist).
      break;
  }
}

/** Adds an item taken from an outer scope's space of `sort` (only the outer-alias sorts reach here). */
function pushOuter(scope: Scope, sort: Sort, item: unknown): void {
  // The spaces are typed per sort; `item` came from the same sort's space of the outer scope.
  const space = scope.space(sort) as unknown[];
  space.push(item);
}
