/**
 * The imports or the exports of one scope (a component, a component type, an instance
 * type), checked as design/mvp/Binary.md "Import and Export Definitions" requires: names
 * strongly-unique, and `[constructor]R`, `[method]R.f` and `[static]R.f` only on functions
 * over a resource `R` that a preceding extern of the same list introduced.
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

export class ExternList {
  readonly items: ExternDescriptor[] = [];
  private readonly names = new UniqueNames();
  /** The resources this list has introduced, by name. */
  private readonly resources = new Map<string, ResourceType>();
  /** The resources its externs made (`(sub resource)`, and those of the instance types among them), in order. */
  readonly introduced: ResourceType[] = [];

  /** `what`: `import` or `export`, for messages. */
  constructor(private readonly what: 'import' | 'export') {}

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
    const declared = declareExtern(scope, name, this.claim(scope, type));
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
