/**
 * The imports or the exports of one scope (a component, a component type, an instance
 * type), checked as design/mvp/Binary.md "Import and Export Definitions" requires: names
 * strongly-unique, `[constructor]R`, `[method]R.f` and `[static]R.f` only on functions
 * over a resource `R` that a preceding extern of the same list introduced, no `borrow` in a
 * value, and (in a component or component type) every resource a type uses introduced by an
 * earlier import or export.
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
 * The resources a component (or component type) has introduced by its imports and exports
 * so far (Binary.md: "all resource types transitively used in the type of an export are
 * introduced by a preceding importdecl or exportdecl"; wasm-tools holds imports to the same).
 * An import may use the resources of earlier imports, an export those of earlier imports and
 * exports. Instance types are not checked themselves: a component checks them where it
 * imports or exports one.
 */
export class IntroducedResources {
  private readonly imported = new Set<ResourceType>();
  private readonly exported = new Set<ResourceType>();
  /** Value types already found to use only introduced resources (the sets only grow, so that stays true). */
  private readonly checkedImport = new Set<ValType>();
  private readonly checkedExport = new Set<ValType>();

  constructor(private readonly scope: Scope) {}

  /**
   * Checks the type of extern `name` (at `offset`) and adds the resources it introduces.
   * Throws `ERR_INVALID` naming the first resource it uses that nothing introduced before it.
   */
  check(what: 'import' | 'export', name: string, type: ExternType, offset: number): void {
    const missing = this.extern(what, type);
    if (missing === null) return;
    const resource = missing.name === undefined ? 'a resource' : `resource "${missing.name}"`;
    throw new WasmParseError(
      'ERR_INVALID',
      `${what} "${name}" uses ${resource} that no earlier import${what === 'export' ? ' or export' : ''} introduces: ${what} the resource before it`,
      offset,
    );
  }

  /** The first resource `type` uses that is not introduced, else null; introduces those it exports as types. */
  private extern(what: 'import' | 'export', type: ExternType): ResourceType | null {
    switch (type.kind) {
      case 'type':
        // A function or instance type names no item, but what it uses must be introduced all the same.
        if (type.type.kind === 'func' || type.type.kind === 'instance' || type.type.kind === 'component')
          return this.extern(what, type.type);
        if (type.type.kind !== 'resource') return this.val(what, type.type);
        this.exported.add(type.type);
        if (what === 'import') this.imported.add(type.type);
        return null;
      case 'value':
        return this.val(what, type.type);
      case 'func': {
        for (const p of type.params) {
          const missing = this.val(what, p.type);
          if (missing !== null) return missing;
        }
        return type.result === undefined ? null : this.val(what, type.result);
      }
      case 'instance':
        for (const e of type.exports) {
          const missing = this.extern(what, e.type);
          if (missing !== null) return missing;
        }
        return null;
      default:
        // Component and core module types are closed: they name only their own resources.
        return null;
    }
  }

  private val(what: 'import' | 'export', t: ValType): ResourceType | null {
    if (!this.scope.facts.of(t).hasHandle) return null;
    const checked = what === 'import' ? this.checkedImport : this.checkedExport;
    if (checked.has(t)) return null;
    const missing = this.members(what, t);
    if (missing === null) checked.add(t);
    return missing;
  }

  private first(what: 'import' | 'export', types: readonly (ValType | undefined)[]): ResourceType | null {
    for (const t of types) {
      if (t === undefined) continue;
      const missing = this.val(what, t);
      if (missing !== null) return missing;
    }
    return null;
  }

  private members(what: 'import' | 'export', t: ValType): ResourceType | null {
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
    private readonly introductions: IntroducedResources | null = null,
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
    this.introductions?.check(this.what, name, claimed, offset);
    const declared = declareExtern(scope, name, claimed);
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
