/**
 * The imports or the exports of one scope (a component, a component type, an instance
 * type), checked as design/mvp/Binary.md "Import and Export Definitions" requires: names
 * strongly-unique, `[constructor]R`, `[method]R.f` and `[static]R.f` only on functions
 * over a resource `R` that a preceding extern of the same list introduced, no `borrow` in a
 * value, and (in a component or component type) every resource and every record, variant,
 * enum and flags type a type uses named by an earlier import or export.
 */
import { WasmParseError } from '../../errors.js';
import type { ExternDescriptor, ExternType, ResourceType, ValType } from '../types.js';
import { pushExtern } from './alias.js';
import { parseExternName, UniqueNames } from './names.js';
import { named } from './naming.js';
import type { Scope } from './scope.js';
import { freshenResources, withInterfaceName } from './type-mapping.js';

/** Adds an imported or exported item to `scope`; a type gets the extern's name. Returns the extern as declared. */
export function declareExtern(scope: Scope, name: string, type: ExternType): ExternDescriptor {
  let t: ExternType = type;
  if (type.kind === 'type') t = { kind: 'type', type: named(type.type, name) };
  else if (type.kind === 'instance' && parseExternName(name)?.kind === 'interface') t = withInterfaceName(type, name);
  pushExtern(scope, t);
  return { name, type: t };
}

/**
 * The types a component (or component type) has named by its imports and exports so far,
 * and the rule that an import or export refers only to those (Binary.md: "all resource
 * types transitively used in the type of an export are introduced by a preceding importdecl
 * or exportdecl"; wasm-tools holds value types to it too, refusing a "func not valid to be
 * used as export"): a record, variant, enum or flags type, and the resource of an own or
 * borrow, must be the very type an earlier import names (for an import) or an earlier
 * import or export names (for an export). A type extern names the type it declares, not the
 * definition it was made from: a function over `$point` is refused after `(export "point"
 * (type $point))`; it must use that export's type index. Tuples, lists, options, results and
 * maps need no name, but their members do. The check goes one layer deep: a named type's
 * members were checked when it was named. Instance types are not checked themselves: a
 * component checks them where it imports or exports one.
 */
export class NamedTypes {
  constructor(private readonly scope: Scope) {}

  private readonly imported = new Set<object>();
  private readonly exported = new Set<object>();
  /** Value types found to need no more names (the sets only grow, so that stays true). */
  private readonly checkedImport = new Set<ValType>();
  private readonly checkedExport = new Set<ValType>();

  /**
   * Checks the type of extern `name` (at `offset`), as given, and names the types it
   * declares (`declared`: the extern's type once declared under its name). Throws `ERR_INVALID` naming the first type it uses that nothing named before it.
   */
  check(what: 'import' | 'export', name: string, type: ExternType, declared: ExternType, offset: number): void {
    // A type extern names the type it declares (a copy, for a value type), not the one it was given.
    const missing =
      type.kind === 'type'
        ? (this.extern(what, type, false) ?? this.extern(what, declared, true))
        : this.extern(what, type, true);
    // An instance under an interface name is declared with copies of its types: name those too.
    if (missing === null && type.kind === 'instance' && declared !== type) this.extern(what, declared, true);
    if (missing === null) return;
    const earlier = `no earlier import${what === 'export' ? ' or export' : ''}`;
    if (missing.kind === 'resource') {
      const resource = missing.name === undefined ? 'a resource' : `resource "${missing.name}"`;
      throw new WasmParseError(
        'ERR_INVALID',
        `${what} "${name}" uses ${resource} that ${earlier} introduces: ${what} the resource before it`,
        offset,
      );
    }
    const article = missing.kind === 'enum' ? 'an' : 'a';
    const described =
      missing.name === undefined ? `${article} ${missing.kind}` : `the ${missing.kind} "${missing.name}"`;
    throw new WasmParseError(
      'ERR_INVALID',
      `${what} "${name}": ${type.kind} not valid to be used as ${what}: it uses ${described}, which ${earlier} names; ${what} the ${missing.kind} by name first and refer to the ${what}ed type`,
      offset,
    );
  }

