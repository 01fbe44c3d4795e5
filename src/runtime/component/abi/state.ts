/**
 * The per-instance state the canonical ABI keeps (design/mvp/CanonicalABI.md "Runtime State"):
 * the `mayEnter`/`mayLeave` flags, the one table of resource handles the spec gives each
 * component instance, and, on the host's side of the boundary, which JS object stands for
 * which resource representation.
 *
 * Two kinds of resources cross the boundary:
 * - guest-defined (`origin: 'defined'`, made by this component's `resource.new`): the host
 *   holds them as objects of a JS class that instantiation registers with `bindResource`; the
 *   object remembers the `rep`, whether the host owns it, and whether it is still usable;
 * - host-defined (imported): any JS object the host passes; the guest sees a small integer
 *   `rep` that maps back to that same object.
 */

import { describe } from '../../describe.js';
import { ArgumentError, CanonicalAbiError } from '../../errors.js';
import type { ResourceType } from '../types.js';

/** The spec's limit on a handle table's length (`Table.MAX_LENGTH`). */
export const MAX_HANDLES = 2 ** 28 - 1;

/** One slot of the handle table: an `own` or a `borrow` of a resource. */
export interface HandleEntry {
  readonly resource: ResourceType;
  readonly rep: number;
  readonly own: boolean;
  /** How many borrows of this own handle are lent out to calls in progress. */
  lends: number;
  /** For a borrow handle lowered into the guest by a call from outside: that call's count of live borrows. */
  readonly scope: { borrows: number } | undefined;
}

/** How a guest-defined resource looks to JS; given by instantiation. */
export interface ResourceBinding {
  /**
   * Makes an object standing for one handle to this resource: a fresh instance of the
   * resource's JS class (its methods call the lifted functions with the object as `self`).
   * The ABI records which rep it stands for; the object need not store anything.
   */
  readonly create: () => object;
  /** The resource's destructor (a core function taking the rep), when it was defined with one. */
  readonly destructor?: () => ((rep: number) => unknown) | undefined;
}

/** What the host holds of a guest-defined resource: one per JS object. */
interface HostHeld {
  readonly resource: ResourceType;
  readonly rep: number;
  /** Owned by the host (lifted from an own); false for a borrow lent for one call. */
  readonly owned: boolean;
  /** False once the host dropped it or passed its ownership back into the guest. */
  isLive: boolean;
  /** For a borrow: the call it was lent for (unusable when that call returned). */
  readonly lends: { isActive: boolean } | undefined;
}

/** A host-defined resource's object as the guest knows it: its rep and how many handles refer to it. */
interface HostRep {
  readonly rep: number;
  count: number;
}

// `Symbol.dispose` is in Node 20+, but not in the ES2022 lib this library is typed against.
const DISPOSE: symbol | undefined = (Symbol as { readonly dispose?: symbol }).dispose;

/**
 * The canonical ABI state of one component instance. Instantiation makes one per instance
 * and passes it in every `CanonContext` of that instance.
 */
export class ComponentState {
  /** False while the instance is on the stack of a call into it (no re-entrance in the sync ABI). */
  mayEnter = true;
  /** False while the instance runs `realloc` or `post-return` (it may not call out then). */
  mayLeave = true;
  private readonly table: (HandleEntry | undefined)[] = [undefined];
  private readonly free: number[] = [];
  private readonly bindings = new Map<ResourceType, ResourceBinding>();
  private readonly held = new WeakMap<object, HostHeld>();
  private readonly hostReps = new Map<object, HostRep>();
  private readonly hostObjects: (object | undefined)[] = [undefined];
  private readonly freeHostReps: number[] = [];

  /**
   * Registers the JS class of a guest-defined resource: lifting `own<R>`/`borrow<R>` then gives
   * objects made by `binding.create`, and lowering such an object gives its handle back.
   * A resource with no binding is host-defined: its values are whatever objects the host passes.
   */
  bindResource(resource: ResourceType, binding: ResourceBinding): void {
    this.bindings.set(resource, binding);
  }

  /** Whether `resource` is one the guest defines (it has a binding). */
  isGuestResource(resource: ResourceType): boolean {
    return this.bindings.has(resource);
  }

  /** The destructor registered for a guest-defined resource, if any. */
  destructorOf(resource: ResourceType): ((rep: number) => unknown) | undefined {
    return this.bindings.get(resource)?.destructor?.();
  }

  // ---- the handle table ----

  /** Adds a handle, returning its index (never 0). Traps `ERR_CANON_LIMIT` when the table is full. */
  addHandle(entry: HandleEntry, what: string): number {
    const reused = this.free.pop();
    if (reused !== undefined) {
      this.table[reused] = entry;
      return reused;
    }
    const index = this.table.length;
    if (index > MAX_HANDLES) {
      throw new CanonicalAbiError('ERR_CANON_LIMIT', `${what}: the handle table is full (${MAX_HANDLES} handles)`);
    }
    this.table.push(entry);
    return index;
  }

  /** The handle at `index`, checked to be of `resource`. Traps `ERR_CANON_HANDLE`. */
  handle(index: number, resource: ResourceType, what: string): HandleEntry {
    const entry = index > 0 ? this.table[index] : undefined;
    if (entry === undefined) {
      throw new CanonicalAbiError('ERR_CANON_HANDLE', `${what}: handle ${index} is not in the handle table`);
    }
    if (entry.resource !== resource) {
      // Same name, other type: the same resource definition in another instance (resource types are generative).
      const other =
        entry.resource.name === resource.name
          ? `${resourceName(entry.resource)} of another component instance, not of the instance that expects it`
          : `${resourceName(entry.resource)}, not a ${resourceName(resource)}`;
      throw new CanonicalAbiError('ERR_CANON_HANDLE', `${what}: handle ${index} is a ${other}`);
    }
    return entry;
  }

