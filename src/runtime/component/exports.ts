/**
 * `instance.exports`: a component instance's exports as a plain JS object. Functions
 * are keyed by lowerCamelCase (`echoPoint`), exported interfaces are nested objects keyed
 * by their full name (`'test:resources/counters'`), and a resource the component defines
 * is a class keyed by UpperCamelCase (`Counter`) whose constructor, methods and static
 * functions are the component's `[constructor]counter`, `[method]counter.get` and
 * `[static]counter.zero`; the handles the component returns are instances of it.
 */
import { ArgumentError } from '../errors.js';
import type { ComponentState } from './abi/index.js';
import type { ComponentFunc, Item } from './items.js';
import { lowerCamelCase, upperCamelCase } from './js-names.js';
import { parseExternName } from './parser/names.js';
import type { ResourceType } from './types.js';

/** A component instance's exports, as `instance.exports` has them (see the top of this file). */
export type ComponentExports = Readonly<Record<string, unknown>>;

type JsFunction = (...args: unknown[]) => unknown;
type ResourceClass = new (...args: unknown[]) => object;

/** The JS object of `exports`; `definers` says which component instance defines each resource. */
export function exportsObject(
  exports: ReadonlyMap<string, Item>,
  definers: ReadonlyMap<ResourceType, ComponentState>,
  where: string,
): ComponentExports {
  const object: Record<string, unknown> = {};
  const classes = new Map<string, { cls: ResourceClass; setConstructor: (f: ComponentFunc) => void }>();
  for (const [name, item] of exports) {
    if (item.kind !== 'type' || item.type.kind !== 'resource') continue;
    const made = makeResourceClass(name, where);
    classes.set(name, made);
    object[upperCamelCase(name)] = made.cls;
    definers.get(item.type)?.registerResourceClass(item.type, made.cls);
  }
  for (const [name, item] of exports) {
    if (item.kind === 'instance') {
      object[name] = exportsObject(item.instance.exports, definers, name);
      continue;
    }
    if (item.kind !== 'func') continue;
    const parsed = parseExternName(name);
    const member =
      parsed !== null && (parsed.kind === 'constructor' || parsed.kind === 'method' || parsed.kind === 'static')
        ? parsed
        : null;
    const target = member === null ? undefined : classes.get(member.resource);
    if (member === null || target === undefined) {
      object[member === null ? lowerCamelCase(name) : name] = item.func.call;
      continue;
    }
    const key = lowerCamelCase(member.name);
    const call = item.func.call;
    if (member.kind === 'constructor') target.setConstructor(item.func);
    else if (member.kind === 'static') define(target.cls, key, call);
    else {
      define(
        target.cls.prototype,
        key,
        function (this: unknown, ...args: unknown[]) {
          return call(this, ...args);
        },
      );
    }
  }
  return Object.freeze(object);
}

function define(target: object, key: string, value: JsFunction): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * A class for an exported resource: `new Counter(5)` calls the component's constructor,
 * whose lifted result (a handle object the canonical ABI made with this class's
 * prototype) is what `new` returns.
 */
function makeResourceClass(
  name: string,
  where: string,
): { cls: ResourceClass; setConstructor: (f: ComponentFunc) => void } {
  let ctor: ComponentFunc | undefined;
  const className = upperCamelCase(name);
  const holder = {
    [className]: class {
      constructor(...args: unknown[]) {
        if (ctor === undefined) {
          throw new ArgumentError(
            'ERR_ARG_TYPE',
            `${where === '' ? '' : `${where}: `}resource ${name} has no constructor: its handles come from the component's functions`,
          );
        }
        // biome-ignore lint/correctness/noConstructorReturn: the lifted handle is the instance
        return ctor.call(...args) as object;
      }
    },
  };
  const cls = holder[className] as ResourceClass;
  return {
    cls,
    setConstructor: (f) => {
      ctor = f;
    },
  };
}