  /**
   * The first type `type` uses that is not named, else null. With `register`, names the types
   * it declares as it goes (an instance's type exports name types for its later exports).
   */
  private extern(what: 'import' | 'export', type: ExternType, register: boolean): ValType | ResourceType | null {
    switch (type.kind) {
      case 'type': {
        const t = type.type;
        const missing =
          t.kind === 'resource' || t.kind === 'component'
            ? null
            : t.kind === 'func' || t.kind === 'instance'
              ? this.extern(what, t, false)
              : this.members(what, t);
        if (missing !== null || !register) return missing;
        this.name(what, t);
        if (t.kind !== 'resource' && t.kind !== 'func' && t.kind !== 'instance' && t.kind !== 'component') {
          const original = this.scope.inlineExportOf(t);
          if (original !== undefined) this.name(what, original);
        }
        return null;
      }
      case 'value':
        return this.val(what, type.type);
      case 'func':
        return this.first(what, [...type.params.map((p) => p.type), type.result]);
      case 'instance':
        for (const e of type.exports) {
          const missing = this.extern(what, e.type, register);
          if (missing !== null) return missing;
        }
        return null;
      default:
        // Component and core module types are closed: they name only their own types.
        return null;
    }
  }

  private name(what: 'import' | 'export', t: object): void {
    this.exported.add(t);
    if (what === 'import') this.imported.add(t);
  }

  /** `t` where it is used: a record, variant, enum or flags type must be named itself; any other type's members must be. */
  private val(what: 'import' | 'export', t: ValType): ValType | ResourceType | null {
    const checked = what === 'import' ? this.checkedImport : this.checkedExport;
    if (checked.has(t)) return null;
    let missing: ValType | ResourceType | null;
    if (t.kind === 'record' || t.kind === 'variant' || t.kind === 'enum' || t.kind === 'flags') {
      missing = (what === 'import' ? this.imported : this.exported).has(t) ? null : t;
    } else missing = this.members(what, t);
    if (missing === null) checked.add(t);
    return missing;
  }

  private first(what: 'import' | 'export', types: readonly (ValType | undefined)[]): ValType | ResourceType | null {
    for (const t of types) {
      if (t === undefined) continue;
      const missing = this.val(what, t);
      if (missing !== null) return missing;
    }
    return null;
  }

  /** The first unnamed type among `t`'s members (the resource of an own or borrow), else null. */
  private members(what: 'import' | 'export', t: ValType): ValType | ResourceType | null {
    switch (t.kind) {
      case 'own':
      case 'borrow':
        return (what === 'import' ? this.imported : this.exported).has(t.resource) ? null : t.resource;
      case 'record':
        return this.first(
          what,
          t.fields.map((f) => f.type),
        );
      case 'variant':
        return this.first(
          what,
          t.cases.map((c) => c.type),
        );
      case 'tuple':
        return this.first(what, t.types);
      case 'list':
        return this.val(what, t.element);
      case 'option':
        return this.val(what, t.type);
      case 'result':
        return this.first(what, [t.ok, t.err]);
      case 'map':
        return this.first(what, [t.key, t.value]);
      case 'stream':
      case 'future':
        return this.first(what, [t.element]);
      default:
        return null;
    }
  }
}

export class ExternList {
  readonly items: ExternDescriptor[] = [];
  private readonly names = new UniqueNames();
  /** The resources this list has introduced, by name. */
  private readonly resources = new Map<string, ResourceType>();
  /** The resources its externs made (`(sub resource)`, and those of the instance types among them), in order. */
  readonly introduced: ResourceType[] = [];

  /**
   * `what`: `import` or `export`, for messages. `introductions`: where a component or component
   * type tracks the resources its imports and exports introduce (none for an instance type).
   */
  constructor(
    private readonly what: 'import' | 'export',
    private readonly introductions: NamedTypes | null = null,
  ) {}

