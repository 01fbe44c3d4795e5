/**
 * Instantiation: one walk over a component's definitions, in order, keeping every index
 * space (design/mvp/Explainer.md "Index Spaces"): core modules are instantiated with
 * `new WebAssembly.Instance`, their arguments taken from earlier core instances; aliases
 * copy items between spaces; `canon lift` wraps a core function as a component function
 * over JS values, `canon lower` a component function (the host's, or another component
 * instance's) as a core function; nested components are instantiated with their `with`
 * arguments as their imports. Each component instance has its own `ComponentState`
 * (its handle tables and its may-enter/may-leave flags) and its own resource types: a
 * resource a component defines is a new `ResourceType` each time the component is
 * instantiated (Explainer.md "Resource types": generative), and every type the instance
 * uses is rewritten from the parser's resources to the running instance's (`Walk.resources`),
 * so a handle of one instance's resource is refused where another's is expected.
 */
import { LinkError, OutOfMemoryError, withoutV8Prefix } from '../errors.js';
import { toTrap } from '../trap.js';
import { lowerFunctionOnFirstCall } from './abi/function.js';
import {
  type CanonContext,
  ComponentState,
  liftFunction,
  resourceDrop,
  resourceNew,
  resourceRep,
} from './abi/index.js';
import type { ComponentFunc, CoreInstanceValue, InstanceValue, Item, Spaces } from './items.js';
import { emptySpaces } from './items.js';
import type {
  CanonDefinition,
  CanonOptions,
  ComponentAst,
  CoreModuleDefinition,
  CoreSort,
  CoreSortIndex,
  Definition,
  Sort,
  SortIndex,
} from './parser/ast.js';
import { sortOf, sortOfExtern } from './parser/ast.js';
import { substituteFuncResources } from './parser/type-mapping.js';
import { type ResourceClass, resourceClass } from './resource-class.js';
import type { ExternType, FuncType, ResourceType, ValType } from './types.js';

/** What every component instance of one instantiation shares. */
export interface Linker {
  /** The compiled core modules, by their definition (nested components' too). */
  readonly compiled: ReadonlyMap<CoreModuleDefinition, WebAssembly.Module>;
  /** The JS class of each guest-defined resource met so far (bound in its defining instance's state). */
  readonly classes: Map<ResourceType, ResourceClass>;
}

/** The result of instantiating one component. */
export interface Instantiated {
  readonly exports: ReadonlyMap<string, Item>;
  readonly state: ComponentState;
}

/** Gives the item for import `name` of type `type` (the host's, or a `with` argument). */
export type ImportResolver = (name: string, type: ExternType) => Item;

/**
 * Instantiates `ast`, reading outer aliases from `outer` and imports from `resolve`.
 * @throws LinkError (imports, unsupported features), Trap (a core start function trapped),
 *   CanonicalAbiError, and whatever a host function called during instantiation throws.
 */
export function instantiateAst(
  ast: ComponentAst,
  outer: Spaces | null,
  resolve: ImportResolver,
  linker: Linker,
  path: string,
): Instantiated {
  const spaces = emptySpaces(outer);
  const state = new ComponentState();
  const exports = new Map<string, Item>();
  const labels = funcLabels(ast.definitions, path);
  const resources = new Map<ResourceType, ResourceType>();
  for (const def of ast.definitions) {
    define(def, { spaces, state, exports, linker, resolve, labels, path, resources });
  }
  return { exports, state };
}

interface Walk {
  readonly spaces: Spaces;
  readonly state: ComponentState;
  readonly exports: Map<string, Item>;
  readonly linker: Linker;
  readonly resolve: ImportResolver;
  readonly labels: ReadonlyMap<number, string>;
  readonly path: string;
  /** Each resource of the parser's types to this instance's: its own definitions' and those its imports and nested instances gave. */
  readonly resources: Map<ResourceType, ResourceType>;
}

