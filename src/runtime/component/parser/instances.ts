/**
 * Instance definitions (design/mvp/Binary.md "Instance Definitions"): core instances
 * (instantiating a nested module, its imports checked against the `with` instances, or
 * bundling core items) and component instances (instantiating a nested component, its
 * imports checked against the arguments, or bundling items), each typed by its exports.
 */
import { WasmParseError } from '../../errors.js';
import type { Reader } from '../../parser/reader.js';
import { hex } from '../../units.js';
import type {
  ComponentType,
  CoreExternDescriptor,
  CoreModuleType,
  ExternDescriptor,
  ExternType,
  InstanceType,
} from '../types.js';
import { readCoreSort, readSort } from './alias.js';
import type { CoreInstanceDefinition, InstanceDefinition, Sort, SortIndex } from './ast.js';
import { checkInstantiateArgs, coreExternMatches } from './matching.js';
import { UniqueNames } from './names.js';
import { named } from './naming.js';
import type { Scope } from './scope.js';
import { badIndex } from './scope.js';
import { instantiatedExports } from './type-mapping.js';
import { readExternName } from './type-section.js';

const MAX_ITEMS = 1_000_000;

/** One core instance definition (section 2), checked and added to `scope`. */
export function readCoreInstance(r: Reader, scope: Scope): CoreInstanceDefinition {
  const offset = r.offset;
  const tag = r.readU8('a core instance expression');
  let definition: CoreInstanceDefinition;
  const exports = new Map<string, CoreExternDescriptor>();
  if (tag === 0x00) {
    const moduleAt = r.offset;
    const module = r.readU32('a core module index');
    const type = scope.coreModules[module];
    if (type === undefined) throw badIndex('core module', module, scope.coreModules.length, moduleAt);
    const args: { name: string; instance: number }[] = [];
    const argAt = new Map<string, number>();
    const n = r.readCount('instantiation arguments', MAX_ITEMS, 3);
    for (let i = 0; i < n; i++) {
      const at = r.offset;
      const name = r.readName('an argument name');
      const sortAt = r.offset;
      if (r.readU8('an argument sort') !== 0x12) {
        r.fail('ERR_INVALID', `core instantiation argument "${name}" must be a core instance (0x12)`, sortAt);
      }
      const instanceAt = r.offset;
      const instance = r.readU32('a core instance index');
      if (instance >= scope.coreInstances.length) {
        throw badIndex('core instance', instance, scope.coreInstances.length, instanceAt);
      }
      if (argAt.has(name)) r.fail('ERR_DUPLICATE_NAME', `core instantiation argument "${name}" is given twice`, at);
      argAt.set(name, at);
      args.push({ name, instance });
    }
    checkCoreInstantiate(scope, module, type, args, offset);
    for (const e of type.exports) exports.set(e.name, e);
    definition = { kind: 'core-instance', offset, expr: { kind: 'instantiate', module, args } };
  } else if (tag === 0x01) {
    const items: { name: string; item: { sort: ReturnType<typeof readCoreSort>; index: number } }[] = [];
    const n = r.readCount('inline exports', MAX_ITEMS, 3);
    for (let i = 0; i < n; i++) {
      const at = r.offset;
      const name = r.readName('an export name');
      const sortAt = r.offset;
      const sort = readCoreSort(r);
      const indexAt = r.offset;
      const index = r.readU32('an index');
      if (sort === 'type' || sort === 'module' || sort === 'instance') {
        throw new WasmParseError(
          'ERR_INVALID',
          `a core instance can export only functions, tables, memories, globals and tags, not a core ${sort}`,
          sortAt,
        );
      }
      const space = scope.coreSpace(sort) as readonly (string | undefined)[];
      if (index >= space.length) throw badIndex(`core ${sort}`, index, space.length, indexAt);
      if (exports.has(name)) r.fail('ERR_DUPLICATE_NAME', `core instance export "${name}" is given twice`, at);
      const type = space[index];
      exports.set(name, type === undefined ? { name, kind: sort, type: '' } : { name, kind: sort, type });
      items.push({ name, item: { sort, index } });
    }
    definition = { kind: 'core-instance', offset, expr: { kind: 'exports', exports: items } };
  } else {
    throw new WasmParseError(
      'ERR_BAD_VALUE',
      `unknown core instance expression 0x${hex(tag)} (expected 0x00 instantiate, 0x01 exports)`,
      offset,
    );
  }
  scope.coreInstances.push(exports);
  return definition;
}

