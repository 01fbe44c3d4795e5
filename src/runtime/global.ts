/**
 * `Global` wraps a `WebAssembly.Global` and knows its type, so `value` can be
 * checked and converted on the way in.
 */
import { converterFor, unwrapFunction } from './convert.js';
import { describe } from './describe.js';
import { ArgumentError } from './errors.js';
import type { ValType } from './parser/types.js';
import { checkBoolean, checkObject, invalidOption, oneOf } from './validate.js';
import { Value } from './value.js';

/** The type of a global: `{ type: 'i32', mutable: true }`. */
export interface GlobalDescriptor {
  readonly type: ValType;
  readonly mutable?: boolean | undefined;
}

// V8's name for each value type in a WebAssembly.Global descriptor.
const RAW_TYPE: Record<string, WebAssembly.ValueType> = {
  i32: 'i32',
  i64: 'i64',
  f32: 'f32',
  f64: 'f64',
  v128: 'v128',
  funcref: 'anyfunc',
  externref: 'externref',
};

/**
 * A global variable. `new Global({ type: 'i32', mutable: true }, 42)` makes one
 * to import; exported globals come as `Global`s too.
 */
export class Global {
  readonly raw: WebAssembly.Global;
  readonly type: ValType;
  readonly mutable: boolean;

  /**
   * Creates a global of `descriptor.type` holding `value` (default zero/null), or,
   * given a raw `WebAssembly.Global` and its type, wraps it. Throws ArgumentError
   * (`ERR_INVALID_OPTION` for a bad descriptor, `ERR_ARG_TYPE`/`ERR_ARG_RANGE` for a bad value).
   */
  constructor(descriptor: GlobalDescriptor, value?: unknown);
  constructor(raw: WebAssembly.Global, type: GlobalDescriptor);
  constructor(descriptor: GlobalDescriptor | WebAssembly.Global, second?: unknown) {
    if (descriptor instanceof WebAssembly.Global) {
      const type = second as GlobalDescriptor;
      this.raw = descriptor;
      this.type = type.type;
      this.mutable = type.mutable ?? false;
      return;
    }
    checkObject(descriptor, 'new Global: descriptor', '{ type, mutable? }');
    if (RAW_TYPE[descriptor.type] === undefined) {
      throw invalidOption(
        'new Global: type',
        oneOf(['i32', 'i64', 'f32', 'f64', 'funcref', 'externref']),
        descriptor.type,
      );
    }
    const mutable = descriptor.mutable ?? false;
    checkBoolean(mutable, 'new Global: mutable');
    this.type = descriptor.type;
    this.mutable = mutable;
    const raw = { value: RAW_TYPE[descriptor.type] as WebAssembly.ValueType, mutable };
    if (descriptor.type === 'v128') {
      throw new ArgumentError('ERR_INVALID_OPTION', 'new Global: v128 globals cannot be created from JS (V8 limit)');
    }
    this.raw =
      second === undefined
        ? new WebAssembly.Global(raw)
        : this.crossing(second, () => new WebAssembly.Global(raw, this.convert(second)));
  }

  /** Runs a V8 global operation, turning V8's TypeError for a JS function given as funcref into ours. */
  private crossing<T>(value: unknown, operation: () => T): T {
    try {
      return operation();
    } catch (cause) {
      if (!(cause instanceof TypeError)) throw cause;
      const label = `global (${this.mutable ? 'mut ' : ''}${this.type})`;
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `${label}: value is ${describe(value)}, expected an exported Wasm function or null`,
        { cause },
      );
    }
  }

  private convert(value: unknown): unknown {
    const label = `global (${this.mutable ? 'mut ' : ''}${this.type})`;
    if (this.type === 'funcref') {
      if (value === null || typeof value === 'function') return unwrapFunction(value);
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `${label}: value is ${describe(value)}, expected an exported Wasm function or null`,
      );
    }
    try {
      return converterFor(this.type)(value, 0, label);
    } catch (e) {
      if (e instanceof ArgumentError) {
        // The converter speaks of "argument 1"; a global has one value.
        throw new ArgumentError(e.code, e.message.replace('argument 1', 'value'));
      }
      throw e;
    }
  }

  /** The current value: a number, a bigint for i64, a function or null for funcref. */
  get value(): unknown {
    if (this.type === 'v128') {
      throw new ArgumentError('ERR_ARG_TYPE', 'a v128 global cannot be read from JS (V8 limit)');
    }
    return this.raw.value;
  }

  /** Sets the value (converted like a function argument). Throws ArgumentError `ERR_IMMUTABLE_GLOBAL` when immutable. */
  set value(value: unknown) {
    if (!this.mutable) {
      throw new ArgumentError(
        'ERR_IMMUTABLE_GLOBAL',
        `cannot set an immutable ${this.type} global (to ${describe(value)})`,
      );
    }
    if (this.type === 'v128') {
      throw new ArgumentError('ERR_ARG_TYPE', 'a v128 global cannot be written from JS (V8 limit)');
    }
    this.crossing(value, () => {
      this.raw.value = this.convert(value instanceof Value && this.type === value.type ? value.value : value);
    });
  }
}
