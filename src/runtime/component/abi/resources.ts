/**
 * Handles across the boundary (design/mvp/CanonicalABI.md "Handles", `canon resource.*`):
 * `own<R>` moves a resource (the guest's handle is removed when it is lifted, added when it is
 * lowered); `borrow<R>` lends one for the length of a call. The JS side is `ComponentState`'s:
 * objects of the resource's registered class for a guest-defined resource, the host's own
 * objects for a host-defined one.
 */

import { ArgumentError, CanonicalAbiError } from '../../errors.js';
import type { ResourceType } from '../types.js';
import type { Cx } from './context.js';
import { badValue, type Plan, single } from './plan.js';
import { type ComponentState, type HandleEntry, resourceName } from './state.js';

function hostObjectOf(value: unknown, resource: ResourceType, where: string): object {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    throw badValue('ERR_ARG_TYPE', where, `a ${resourceName(resource)} (an object)`, value);
  }
  return value;
}

/** The own handle `index`, checked to be movable (an own, not lent out), and removed. */
function takeOwn(state: ComponentState, index: number, resource: ResourceType, where: string): HandleEntry {
  const entry = state.handle(index, resource, where);
  if (!entry.own) {
    throw new CanonicalAbiError('ERR_CANON_HANDLE', `${where}: handle ${index} is a borrow, where an own is expected`);
  }
  if (entry.lends !== 0) {
    throw new CanonicalAbiError(
      'ERR_CANON_HANDLE',
      `${where}: handle ${index} is lent out to ${entry.lends} call(s) in progress, so it cannot be moved`,
    );
  }
  return state.removeHandle(index, resource, where);
}

/** The plan of `own<resource>` at `where`. */
export function ownPlan(resource: ResourceType, where: string): Plan {
  const lower = (cx: Cx, value: unknown): number => {
    const state = cx.state;
    const rep = state.isGuestResource(resource)
      ? state.guestResourceRep(resource, value, true, where)
      : state.retainHostObject(hostObjectOf(value, resource, where));
    return state.addHandle({ resource, rep, own: true, lends: 0, scope: undefined }, where);
  };
  const lift = (cx: Cx, index: number): unknown => {
    const state = cx.state;
    const { rep } = takeOwn(state, index, resource, where);
    return state.isGuestResource(resource)
      ? state.wrapGuestResource(resource, rep, undefined)
      : state.releaseHostObject(rep);
  };
  return single(
    'i32',
    4,
    lower,
    (cx, x) => lift(cx, (x as number) >>> 0),
    (cx, v, p) => cx.view().setUint32(p, lower(cx, v), true),
    (cx, p) => lift(cx, cx.view().getUint32(p, true)),
  );
}

/** The plan of `borrow<resource>` at `where`. */
export function borrowPlan(resource: ResourceType, where: string): Plan {
  const lower = (cx: Cx, value: unknown): number => {
    const state = cx.state;
    // A borrow of the guest's own resource reaches it as the rep itself (the spec's lower_borrow).
    if (state.isGuestResource(resource)) return state.guestResourceRep(resource, value, false, where);
    const scope = cx.borrows;
    if (scope === undefined) {
      throw new ArgumentError('ERR_ARG_TYPE', `${where}: a borrow can be passed only as a parameter of a call`);
    }
    const rep = state.retainHostObject(hostObjectOf(value, resource, where));
    scope.borrows++;
    return state.addHandle({ resource, rep, own: false, lends: 0, scope }, where);
  };
  const lift = (cx: Cx, index: number): unknown => {
    const state = cx.state;
    const entry = state.handle(index, resource, where);
    const lends = cx.lends;
    if (lends === undefined) {
      throw new ArgumentError('ERR_ARG_TYPE', `${where}: a borrow can be received only as a parameter of a call`);
    }
    entry.lends++;
    lends.lent.push(entry);
    return state.isGuestResource(resource)
      ? state.wrapGuestResource(resource, entry.rep, lends)
      : state.hostObject(entry.rep);
  };
  return single(
    'i32',
    4,
    lower,
    (cx, x) => lift(cx, (x as number) >>> 0),
    (cx, v, p) => cx.view().setUint32(p, lower(cx, v), true),
    (cx, p) => lift(cx, cx.view().getUint32(p, true)),
  );
}

function checkMayLeave(state: ComponentState, what: string): void {
  if (!state.mayLeave) {
    throw new CanonicalAbiError(
      'ERR_CANON_REENTRANCE',
      `${what}: called while the component runs realloc or post-return, when it may not leave`,
    );
  }
}

/**
 * `canon resource.new R`: the core function `(rep: i32) -> i32` adding an own handle to `rep`.
 * Traps `ERR_CANON_REENTRANCE` during realloc/post-return, `ERR_CANON_LIMIT` when the table is full.
 */
export function resourceNew(resource: ResourceType, state: ComponentState): (rep: number) => number {
  const what = `resource.new of ${resourceName(resource)}`;
  return (rep) => {
    checkMayLeave(state, what);
    return state.addHandle({ resource, rep, own: true, lends: 0, scope: undefined }, what);
  };
}

/** `canon resource.rep R`: the core function `(handle: i32) -> i32`. Traps `ERR_CANON_HANDLE` for a bad handle. */
export function resourceRep(resource: ResourceType, state: ComponentState): (handle: number) => number {
  const what = `resource.rep of ${resourceName(resource)}`;
  return (handle) => state.handle(handle >>> 0, resource, what).rep;
}

/**
 * `canon resource.drop R`: the core function `(handle: i32) -> ()`. Dropping an own handle
 * runs the destructor: `destructor` when given, else the one bound with `bindResource`, for a
 * guest-defined resource; the object's `[Symbol.dispose]()` (when it has one) for a host-defined
 * resource. Dropping a borrow ends it. Traps `ERR_CANON_HANDLE` for an unknown handle, one of
 * another type, or an own still lent out; `ERR_CANON_REENTRANCE` during realloc/post-return.
 */
export function resourceDrop(
  resource: ResourceType,
  state: ComponentState,
  destructor?: () => ((rep: number) => unknown) | undefined,
): (handle: number) => void {
  const what = `resource.drop of ${resourceName(resource)}`;
  return (handle) => {
    checkMayLeave(state, what);
    const index = handle >>> 0;
    const entry = state.handle(index, resource, what);
    if (entry.lends !== 0) {
      throw new CanonicalAbiError(
        'ERR_CANON_HANDLE',
        `${what}: handle ${index} is lent out to ${entry.lends} call(s) in progress, so it cannot be dropped`,
      );
    }
    state.removeHandle(index, resource, what);
    if (!entry.own) {
      if (entry.scope !== undefined) entry.scope.borrows--;
      if (!state.isGuestResource(resource)) state.releaseHostObject(entry.rep);
      return;
    }
    if (state.isGuestResource(resource) || destructor !== undefined) {
      const dtor = destructor?.() ?? state.destructorOf(resource);
      dtor?.(entry.rep);
      return;
    }
    state.disposeHostObject(state.releaseHostObject(entry.rep));
  };
}
