/**
 * The JS class of a resource a component defines (`Counter` for `resource counter`): its
 * handles lifted to JS are instances of it, made by the canonical ABI without running the
 * constructor; `new Counter(...)` runs the component's `[constructor]counter`, and
 * `counter[Symbol.dispose]()` drops the handle (running the guest's destructor for an own).
 * Instantiation fills in the constructor, methods and static functions (./exports.ts).
 */
import { ArgumentError } from '../errors.js';
import type { ComponentState } from './abi/index.js';
import type { ComponentFunc } from './items.js';
import { upperCamelCase } from './js-names.js';
import type { ResourceType } from './types.js';

/** A resource class; `constructorFunc` is set when the component exports a constructor. */
export type ResourceClass = (new (...args: unknown[]) => object) & { constructorFunc?: ComponentFunc };

// `Symbol.dispose` is in Node 20+, but not in the ES2022 lib this library is typed against.
const DISPOSE: symbol | undefined = (Symbol as { readonly dispose?: symbol }).dispose;

export function resourceClass(resource: ResourceType, state: ComponentState): ResourceClass {
  const name = resource.name ?? 'resource';
  const className = upperCamelCase(name);
  const holder: Record<string, ResourceClass> = {
    [className]: class {
      constructor(...args: unknown[]) {
        const ctor = (new.target as ResourceClass).constructorFunc;
        if (ctor === undefined) {
          throw new ArgumentError(
            'ERR_ARG_TYPE',
            `resource ${name} has no constructor: its handles come from the component's functions`,
          );
        }
        // biome-ignore lint/correctness/noConstructorReturn: the lifted handle object is the instance
        return ctor.call(...args) as object;
      }
    } as ResourceClass,
  };
  const cls = holder[className] as ResourceClass;
  const drop = function (this: unknown): void {
    state.dropResource(this, `${className}[Symbol.dispose]`);
  };
  if (DISPOSE !== undefined)
    Object.defineProperty(cls.prototype, DISPOSE, { value: drop, configurable: true, writable: true });
  return cls;
}