function define(def: Definition, w: Walk): void {
  const { spaces } = w;
  switch (def.kind) {
    case 'core-module': {
      const module = w.linker.compiled.get(def);
      if (module === undefined) throw new Error('a core module was not compiled');
      spaces.coreModules.push(module);
      return;
    }
    case 'core-instance':
      spaces.coreInstances.push(coreInstance(def.expr, w));
      return;
    case 'core-type':
      spaces.coreTypeCount++;
      return;
    case 'component':
      spaces.components.push({ ast: def.component, outer: spaces });
      return;
    case 'instance': {
      const instance = componentInstance(def.expr, w);
      if (def.expr.kind === 'instantiate') bindResources(w.resources, def.expr.type, { kind: 'instance', instance });
      spaces.instances.push(instance);
      return;
    }
    case 'alias':
      pushItem(spaces, def.sort, aliased(def.sort, def.target, w));
      return;
    case 'type':
      if (def.type.kind === 'resource' && def.type.origin === 'defined') {
        // This instance's own type for the resource: another instance of the component makes another.
        const resource: ResourceType = { ...def.type };
        w.resources.set(def.type, resource);
        spaces.types.push(resource);
        const cls = resourceClass(resource, w.state);
        w.linker.classes.set(resource, cls);
        const destructor = resource.destructor;
        w.state.bindResource(resource, {
          create: () => Object.create(cls.prototype) as object,
          ...(destructor === undefined
            ? {}
            : { destructor: () => spaces.coreFuncs[destructor] as (rep: number) => unknown }),
        });
        return;
      }
      spaces.types.push(def.type as ValType | ResourceType | ExternType);
      return;
    case 'canon':
      canon(def, w);
      return;
    case 'start':
      throw unsupported(`a start function (component value definitions) in ${w.path}`);
    case 'import': {
      const item = w.resolve(def.name, def.type);
      bindResources(w.resources, def.type, item);
      pushItem(spaces, sortOfExtern(def.type), item);
      return;
    }
    case 'export': {
      const item = itemOf(spaces, def.item);
      bindResources(w.resources, def.type, item);
      w.exports.set(def.name, item);
      pushItem(spaces, def.item.sort, item);
      return;
    }
  }
}

function coreInstance(expr: Extract<Definition, { kind: 'core-instance' }>['expr'], w: Walk): CoreInstanceValue {
  const { spaces } = w;
  if (expr.kind === 'exports') {
    const value: Record<string, unknown> = {};
    for (const e of expr.exports) value[e.name] = coreItem(spaces, e.item);
    return Object.freeze(value);
  }
  const module = spaces.coreModules[expr.module] as WebAssembly.Module;
  const imports: Record<string, CoreInstanceValue> = {};
  for (const arg of expr.args) imports[arg.name] = spaces.coreInstances[arg.instance] as CoreInstanceValue;
  try {
    return new WebAssembly.Instance(module, imports as WebAssembly.Imports).exports;
  } catch (error) {
    if (error instanceof WebAssembly.LinkError) {
      throw new LinkError(
        'ERR_LINK',
        `${w.path}: core instance ${spaces.coreInstances.length}: ${withoutV8Prefix(error.message)}`,
        {
          cause: error,
        },
      );
    }
    if (error instanceof RangeError && /out of memory/i.test(error.message)) {
      throw new OutOfMemoryError(`${w.path}: V8 could not allocate a core instance's memory`, { cause: error });
    }
    throw toTrap(error);
  }
}

function componentInstance(expr: Extract<Definition, { kind: 'instance' }>['expr'], w: Walk): InstanceValue {
  const { spaces } = w;
  if (expr.kind === 'exports') {
    const exports = new Map<string, Item>();
    for (const e of expr.exports) exports.set(e.name, itemOf(spaces, e.item));
    return { exports };
  }
  const closure = spaces.components[expr.component];
  if (closure === undefined) throw new Error('component index out of range after validation');
  const args = new Map<string, Item>();
  for (const arg of expr.args) args.set(arg.name, itemOf(spaces, arg.item));
  const path = w.path === '' ? `component ${expr.component}` : `${w.path}/component ${expr.component}`;
  const resolve: ImportResolver = (name, type) => {
    const item = args.get(name);
    if (item !== undefined) return item;
    // A type import the validator let through without an argument (an abstract type with no operations).
    if (type.kind === 'type') return { kind: 'type', type: type.type };
    throw new LinkError('ERR_MISSING_IMPORT', `${path} imports "${name}", which its instantiation does not give`);
  };
  return { exports: instantiateAst(closure.ast, closure.outer, resolve, w.linker, path).exports };
}

function aliased(sort: Sort, target: Extract<Definition, { kind: 'alias' }>['target'], w: Walk): Item | CoreValue {
  switch (target.kind) {
    case 'export': {
      const item = w.spaces.instances[target.instance]?.exports.get(target.name);
      if (item === undefined) throw new Error(`instance ${target.instance} has no export ${target.name}`);
      return item;
    }
    case 'core-export':
      return { kind: 'core', value: w.spaces.coreInstances[target.instance]?.[target.name] };
    case 'outer': {
      let spaces: Spaces | null = w.spaces;
      for (let i = 0; i < target.count && spaces !== null; i++) spaces = spaces.outer;
      if (spaces === null) throw new Error('outer alias beyond the outermost component');
      if (sort.kind === 'core') {
        if (sort.sort === 'type') return { kind: 'core', value: undefined };
        return { kind: 'core', value: coreSpace(spaces, sort.sort)[target.index] };
      }
      return itemOf(spaces, { sort, index: target.index });
    }
  }
}