  /** Removes and returns the handle at `index` (checked as `handle` does). */
  removeHandle(index: number, resource: ResourceType, what: string): HandleEntry {
    const entry = this.handle(index, resource, what);
    this.table[index] = undefined;
    this.free.push(index);
    return entry;
  }

  /** How many handles are in the table (for tests and leak checks). */
  get handleCount(): number {
    return this.table.length - 1 - this.free.length;
  }

  // ---- host-defined resources: JS objects <-> reps ----

  /** The rep the guest knows `object` by, counting one more handle that refers to it. */
  retainHostObject(object: object): number {
    const known = this.hostReps.get(object);
    if (known !== undefined) {
      known.count++;
      return known.rep;
    }
    const reused = this.freeHostReps.pop();
    const rep = reused ?? this.hostObjects.length;
    if (reused === undefined) this.hostObjects.push(object);
    else this.hostObjects[rep] = object;
    this.hostReps.set(object, { rep, count: 1 });
    return rep;
  }

  /** The host object behind `rep`. */
  hostObject(rep: number): object {
    const object = this.hostObjects[rep];
    if (object === undefined) throw new CanonicalAbiError('ERR_CANON_HANDLE', `no host resource has rep ${rep}`);
    return object;
  }

  /** One handle fewer refers to `rep`'s object; the last one frees the rep. Returns the object. */
  releaseHostObject(rep: number): object {
    const object = this.hostObject(rep);
    const known = this.hostReps.get(object);
    if (known !== undefined && --known.count === 0) {
      this.hostReps.delete(object);
      this.hostObjects[rep] = undefined;
      this.freeHostReps.push(rep);
    }
    return object;
  }

  /** Calls a host resource's `[Symbol.dispose]()` when it has one: the guest dropped its last own handle. */
  disposeHostObject(object: object): void {
    if (DISPOSE === undefined) return;
    const dispose = (object as Record<symbol, unknown>)[DISPOSE];
    if (typeof dispose === 'function') dispose.call(object);
  }

  // ---- guest-defined resources held by the host ----

  /** A new JS object for `rep` of the guest resource `resource` (owned, or borrowed for the call `lends`). */
  wrapGuestResource(resource: ResourceType, rep: number, lends: { isActive: boolean } | undefined): object {
    const binding = this.bindings.get(resource);
    if (binding === undefined) throw new Error(`internal: ${resourceName(resource)} has no binding`);
    const object = binding.create();
    this.held.set(object, { resource, rep, owned: lends === undefined, isLive: true, lends });
    return object;
  }

  /**
   * The rep of a host-held guest resource object, checked to be usable: of `resource`
   * (else `ArgumentError` `ERR_ARG_TYPE`), not dropped or moved, not a borrow whose call
   * returned, and owned when `take` (then it is moved: the object is unusable afterwards).
   * Misuse traps `ERR_CANON_HANDLE`.
   */
  guestResourceRep(resource: ResourceType, value: unknown, take: boolean, what: string): number {
    const held = typeof value === 'object' && value !== null ? this.held.get(value) : undefined;
    if (held === undefined || held.resource !== resource) {
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `${what} must be a ${resourceName(resource)} resource object, got ${held === undefined ? describe(value) : `a ${resourceName(held.resource)}`}`,
      );
    }
    if (!held.isLive) {
      throw new CanonicalAbiError(
        'ERR_CANON_HANDLE',
        `${what}: this ${resourceName(resource)} was dropped or passed on, and cannot be used`,
      );
    }
    if (held.lends !== undefined && !held.lends.isActive) {
      throw new CanonicalAbiError(
        'ERR_CANON_HANDLE',
        `${what}: this ${resourceName(resource)} was borrowed for a call that has returned`,
      );
    }
    if (take) {
      if (!held.owned) {
        throw new CanonicalAbiError(
          'ERR_CANON_HANDLE',
          `${what}: this ${resourceName(resource)} is only borrowed, so its ownership cannot be passed`,
        );
      }
      held.isLive = false;
    }
    return held.rep;
  }

  /**
   * The host drops a guest-defined resource it owns: the guest's destructor runs with its rep
   * (entering the guest, so `ERR_CANON_REENTRANCE` when the guest is on the stack). Dropping a
   * borrow only makes the object unusable. Throws `ArgumentError` `ERR_ARG_TYPE` for an object
   * that is not a guest resource, `ERR_CANON_HANDLE` for one already dropped.
   */
  dropResource(value: unknown, what = 'drop'): void {
    const held = typeof value === 'object' && value !== null ? this.held.get(value) : undefined;
    if (held === undefined) {
      throw new ArgumentError('ERR_ARG_TYPE', `${what}: ${describe(value)} is not a resource of this component`);
    }
    this.guestResourceRep(held.resource, value, false, what);
    const destructor = held.owned ? this.destructorOf(held.resource) : undefined;
    if (destructor !== undefined && !this.mayEnter) {
      throw new CanonicalAbiError(
        'ERR_CANON_REENTRANCE',
        `${what}: the component is running a call, so the ${resourceName(held.resource)} destructor cannot enter it`,
      );
    }
    held.isLive = false;
    if (destructor === undefined) return;
    this.mayEnter = false;
    try {
      destructor(held.rep);
    } finally {
      this.mayEnter = true;
    }
  }
}

/** A resource's name for messages: `resource "file"`, or `resource` for an anonymous one. */
export function resourceName(resource: ResourceType): string {
  return resource.name === undefined ? 'resource' : `resource "${resource.name}"`;
}
