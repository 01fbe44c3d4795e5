/** `ComponentInstance`: what `component.instantiate(imports)` returns. */
import type { Component } from './component.js';

/**
 * An instantiated component. `exports` is a plain frozen object: functions keyed by
 * lowerCamelCase (`greet`, `echoPoint`), exported interfaces as nested objects keyed by
 * their full name (`exports['wasi:cli/run@0.2.3'].run()`), resources the component
 * defines as classes (`new exports['test:resources/counters'].Counter(5)`). A function
 * returning `result<T, E>` returns T and throws `ResultError` with the `err` payload;
 * a guest trap throws `Trap`, a broken rule of the canonical ABI `CanonicalAbiError`.
 */
export class ComponentInstance<E extends object = Readonly<Record<string, unknown>>> {
  readonly component: Component;
  readonly exports: E;
  /** @internal */
  constructor(component: Component, exports: E) {
    this.component = component;
    this.exports = exports;
  }
}
