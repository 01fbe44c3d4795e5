/**
 * Rewrites of resolved types, each copying only what changes (types are DAGs that share
 * members, so each object is mapped once):
 * - `withInterfaceName`: when an instance is imported or exported under an interface name
 *   (`wasi:io/streams@0.2.3`), each type its type exports by name (`(export "error" (type
 *   (eq 3)))`) gets that `interfaceName`, wherever it appears in the instance's functions and
 *   types. Value types are copied (they compare structurally); resources keep their identity
 *   and are named in place.
 * - `freshenResources`: an instance type imported or exported by name, with each resource it
 *   introduces (`(export "r" (type (sub resource)))`) made anew, so two imports of one
 *   instance type have resources of their own (Explainer.md "Resource types": each import of
 *   an abstract resource is a fresh type).
 * - `substituteResources`: the exports of an instantiated component, with each resource it
 *   imported replaced by the one the instantiation supplied (Binary.md: "the actual type
 *   supplied is immediately substituted for all uses of the import").
 * - `instantiatedExports`: that, and each resource the component defines (or its type's
 *   exports introduce) made anew for this instantiation: resource types are generative
 *   (Explainer.md "Resource types": "each instantiation of a component that defines a
 *   resource type creates a fresh type"), so two instances of one component do not accept
 *   each other's handles.
 * - `substituteFuncResources`: a function type with resources replaced (instantiation maps
 *   a component's resources to those of the running instance this way).
 */
import type {
  ComponentType,
  ExternDescriptor,
  ExternType,
  FuncType,
  InstanceType,
  ResourceType,
  ValType,
} from '../types.js';
import { nameResourceInterface } from './naming.js';

/** `t` with the interface name `iface` on the types its exports name; `t` itself when there are none. */
export function withInterfaceName(t: InstanceType, iface: string): InstanceType {
  const own = new Set<ValType>();
  for (const e of t.exports) {
    if (e.type.kind !== 'type') continue;
    const x = e.type.type;
    if (x.kind === 'func' || x.kind === 'instance' || x.kind === 'component') continue;
    if (x.name !== e.name || x.interfaceName !== undefined) continue;
    if (x.kind === 'resource') nameResourceInterface(x, iface);
    else own.add(x);
  }
  if (own.size === 0) return t;
  const mapper = new TypeMapper(
    (original, mapped) => (own.has(original) ? { ...mapped, interfaceName: iface } : mapped),
    (r) => r,
  );
  return mapper.instance(t);
}

/** `exports` with every resource of `bindings` replaced by the one it is bound to. */
export function substituteResources(
  exports: readonly ExternDescriptor[],
  bindings: ReadonlyMap<ResourceType, ResourceType>,
): readonly ExternDescriptor[] {
  if (bindings.size === 0) return exports;
  const mapper = new TypeMapper(
    (_, mapped) => mapped,
    (r) => bindings.get(r) ?? r,
  );
  return mapper.instance({ kind: 'instance', exports }).exports;
}

/**
 * The exports of an instance of a component of type `ctype`: the resources its imports
 * introduced replaced per `bindings`, and every other resource its exports mention (one it
 * defines, or one its type's exports introduce) replaced by a fresh abstract copy: the
 * instantiating component may not `resource.new` another component's resource.
 */
export function instantiatedExports(
  ctype: ComponentType,
  bindings: ReadonlyMap<ResourceType, ResourceType>,
): readonly ExternDescriptor[] {
  const imported = new Set<ResourceType>();
  new TypeMapper(
    (_, mapped) => mapped,
    (r) => {
      imported.add(r);
      return r;
    },
  ).instance({ kind: 'instance', exports: ctype.imports });
  const copies = new Map<ResourceType, ResourceType>();
  const mapper = new TypeMapper(
    (_, mapped) => mapped,
    (r) => {
      const bound = bindings.get(r);
      if (bound !== undefined) return bound;
      if (imported.has(r)) return r;
      let copy = copies.get(r);
      if (copy === undefined) {
        copy = { kind: 'resource', origin: 'abstract', ...names(r) };
        copies.set(r, copy);
      }
      return copy;
    },
  );
  return mapper.instance({ kind: 'instance', exports: ctype.exports }).exports;
}

function names(r: ResourceType): { name?: string; interfaceName?: string } {
  return {
    ...(r.name === undefined ? {} : { name: r.name }),
    ...(r.interfaceName === undefined ? {} : { interfaceName: r.interfaceName }),
  };
}

/** `t` with each resource that `map` gives another for replaced; `t` itself when none is. */
export function substituteFuncResources(t: FuncType, map: (r: ResourceType) => ResourceType): FuncType {
  return new TypeMapper((_, mapped) => mapped, map).funcType(t);
}

