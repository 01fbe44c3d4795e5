/**
 * `instance.exports`: a component instance's exports as a plain JS object. Functions
 * are keyed by lowerCamelCase (`echoPoint`), exported interfaces are nested objects keyed
 * by their full name (`'test:resources/counters'`), and a resource the component defines
 * is a class keyed by UpperCamelCase (`Counter`) whose constructor, methods and static
 * functions are the component's `[constructor]counter`, `[method]counter.get` and
 * `[static]counter.zero`; the handles the component returns are instances of it.
 */
import type { Item } from './items.js';
import { lowerCamelCase, upperCamelCase } from './js-names.js';
import { parseExternName } from './parser/names.js';
import type { ResourceClass } from './resource-class.js';
import type { ResourceType } from './types.js';

/** A component instance's exports, as `instance.exports` has them (see the top of this file). */
export type ComponentExports = Readonly<Record<string, unknown>>;

/** The JS object of `exports`; `classes` holds the class of each guest-defined resource. */
export function exportsObject(
  exports: ReadonlyMap<string, Item>,
  classes: ReadonlyMap<ResourceType, ResourceClass>,
): ComponentExports {
  const object: Record<string, unknown> = {};
  const byName = new Map<string, ResourceClass>();
  for (const [name, item] of exports) {
    if (item.kind !== 'type' || item.type.kind !== 'resource') continue;
    const cls = classes.get(item.type);
    if (cls === undefined) continue; // a resource of the host's or another component's, passed through
    byName.set(name, cls);
    object[upperCamelCase(name)] = cls;
  }
  for (const [name, item] of exports) {
    if (item.kind === 'instance') {
      object[name] = exportsObject(item.instance.exports, classes);
      continue;
    }
    if (item.kind !== 'func') continue;
    const parsed = parseExternName(name);
    const member =
      parsed !== null && (parsed.kind === 'constructor' || parsed.kind === 'method' || parsed.kind === 'static')
        ? parsed
        : null;
    const target = member === null ? undefined : byName.get(member.resource);
    if (member === null || target === undefined) {
      object[member === null ? lowerCamelCase(name) : name] = item.func.call;
      continue;
    }
    const key = lowerCamelCase(member.name);
    const call = item.func.call;
    if (member.kind === 'constructor') target.constructorFunc = item.func;
    else if (member.kind === 'static') define(target, key, call);
    else {
      define(target.prototype, key, function (this: unknown, ...args: unknown[]) {
        return call(this, ...args);
      });
    }
  }
  return Object.freeze(object);
}

function define(target: object, key: string, value: (...args: unknown[]) => unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}
