/**
 * Whether an item may stand where a type is expected (design/mvp/Explainer.md
 * "Subtyping", as wasm-tools' validator checks it): an instantiation argument for a
 * component's import, an export for the type it is ascribed.
 * - Value types must be equal (structurally, names aside; resources by identity), and
 *   functions equal in parameters (names and types) and result.
 * - Instance types and core module types may have more exports than asked for; a core
 *   module may import less than the type allows, each import it has allowed by the type's.
 * - Component types: the expected imports must satisfy the actual component's imports
 *   (contravariance), and the actual exports, its imported resources bound to the expected
 *   ones, the expected exports (covariance).
 * - Resources match by identity, except that a resource the expected side introduces itself
 *   (an import's `(sub resource)` when instantiating, an ascribed or declared type's own
 *   `(sub resource)` exports) is bound to whatever the actual side has in its place; every
 *   later mention of it must then be that resource.
 */
import { WasmParseError } from '../../errors.js';
import type {
  ComponentType,
  CoreExternDescriptor,
  CoreModuleType,
  ExternDescriptor,
  ExternType,
  FuncType,
  InstanceType,
  ResourceType,
  ValType,
} from '../types.js';
import type { Scope } from './scope.js';

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

type Renaming = Map<ResourceType, ResourceType>;

/** `func`, `instance`, `component`, or `value` for any value type. */
function typeKind(t: { readonly kind: string }): string {
  return t.kind === 'func' || t.kind === 'instance' || t.kind === 'component' ? t.kind : 'value';
}

/**
 * One matching of an actual item against an expected type. `expected` renames the expected
 * side's resources (the bindings made so far), `actual` the actual side's (when a component
 * type's imports are compared, the sides swap, and the outer bindings go with them);
 * `bindable` are the expected side's resources that may still be bound.
 */
class Matcher {
  private readonly equal = new Map<ValType, Set<ValType>>();

  constructor(
    private readonly scope: Scope,
    readonly expected: Renaming,
    private readonly actual: Renaming,
    private readonly bindable: ReadonlySet<ResourceType>,
  ) {}

  /** Null when `a` may stand for `e`, else what differs, in words. */
  extern(a: ExternType, e: ExternType): string | null {
    if (a.kind !== e.kind) return `it is ${article(a.kind)}, expected ${article(e.kind)}`;
    switch (e.kind) {
      case 'func':
        return this.func(a as FuncType, e);
      case 'instance':
        return this.instance(a as InstanceType, e);
      case 'component':
        return this.component(a as ComponentType, e);
      case 'module':
        return moduleMatches(a as CoreModuleType, e);
      case 'value':
        return this.val((a as typeof e).type, e.type) ? null : 'the value types differ';
      case 'type': {
        const at = (a as typeof e).type;
        const et = e.type;
        if (et.kind === 'resource') {
          if (at.kind !== 'resource') return `it is a ${at.kind} type, expected a resource`;
          if (!this.expected.has(et) && this.bindable.has(et)) {
            this.expected.set(et, this.actual.get(at) ?? at);
            return null;
          }
          return this.resource(at, et) ? null : 'it is a different resource type';
        }
        if (at.kind === 'resource') return `it is a resource, expected a ${et.kind} type`;
        const aDef = at.kind === 'func' || at.kind === 'instance' || at.kind === 'component';
        const eDef = et.kind === 'func' || et.kind === 'instance' || et.kind === 'component';
        if (aDef || eDef) {
          if (at.kind !== et.kind) return `it is a ${typeKind(at)} type, expected a ${typeKind(et)} type`;
          // Function, instance and component types match as the items of those types do.
          return this.extern(at as ExternType, et as ExternType);
        }
        return this.val(at, et) ? null : 'the types differ';
      }
    }
  }

  private resource(a: ResourceType, e: ResourceType): boolean {
    return (this.actual.get(a) ?? a) === (this.expected.get(e) ?? e);
  }

  private func(a: FuncType, e: FuncType): string | null {
    if (a.isAsync !== e.isAsync)
      return a.isAsync ? 'it is async, expected a sync function' : 'it is sync, expected an async function';
    if (a.params.length !== e.params.length)
      return `it takes ${a.params.length} parameters, expected ${e.params.length}`;
    for (let i = 0; i < e.params.length; i++) {
      const pa = a.params[i]!;
      const pe = e.params[i]!;
      if (pa.name !== pe.name) return `parameter ${i + 1} is named "${pa.name}", expected "${pe.name}"`;
      if (!this.val(pa.type, pe.type)) return `parameter "${pe.name}" has a different type`;
    }
    if ((a.result === undefined) !== (e.result === undefined))
      return a.result === undefined ? 'it returns nothing, expected a result' : 'it returns a result, expected none';
    if (a.result !== undefined && e.result !== undefined && !this.val(a.result, e.result))
      return 'the result types differ';
    return null;
  }

