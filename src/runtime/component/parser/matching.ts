/**
 * Whether an item may stand where a type is expected (design/mvp/Explainer.md
 * "Subtyping"): an instantiation argument for a component's import, an export for the
 * type it is ascribed. Value types must be equal (structurally, names aside; resources
 * by identity), functions equal in parameters and result, instances and modules may have
 * more exports than asked for. A component's imported resource is bound to the resource
 * the argument gives for it, and later imports are compared with that substituted.
 */
import { WasmParseError } from '../../errors.js';
import type {
  ComponentType,
  CoreModuleType,
  ExternType,
  FuncType,
  InstanceType,
  ResourceType,
  ValType,
} from '../types.js';

/** The resources of an expected type bound to the ones actually given. */
type Bindings = Map<ResourceType, ResourceType>;

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/**
 * Null when `actual` may be used where `expected` is required, else what differs, in words.
 * An abstract resource of `expected` not yet bound is bound to the one `actual` has there.
 */
export function externTypeMatches(
  actual: ExternType,
  expected: ExternType,
  bindings: Bindings = new Map(),
): string | null {
  if (actual.kind !== expected.kind) return `it is ${article(actual.kind)}, expected ${article(expected.kind)}`;
  switch (expected.kind) {
    case 'func':
      return funcMatches(actual as FuncType, expected, bindings);
    case 'instance':
      return instanceMatches(actual as InstanceType, expected, bindings);
    case 'component':
      return componentMatches(actual as ComponentType, expected);
    case 'module':
      return moduleMatches(actual as CoreModuleType, expected);
    case 'value':
      return new Equality(bindings).val((actual as typeof expected).type, expected.type)
        ? null
        : 'the value types differ';
    case 'type': {
      const a = (actual as typeof expected).type;
      const e = expected.type;
      if (e.kind === 'resource') {
        if (a.kind !== 'resource') return `it is a ${a.kind} type, expected a resource`;
        const bound = bindings.get(e);
        if (bound === undefined && e.origin === 'abstract') {
          bindings.set(e, a);
          return null;
        }
        return (bound ?? e) === a ? null : 'it is a different resource type';
      }
      if (a.kind === 'resource') return `it is a resource, expected a ${e.kind} type`;
      return new Equality(bindings).val(a, e) ? null : 'the types differ';
    }
  }
}

function funcMatches(a: FuncType, e: FuncType, bindings: Bindings): string | null {
  if (a.isAsync !== e.isAsync)
    return a.isAsync ? 'it is async, expected a sync function' : 'it is sync, expected an async function';
  if (a.params.length !== e.params.length) return `it takes ${a.params.length} parameters, expected ${e.params.length}`;
  const eq = new Equality(bindings);
  for (let i = 0; i < e.params.length; i++) {
    const pa = a.params[i]!;
    const pe = e.params[i]!;
    if (pa.name !== pe.name) return `parameter ${i + 1} is named "${pa.name}", expected "${pe.name}"`;
    if (!eq.val(pa.type, pe.type)) return `parameter "${pe.name}" has a different type`;
  }
  if ((a.result === undefined) !== (e.result === undefined))
    return a.result === undefined ? 'it returns nothing, expected a result' : 'it returns a result, expected none';
  if (a.result !== undefined && e.result !== undefined && !eq.val(a.result, e.result)) return 'the result types differ';
  return null;
}

function instanceMatches(a: InstanceType, e: InstanceType, bindings: Bindings): string | null {
  for (const want of e.exports) {
    const got = a.exports.find((x) => x.name === want.name);
    if (got === undefined) return `it has no export "${want.name}"`;
    const problem = externTypeMatches(got.type, want.type, bindings);
    if (problem !== null) return `export "${want.name}": ${problem}`;
  }
  return null;
}

/** Components: each import the actual one needs must be among the expected imports, each expected export present. */
function componentMatches(a: ComponentType, e: ComponentType): string | null {
  for (const imp of a.imports) {
    if (!e.imports.some((x) => x.name === imp.name && x.type.kind === imp.type.kind))
      return `it imports "${imp.name}", which is not expected`;
  }
  for (const exp of e.exports) {
    if (!a.exports.some((x) => x.name === exp.name && x.type.kind === exp.type.kind))
      return `it has no export "${exp.name}" (${exp.type.kind})`;
  }
  return null;
}

function moduleMatches(a: CoreModuleType, e: CoreModuleType): string | null {
  for (const imp of a.imports) {
    const ok = e.imports.some((x) => x.module === imp.module && x.name === imp.name && x.kind === imp.kind);
    if (!ok) return `it imports "${imp.module ?? ''}" "${imp.name}", which is not expected`;
  }
  for (const exp of e.exports) {
    const got = a.exports.find((x) => x.name === exp.name);
    if (got === undefined || got.kind !== exp.kind) return `it has no ${exp.kind} export "${exp.name}"`;
    if (exp.kind === 'func' && got.type !== exp.type)
      return `export "${exp.name}" has type ${got.type}, expected ${exp.type}`;
  }
  return null;
}

/** Structural equality of value types, memoized per pair (types are DAGs that may share members). */
class Equality {
  private readonly equal = new Map<ValType, Set<ValType>>();
  constructor(private readonly bindings: Bindings) {}

  opt(a: ValType | undefined, e: ValType | undefined): boolean {
    if (a === undefined || e === undefined) return a === e;
    return this.val(a, e);
  }

  val(a: ValType, e: ValType): boolean {
    if (a === e) return true;
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
      case 'borrow': {
        const x = a as typeof e;
        return (this.bindings.get(e.resource) ?? e.resource) === x.resource;
      }
      default:
        // Primitives: the kinds are equal.
        return true;
    }
  }
}

/**
 * Checks `(instantiate c (with ...)*)`: each import of component `component` (of type `ctype`)
 * needs an argument of that name whose item matches the import's type, with the resources
 * given for earlier type imports substituted. Returns those bindings (each imported resource to
 * the one supplied); throws `ERR_TYPE_MISMATCH` naming the import.
 */
export function checkInstantiateArgs(
  component: number,
  ctype: ComponentType,
  args: readonly { readonly name: string; readonly type: ExternType; readonly at: number }[],
  offset: number,
): ReadonlyMap<ResourceType, ResourceType> {
  const bindings: Bindings = new Map();
  for (const imp of ctype.imports) {
    const arg = args.find((a) => a.name === imp.name);
    if (arg === undefined) {
      throw new WasmParseError(
        'ERR_TYPE_MISMATCH',
        `component ${component} imports "${imp.name}" (${article(imp.type.kind)}), but no (with "${imp.name}" ...) argument gives it`,
        offset,
      );
    }
    const problem = externTypeMatches(arg.type, imp.type, bindings);
    if (problem !== null) {
      throw new WasmParseError(
        'ERR_TYPE_MISMATCH',
        `argument "${imp.name}" for component ${component}: ${problem}`,
        arg.at,
      );
    }
  }
  return bindings;
}