/** A core value on its way into a core space (an alias of a core export). */
interface CoreValue {
  readonly kind: 'core';
  readonly value: unknown;
}

function coreSpace(spaces: Spaces, sort: CoreSort): unknown[] {
  switch (sort) {
    case 'func':
      return spaces.coreFuncs;
    case 'table':
      return spaces.coreTables;
    case 'memory':
      return spaces.coreMemories;
    case 'global':
      return spaces.coreGlobals;
    case 'tag':
      return spaces.coreTags;
    case 'module':
      return spaces.coreModules;
    case 'instance':
      return spaces.coreInstances;
    case 'type':
      return [];
  }
}

function coreItem(spaces: Spaces, item: CoreSortIndex): unknown {
  return coreSpace(spaces, item.sort)[item.index];
}

function pushItem(spaces: Spaces, sort: Sort, item: Item | CoreValue): void {
  if (sort.kind === 'core') {
    if (sort.sort === 'type') {
      spaces.coreTypeCount++;
      return;
    }
    const value = item.kind === 'core' ? item.value : item.kind === 'module' ? item.module : undefined;
    (coreSpace(spaces, sort.sort) as unknown[]).push(value);
    return;
  }
  switch (item.kind) {
    case 'func':
      spaces.funcs.push(item.func);
      return;
    case 'instance':
      spaces.instances.push(item.instance);
      return;
    case 'type':
      spaces.types.push(item.type);
      return;
    case 'component':
      spaces.components.push(item.component);
      return;
    case 'module':
      spaces.coreModules.push(item.module);
      return;
    case 'core':
      throw new Error('a core value in a component space');
  }
}

function itemOf(spaces: Spaces, ref: SortIndex): Item {
  const { sort, index } = ref;
  switch (sort.kind) {
    case 'core': {
      if (sort.sort !== 'module') throw unsupported(`exporting a core ${sort.sort} from a component`);
      return { kind: 'module', module: spaces.coreModules[index] as WebAssembly.Module };
    }
    case 'func':
      return { kind: 'func', func: spaces.funcs[index] as ComponentFunc };
    case 'instance':
      return { kind: 'instance', instance: spaces.instances[index] as InstanceValue };
    case 'type':
      return { kind: 'type', type: spaces.types[index] as ValType };
    case 'component': {
      const component = spaces.components[index];
      if (component === undefined) throw new Error('component index out of range after validation');
      return { kind: 'component', component };
    }
    case 'value':
      throw unsupported('component values (🪙)');
  }
}

function canon(def: CanonDefinition, w: Walk): void {
  const { spaces } = w;
  switch (def.op) {
    case 'lift': {
      const core = spaces.coreFuncs[def.coreFunc] as (...args: unknown[]) => unknown;
      const label = w.labels.get(spaces.funcs.length) ?? `${w.path} func ${spaces.funcs.length}`;
      checkSupported(def.type, label);
      const type = instanceFuncType(def.type, w);
      const lifted = liftFunction(type, core, canonContext(def.options, w, label), label);
      // liftFunction already turns a core trap into our Trap: no wrapper, no cost per call.
      spaces.funcs.push({ type, label, call: lifted });
      return;
    }
    case 'lower': {
      const callee = spaces.funcs[def.func] as ComponentFunc;
      checkSupported(def.type, callee.label);
      spaces.coreFuncs.push(
        lowerFunctionOnFirstCall(
          instanceFuncType(def.type, w),
          callee.call,
          canonContext(def.options, w, callee.label),
          callee.label,
          {
            transientBytes: callee.transientBytes === true,
          },
        ),
      );
      return;
    }
    case 'resource.new':
    case 'resource.rep':
    case 'resource.drop': {
      const resource = w.resources.get(def.resource) ?? def.resource;
      spaces.coreFuncs.push(
        def.op === 'resource.new'
          ? resourceNew(resource, w.state)
          : def.op === 'resource.rep'
            ? resourceRep(resource, w.state)
            : resourceDrop(resource, w.state),
      );
      return;
    }
    case 'other':
      throw unsupported(`the canonical built-in ${def.name} (async, threads or error-context)`);
  }
}