  private instance(a: InstanceType, e: InstanceType): string | null {
    for (const want of e.exports) {
      const got = this.scope.exportOf(a, want.name);
      if (got === undefined) return `it has no export "${want.name}"`;
      const problem = this.extern(got.type, want.type);
      if (problem !== null) return `export "${want.name}": ${problem}`;
    }
    return null;
  }

  /**
   * Someone holding `a` where `e` is expected gives it `e`'s imports and uses its exports as
   * `e`'s. So each import of `a` must be met by `e`'s import of that name (`a`'s own
   * resources bound to `e`'s), then each export of `e` by `a`'s, `e`'s own resources bound to
   * `a`'s.
   */
  private component(a: ComponentType, e: ComponentType): string | null {
    const imports = new Matcher(
      this.scope,
      new Map(this.actual),
      new Map(this.expected),
      new Set(this.scope.introducedBy(a).imports),
    );
    const given = byName(e.imports);
    for (const need of a.imports) {
      const got = given.get(need.name);
      if (got === undefined) return `it imports "${need.name}", which the expected type does not give`;
      const problem = imports.extern(got.type, need.type);
      if (problem !== null) return `import "${need.name}": ${problem}`;
    }
    const exports = new Matcher(
      this.scope,
      new Map(this.expected),
      imports.expected,
      new Set(this.scope.introducedBy(e).exports),
    );
    const has = byName(a.exports);
    for (const want of e.exports) {
      const got = has.get(want.name);
      if (got === undefined) return `it has no export "${want.name}"`;
      const problem = exports.extern(got.type, want.type);
      if (problem !== null) return `export "${want.name}": ${problem}`;
    }
    return null;
  }

  private opt(a: ValType | undefined, e: ValType | undefined): boolean {
    if (a === undefined || e === undefined) return a === e;
    return this.val(a, e);
  }

  /** Structural equality of value types, memoized per pair (types are DAGs that may share members). */
  val(a: ValType, e: ValType): boolean {
    if (a === e && !this.scope.facts.of(a).hasHandle) return true;
    if (a.kind !== e.kind) return false;
    const seen = this.equal.get(a);
    if (seen?.has(e)) return true;
    const same = this.members(a, e);
    if (same) {
      if (seen === undefined) this.equal.set(a, new Set([e]));
      else seen.add(e);
    }
    return same;
  }

  private members(a: ValType, e: ValType): boolean {
    switch (e.kind) {
      case 'record': {
        const x = a as typeof e;
        return (
          x.fields.length === e.fields.length &&
          e.fields.every((f, i) => f.name === x.fields[i]!.name && this.val(x.fields[i]!.type, f.type))
        );
      }
      case 'variant': {
        const x = a as typeof e;
        return (
          x.cases.length === e.cases.length &&
          e.cases.every((c, i) => c.name === x.cases[i]!.name && this.opt(x.cases[i]!.type, c.type))
        );
      }
      case 'tuple': {
        const x = a as typeof e;
        return x.types.length === e.types.length && e.types.every((t, i) => this.val(x.types[i]!, t));
      }
      case 'flags':
      case 'enum': {
        const x = a as typeof e;
        return x.names.length === e.names.length && e.names.every((n, i) => n === x.names[i]);
      }
      case 'list': {
        const x = a as typeof e;
        return x.length === e.length && this.val(x.element, e.element);
      }
      case 'option':
        return this.val((a as typeof e).type, e.type);
      case 'result': {
        const x = a as typeof e;
        return this.opt(x.ok, e.ok) && this.opt(x.err, e.err);
      }
      case 'map': {
        const x = a as typeof e;
        return this.val(x.key, e.key) && this.val(x.value, e.value);
      }
      case 'stream':
      case 'future':
        return this.opt((a as typeof e).element, e.element);
      case 'own':
      case 'borrow':
        return this.resource((a as typeof e).resource, e.resource);
      default:
        // Primitives: the kinds are equal.
        return true;
    }
  }
}

function byName(list: readonly ExternDescriptor[]): Map<string, ExternDescriptor> {
  return new Map(list.map((x) => [x.name, x]));
}

/** A core module type's imports keyed by module and name. */
function coreKey(x: CoreExternDescriptor): string {
  return `${x.module ?? ''}\u0000${x.name}`;
}

/**
 * Core module types (wasm-tools' `module_type`): each import `a` has must be one `e` has, of a
 * type `e`'s import may stand for; each export `e` has, `a` must have, of a type that may
 * stand for `e`'s.
 */