/** `t` with each of `resources` replaced by a fresh copy (no interface name yet); the copies in order. */
export function freshenResources(
  t: InstanceType,
  resources: readonly ResourceType[],
): { readonly type: InstanceType; readonly fresh: readonly ResourceType[] } {
  const copies = new Map<ResourceType, ResourceType>();
  for (const r of resources) {
    const { interfaceName: _dropped, ...rest } = r;
    copies.set(r, { ...rest });
  }
  const mapper = new TypeMapper(
    (_, mapped) => mapped,
    (r) => copies.get(r) ?? r,
  );
  return { type: mapper.instance(t), fresh: [...copies.values()] };
}

class TypeMapper {
  private readonly memo = new Map<ValType, ValType>();
  /**
   * `value` maps a value type once its members are mapped (`mapped` is `original` when none
   * changed); `resource` maps a resource (identity when unchanged).
   */
  constructor(
    private readonly value: (original: ValType, mapped: ValType) => ValType,
    private readonly resource: (r: ResourceType) => ResourceType,
  ) {}

  instance(t: InstanceType): InstanceType {
    let changed = false;
    const exports = t.exports.map((e) => {
      const type = this.extern(e.type);
      if (type !== e.type) changed = true;
      return type === e.type ? e : { name: e.name, type };
    });
    return changed ? { kind: 'instance', exports } : t;
  }

  private extern(t: ExternType): ExternType {
    switch (t.kind) {
      case 'func':
        return this.func(t);
      case 'type': {
        if (t.type.kind === 'resource') {
          const r = this.resource(t.type);
          return r === t.type ? t : { kind: 'type', type: r };
        }
        if (t.type.kind === 'func' || t.type.kind === 'instance' || t.type.kind === 'component') {
          const d = this.extern(t.type);
          return d === t.type ? t : { kind: 'type', type: d as typeof t.type };
        }
        const v = this.val(t.type);
        return v === t.type ? t : { kind: 'type', type: v };
      }
      case 'value': {
        const v = this.val(t.type);
        return v === t.type ? t : { kind: 'value', type: v };
      }
      case 'instance':
        return this.instance(t);
      default:
        // Component and module types name their own types: an interface does not reach into them.
        return t;
    }
  }

  funcType(t: FuncType): FuncType {
    return this.func(t);
  }

  private func(t: FuncType): FuncType {
    let changed = false;
    const params = t.params.map((p) => {
      const type = this.val(p.type);
      if (type !== p.type) changed = true;
      return type === p.type ? p : { name: p.name, type };
    });
    const result = this.opt(t.result);
    if (result !== t.result) changed = true;
    return changed ? { kind: 'func', params, result, isAsync: t.isAsync } : t;
  }

  private opt(t: ValType | undefined): ValType | undefined {
    return t === undefined ? undefined : this.val(t);
  }

  private val(t: ValType): ValType {
    const done = this.memo.get(t);
    if (done !== undefined) return done;
    const out = this.value(t, this.members(t));
    this.memo.set(t, out);
    return out;
  }

  /** `t` with its member types renamed: `t` itself when none changed. */
  private members(t: ValType): ValType {
    switch (t.kind) {
      case 'record': {
        const fields = t.fields.map((f) => {
          const type = this.val(f.type);
          return type === f.type ? f : { name: f.name, type };
        });
        return fields.some((f, i) => f !== t.fields[i]) ? { ...t, fields } : t;
      }
      case 'variant': {
        const cases = t.cases.map((c) => {
          const type = this.opt(c.type);
          return type === c.type ? c : { name: c.name, type };
        });
        return cases.some((c, i) => c !== t.cases[i]) ? { ...t, cases } : t;
      }
      case 'tuple': {
        const types = t.types.map((m) => this.val(m));
        return types.some((m, i) => m !== t.types[i]) ? { ...t, types } : t;
      }
      case 'list': {
        const element = this.val(t.element);
        return element === t.element ? t : { ...t, element };
      }
      case 'option': {
        const type = this.val(t.type);
        return type === t.type ? t : { ...t, type };
      }
      case 'result': {
        const ok = this.opt(t.ok);
        const err = this.opt(t.err);
        return ok === t.ok && err === t.err ? t : { ...t, ok, err };
      }
      case 'map': {
        const key = this.val(t.key);
        const value = this.val(t.value);
        return key === t.key && value === t.value ? t : { ...t, key, value };
      }
      case 'stream':
      case 'future': {
        const element = this.opt(t.element);
        return element === t.element ? t : { ...t, element };
      }
      case 'own':
      case 'borrow': {
        const resource = this.resource(t.resource);
        return resource === t.resource ? t : { ...t, resource };
      }
      default:
        return t;
    }
  }
}