/** `type` over this instance's resources. */
function instanceFuncType(type: FuncType, w: Walk): FuncType {
  const { resources } = w;
  return resources.size === 0 ? type : substituteFuncResources(type, (r) => resources.get(r) ?? r);
}

/**
 * Records which of this instance's resources each resource of `type` (an import's,
 * an export's or a nested instance's type, as the parser gave it) stands for: the one
 * in `item`, the value that import, export or instantiation has at run time.
 */
function bindResources(resources: Map<ResourceType, ResourceType>, type: ExternType, item: Item | undefined): void {
  if (item === undefined) return;
  if (type.kind === 'type' && type.type.kind === 'resource') {
    if (item.kind === 'type' && item.type !== type.type && item.type.kind === 'resource') {
      resources.set(type.type, item.type);
    }
    return;
  }
  if (type.kind === 'instance' && item.kind === 'instance') {
    for (const e of type.exports) bindResources(resources, e.type, item.instance.exports.get(e.name));
  }
}

function canonContext(options: CanonOptions, w: Walk, label: string): CanonContext {
  if (options.isAsync || options.callback !== undefined) throw unsupported(`async functions (${label})`);
  const { spaces } = w;
  const memory = options.memory === undefined ? undefined : (spaces.coreMemories[options.memory] as WebAssembly.Memory);
  const realloc =
    options.realloc === undefined
      ? undefined
      : (spaces.coreFuncs[options.realloc] as (
          oldPtr: number,
          oldSize: number,
          align: number,
          newSize: number,
        ) => number);
  const postReturn =
    options.postReturn === undefined
      ? undefined
      : (spaces.coreFuncs[options.postReturn] as (...flat: (number | bigint)[]) => unknown);
  return {
    ...(memory === undefined ? {} : { memory: () => memory }),
    ...(realloc === undefined ? {} : { realloc }),
    ...(postReturn === undefined ? {} : { postReturn }),
    stringEncoding: options.stringEncoding,
    state: w.state,
  };
}

/** Async functions, streams and futures are described by the parser but not run yet. */
function checkSupported(type: FuncType, label: string): void {
  if (type.isAsync) throw unsupported(`async functions (${label})`);
  const types = [...type.params.map((p) => p.type), ...(type.result === undefined ? [] : [type.result])];
  if (types.some(hasAsyncValue)) throw unsupported(`streams and futures (${label})`);
}

function hasAsyncValue(t: ValType | undefined): boolean {
  if (t === undefined) return false;
  switch (t.kind) {
    case 'stream':
    case 'future':
      return true;
    case 'error-context':
      return true;
    case 'record':
      return t.fields.some((f) => hasAsyncValue(f.type));
    case 'variant':
      return t.cases.some((c) => hasAsyncValue(c.type));
    case 'list':
    case 'option':
      return hasAsyncValue(t.kind === 'list' ? t.element : t.type);
    case 'tuple':
      return t.types.some(hasAsyncValue);
    case 'result':
      return hasAsyncValue(t.ok) || hasAsyncValue(t.err);
    case 'map':
      return hasAsyncValue(t.key) || hasAsyncValue(t.value);
    default:
      return false;
  }
}

function unsupported(what: string): LinkError {
  return new LinkError('ERR_LINK', `wasmer-ts does not support ${what} yet: the component cannot be instantiated`);
}

/**
 * Names for the component functions a component lifts, from its exports: `greet`, or
 * `wasi:cli/run@0.2.3#run` for a function an exported inline instance holds. Messages
 * of the canonical ABI name a function by these.
 */
function funcLabels(definitions: readonly Definition[], path: string): Map<number, string> {
  const labels = new Map<number, string>();
  const members = new Map<number, readonly { readonly name: string; readonly func: number }[]>();
  let instances = 0;
  for (const def of definitions) {
    if (def.kind === 'instance' && def.expr.kind === 'exports') {
      const funcs = def.expr.exports.filter((e) => e.item.sort.kind === 'func');
      members.set(
        instances,
        funcs.map((e) => ({ name: e.name, func: e.item.index })),
      );
    }
    if (def.kind === 'export' && def.item.sort.kind === 'func' && !labels.has(def.item.index)) {
      labels.set(def.item.index, def.name);
    }
    if (def.kind === 'export' && def.item.sort.kind === 'instance') {
      for (const m of members.get(def.item.index) ?? []) {
        if (!labels.has(m.func)) labels.set(m.func, `${def.name}#${m.name}`);
      }
    }
    if (sortOf(def)?.kind === 'instance') instances++;
  }
  return path === '' ? labels : new Map([...labels].map(([k, v]) => [k, `${path}: ${v}`]));
}