  /**
   * Checks `name` (at `offset`) against the earlier ones and its type, then declares it in
   * `scope`. Throws `ERR_DUPLICATE_NAME`, `ERR_BAD_NAME` (a resource function over no such
   * resource) or `ERR_TYPE_MISMATCH` (a constructor or method of the wrong type).
   */
  add(scope: Scope, name: string, type: ExternType, offset: number): ExternDescriptor {
    const earlier = this.names.add(name);
    if (earlier !== null) {
      const same = earlier === name ? 'twice' : `and "${earlier}", names that compare equal`;
      throw new WasmParseError(
        'ERR_DUPLICATE_NAME',
        `${this.what} "${name}" appears ${same}: every ${this.what} name must be unique`,
        offset,
      );
    }
    this.checkResourceFunction(name, type, offset);
    if (type.kind === 'value' && scope.facts.of(type.type).hasBorrow) {
      // Binary.md: a borrow lives only for the call that lends it; a value outlives every call.
      throw new WasmParseError(
        'ERR_INVALID',
        `${this.what} "${name}": a value cannot contain a borrow handle (borrow is only for function parameters; use own)`,
        offset,
      );
    }
    const claimed = this.claim(scope, type);
    const declared = declareExtern(scope, name, claimed);
    this.introductions?.check(this.what, name, claimed, declared.type, offset);
    if (declared.type.kind === 'type' && declared.type.type.kind === 'resource')
      this.resources.set(name, declared.type.type);
    this.items.push(declared);
    return declared;
  }

  /**
   * Records the resources `type` introduces: a `(sub resource)` it made, and those of an
   * instance type, which are made anew for this extern (Binary.md: each is a fresh type).
   * Returns `type` with those fresh resources.
   */
  private claim(scope: Scope, type: ExternType): ExternType {
    if (type.kind === 'type') {
      if (type.type.kind === 'resource' && scope.claimFresh(type.type)) this.introduced.push(type.type);
      return type;
    }
    if (type.kind !== 'instance') return type;
    const inner = scope.introducedBy(type).exports;
    if (inner.length === 0) return type;
    const { type: fresh, fresh: resources } = freshenResources(type, inner);
    this.introduced.push(...resources);
    return fresh;
  }

  private checkResourceFunction(name: string, type: ExternType, offset: number): void {
    const parsed = parseExternName(name);
    if (parsed === null || (parsed.kind !== 'constructor' && parsed.kind !== 'method' && parsed.kind !== 'static')) {
      return;
    }
    const problem = (code: 'ERR_BAD_NAME' | 'ERR_TYPE_MISMATCH', detail: string) =>
      new WasmParseError(code, `${this.what} "${name}": ${detail}`, offset);
    if (type.kind !== 'func') {
      throw problem('ERR_TYPE_MISMATCH', `a [${parsed.kind}] name is only for functions, not ${type.kind}s`);
    }
    const resource = this.resources.get(parsed.resource);
    if (resource === undefined) {
      const what = this.what;
      throw problem(
        'ERR_BAD_NAME',
        `no resource "${parsed.resource}" is ${what}ed before it: ${what} the resource first`,
      );
    }
    const isOwn = (t: ValType | undefined) => t?.kind === 'own' && t.resource === resource;
    if (parsed.kind === 'constructor') {
      const r = type.result;
      if (!(isOwn(r) || (r?.kind === 'result' && isOwn(r.ok)))) {
        const res = parsed.resource;
        throw problem('ERR_TYPE_MISMATCH', `a constructor must return own<${res}> or result<own<${res}>, E>`);
      }
    } else if (parsed.kind === 'method') {
      const self = type.params[0];
      if (self?.name !== 'self' || self.type.kind !== 'borrow' || self.type.resource !== resource) {
        throw problem('ERR_TYPE_MISMATCH', `a method's first parameter must be self: borrow<${parsed.resource}>`);
      }
    }
  }
}