/** Each import of the module must be met by an export of the `with` instance of its module name, of its kind and type. */
function checkCoreInstantiate(
  scope: Scope,
  module: number,
  type: CoreModuleType,
  args: readonly { readonly name: string; readonly instance: number }[],
  offset: number,
): void {
  const byName = new Map(args.map((a) => [a.name, a]));
  for (const imp of type.imports) {
    const arg = imp.module === undefined ? undefined : byName.get(imp.module);
    const found = arg === undefined ? undefined : scope.coreInstances[arg.instance]?.get(imp.name);
    // As the core spec matches imports: functions and globals equal, tables and memories by limits;
    // a type unknown here (from an async built-in) is not checked.
    if (found !== undefined && coreExternMatches(found, imp) === null) continue;
    // The cold path: say which import is not met, and how.
    const what = `core module ${module} imports "${imp.module}" "${imp.name}" (${imp.kind})`;
    let detail: string;
    if (arg === undefined) detail = `, but no (with "${imp.module}" (instance ...)) argument is given`;
    else if (found === undefined) detail = `, but core instance ${arg.instance} exports no "${imp.name}"`;
    else if (found.kind !== imp.kind) detail = `, but core instance ${arg.instance} gives a ${found.kind}`;
    else detail = ` of type ${imp.type}, but core instance ${arg.instance} gives ${found.type}`;
    throw new WasmParseError('ERR_TYPE_MISMATCH', `${what}${detail}`, offset);
  }
}

/** `sortidx`, its index checked in range; `at` is the index's offset. */
export function readSortIndex(r: Reader, scope: Scope): SortIndex & { readonly at: number } {
  const sort = readSort(r);
  const at = r.offset;
  const index = r.readU32('an index');
  scope.check(sort, index, at);
  return { sort, index, at };
}

/** The extern type of the item at `sort` `index` (checked in range), as an export or argument has it. */
export function externTypeOf(scope: Scope, sort: Sort, index: number, at: number): ExternType {
  const s = scope;
  if (sort.kind === 'core') {
    if (sort.sort !== 'module') {
      throw new WasmParseError(
        'ERR_TYPE_MISMATCH',
        `a core ${sort.sort} cannot be exported or passed to a component: only core modules`,
        at,
      );
    }
    return s.get(s.coreModules, index, 'core module', at);
  }
  switch (sort.kind) {
    case 'func':
      return s.get(s.funcs, index, 'func', at);
    case 'value':
      return { kind: 'value', type: s.get(s.values, index, 'value', at) };
    case 'component':
      return s.get(s.components, index, 'component', at);
    case 'instance':
      return s.get(s.instances, index, 'instance', at);
    case 'type':
      // Any type, a function, instance or component type too, as an (eq i) type import may name one.
      return { kind: 'type', type: s.get(s.types, index, 'type', at) };
  }
}

/** One instance definition (section 5), checked and added to `scope`. */
export function readInstance(r: Reader, scope: Scope): InstanceDefinition {
  const offset = r.offset;
  const tag = r.readU8('an instance expression');
  let definition: InstanceDefinition;
  let type: InstanceType;
  if (tag === 0x00) {
    const componentAt = r.offset;
    const component = r.readU32('a component index');
    const ctype: ComponentType = scope.get(scope.components, component, 'component', componentAt);
    const args: { name: string; item: SortIndex; type: ExternType; at: number }[] = [];
    const names = new Set<string>();
    const n = r.readCount('instantiation arguments', MAX_ITEMS, 3);
    for (let i = 0; i < n; i++) {
      const at = r.offset;
      const name = r.readName('an argument name');
      const { sort, index, at: indexAt } = readSortIndex(r, scope);
      if (names.has(name)) r.fail('ERR_DUPLICATE_NAME', `instantiation argument "${name}" is given twice`, at);
      names.add(name);
      args.push({ name, item: { sort, index }, type: externTypeOf(scope, sort, index, indexAt), at });
    }
    const bindings = checkInstantiateArgs(scope, component, ctype, args, offset);
    type = { kind: 'instance', exports: instantiatedExports(ctype, bindings) };
    definition = {
      kind: 'instance',
      offset,
      expr: { kind: 'instantiate', component, args: args.map((a) => ({ name: a.name, item: a.item })), type },
    };
  } else if (tag === 0x01) {
    const exports: ExternDescriptor[] = [];
    const items: { name: string; item: SortIndex }[] = [];
    const names = new UniqueNames();
    const n = r.readCount('inline exports', MAX_ITEMS, 3);
    for (let i = 0; i < n; i++) {
      const at = r.offset;
      const name = readExternName(r, 'export');
      const { sort, index, at: indexAt } = readSortIndex(r, scope);
      const earlier = names.add(name);
      if (earlier !== null) {
        r.fail(
          'ERR_DUPLICATE_NAME',
          `instance export "${name}" clashes with "${earlier}": export names must be unique`,
          at,
        );
      }
      const itemType = externTypeOf(scope, sort, index, indexAt);
      // A type exported by name is that named type, as in an instance type's `(export "point" (type (eq i)))`.
      let type = itemType;
      if (itemType.kind === 'type') {
        const copy = named(itemType.type, name);
        if (copy.kind !== 'func' && copy.kind !== 'instance' && copy.kind !== 'component' && copy.kind !== 'resource')
          scope.noteInlineExport(copy, itemType.type as typeof copy);
        type = { kind: 'type', type: copy };
      }
      exports.push({ name, type });
      items.push({ name, item: { sort, index } });
    }
    type = { kind: 'instance', exports };
    definition = { kind: 'instance', offset, expr: { kind: 'exports', exports: items } };
  } else {
    throw new WasmParseError(
      'ERR_BAD_VALUE',
      `unknown instance expression 0x${hex(tag)} (expected 0x00 instantiate, 0x01 exports)`,
      offset,
    );
  }
  scope.instances.push(type);
  return definition;
}