function moduleMatches(a: CoreModuleType, e: CoreModuleType): string | null {
  const allowed = new Map(e.imports.map((x) => [coreKey(x), x]));
  for (const imp of a.imports) {
    const what = `"${imp.module ?? ''}" "${imp.name}"`;
    const given = allowed.get(coreKey(imp));
    if (given === undefined) return `it imports ${what}, which the expected type does not give`;
    const problem = coreExternMatches(given, imp);
    if (problem !== null) return `import ${what}: ${problem}`;
  }
  const has = new Map(a.exports.map((x) => [x.name, x]));
  for (const exp of e.exports) {
    const got = has.get(exp.name);
    if (got === undefined) return `it has no ${exp.kind} export "${exp.name}"`;
    const problem = coreExternMatches(got, exp);
    if (problem !== null) return `export "${exp.name}": ${problem}`;
  }
  return null;
}

/** `(memory i64? MIN MAX? shared?)` and `(table i64? MIN MAX? ELEM)`, as core-types.ts writes them. */
const LIMITS = /^\((memory|table)( i64)? (\d+)(?: (\d+))?(.*)\)$/;

/**
 * Core externs (the core spec's import matching): functions, globals and tags equal, tables and
 * memories alike but for their limits, where `a` may be narrower (a larger minimum, a maximum
 * within `e`'s). A type unknown here (written '') is not checked.
 */
export function coreExternMatches(
  a: Pick<CoreExternDescriptor, 'kind' | 'type'>,
  e: Pick<CoreExternDescriptor, 'kind' | 'type'>,
): string | null {
  if (a.kind !== e.kind) return `it is ${article(a.kind)}, expected ${article(e.kind)}`;
  if (a.type === e.type || a.type === '' || e.type === '') return null;
  if (a.kind === 'memory' || a.kind === 'table') {
    const x = LIMITS.exec(a.type);
    const y = LIMITS.exec(e.type);
    if (x !== null && y !== null && x[2] === y[2] && x[5] === y[5]) {
      const minOk = BigInt(x[3]!) >= BigInt(y[3]!);
      const maxOk = y[4] === undefined || (x[4] !== undefined && BigInt(x[4]) <= BigInt(y[4]));
      if (minOk && maxOk) return null;
    }
  }
  return `it has type ${a.type}, expected ${e.type}`;
}

/** The resources `expected` introduces itself, which an item ascribed that type binds. */
function ownResources(scope: Scope, expected: ExternType): ReadonlySet<ResourceType> {
  if (expected.kind === 'type' && expected.type.kind === 'resource' && scope.isFresh(expected.type))
    return new Set([expected.type]);
  if (expected.kind === 'instance') return new Set(scope.introducedBy(expected).exports);
  return new Set();
}

/**
 * Whether `actual` may be used where `expected` is required (an export's ascribed type):
 * `problem` is null when it may, else what differs, in words; `bindings` maps the resources
 * `expected` introduces to the ones `actual` has in their place.
 */
export function externTypeMatches(
  scope: Scope,
  actual: ExternType,
  expected: ExternType,
): { readonly problem: string | null; readonly bindings: ReadonlyMap<ResourceType, ResourceType> } {
  const matcher = new Matcher(scope, new Map(), new Map(), ownResources(scope, expected));
  return { problem: matcher.extern(actual, expected), bindings: matcher.expected };
}

/**
 * Checks `(instantiate c (with ...)*)`: each import of component `component` (of type `ctype`)
 * needs an argument of that name whose item matches the import's type, with the resources
 * given for earlier type imports substituted. Returns those bindings (each imported resource to
 * the one supplied); throws `ERR_TYPE_MISMATCH` naming the import.
 */
export function checkInstantiateArgs(
  scope: Scope,
  component: number,
  ctype: ComponentType,
  args: readonly { readonly name: string; readonly type: ExternType; readonly at: number }[],
  offset: number,
): ReadonlyMap<ResourceType, ResourceType> {
  const matcher = new Matcher(scope, new Map(), new Map(), new Set(scope.introducedBy(ctype).imports));
  const given = new Map(args.map((a) => [a.name, a]));
  for (const imp of ctype.imports) {
    const arg = given.get(imp.name);
    if (arg === undefined) {
      throw new WasmParseError(
        'ERR_TYPE_MISMATCH',
        `component ${component} imports "${imp.name}" (${article(imp.type.kind)}), but no (with "${imp.name}" ...) argument gives it`,
        offset,
      );
    }
    const problem = matcher.extern(arg.type, imp.type);
    if (problem !== null) {
      throw new WasmParseError(
        'ERR_TYPE_MISMATCH',
        `argument "${imp.name}" for component ${component}: ${problem}`,
        arg.at,
      );
    }
  }
  return matcher.expected;
}
