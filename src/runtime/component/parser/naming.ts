/**
 * Names given to types by type imports and exports: a fresh resource, and a type under the
 * name an extern gives it (design/mvp/Explainer.md "Type Definitions": `(export "point"
 * (type (eq 3)))` is what WIT calls `record point`).
 */
import type { ResourceType, TypeExtern } from '../types.js';

/** A resource while its component is being read: its name is set by the first import or export that names it. */
type MutableResource = { -readonly [K in keyof ResourceType]: ResourceType[K] };

/** A fresh resource type (each is a type of its own, compared by identity). */
export function newResource(origin: 'defined' | 'abstract', destructor?: number): ResourceType {
  const res: MutableResource = { kind: 'resource', origin };
  if (origin === 'defined') res.rep = 'i32';
  if (destructor !== undefined) res.destructor = destructor;
  return res;
}

/**
 * `t` under the name a type import or export gives it. A resource keeps its identity and
 * takes the first name given to it; a value type is copied with the name (a type already
 * of that name, `use`d from another interface, is kept as it is). A function, instance or
 * component type carries no name and is kept as it is.
 */
export function named<T extends TypeExtern['type']>(t: T, name: string): T {
  if (t.kind === 'func' || t.kind === 'instance' || t.kind === 'component') return t;
  if (t.kind === 'resource') {
    const res = t as MutableResource;
    res.name ??= name;
    return t;
  }
  if (t.name === name) return t;
  // A primitive or anonymous type gets its name; an already named one becomes an alias of it under this name.
  const { interfaceName: _dropped, ...rest } = t;
  return { ...rest, name } as T;
}

/** Sets the interface name of a resource (kept: identity) that has none yet. */
export function nameResourceInterface(t: ResourceType, interfaceName: string): void {
  (t as MutableResource).interfaceName ??= interfaceName;
}
