/**
 * `Global` wraps a `WebAssembly.Global` and knows its type, so `value` can be
 * checked and converted on the way in.
 */
import { converterFor, type RefContext } from './convert.js';
import { describe } from './describe.js';
import { ArgumentError } from './errors.js';
import { nameType } from './kinds.js';
import type { ValType } from './parser/types.js';
import { expectedRef, refParts } from './ref.js';
import { checkBoolean, checkObject, invalidOption, needsNode, oneOf } from './validate.js';
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
  anyref: 'anyref' as WebAssembly.ValueType,
  eqref: 'eqref' as WebAssembly.ValueType,
  i31ref: 'i31ref' as WebAssembly.ValueType,
  structref: 'structref' as WebAssembly.ValueType,
  arrayref: 'arrayref' as WebAssembly.ValueType,
};

/** The types of the GC proposal that V8 takes in a Global descriptor: Node 22+ (V8 12), not Node 20. */
const GC_TYPES = new Set(['anyref', 'eqref', 'i31ref', 'structref', 'arrayref']);

let gcGlobals: boolean | undefined;

/** Whether this V8 creates globals of GC types (probed once: Node 20's V8 11.3 refuses 'anyref'). */
export function hasGcGlobals(): boolean {
  if (gcGlobals === undefined) {
    try {
      new WebAssembly.Global({ value: 'anyref' as WebAssembly.ValueType });
      gcGlobals = true;
    } catch {
      gcGlobals = false;
    }
  }
  return gcGlobals;
}

/**
 * A global variable. `new Global({ type: 'i32', mutable: true }, 42)` makes one
 * to import; exported globals come as `Global`s too.
 */
export class Global {
  readonly raw: WebAssembly.Global;
  readonly type: ValType;
  readonly mutable: boolean;
  readonly #context: RefContext;

  /**
   * Creates a global of `descriptor.type` holding `value` (default zero/null), or,
   * given a raw `WebAssembly.Global` and its type, wraps it. Throws ArgumentError
   * (`ERR_INVALID_OPTION` for a bad descriptor, `ERR_ARG_TYPE`/`ERR_ARG_RANGE` for a bad value).
   */
  constructor(descriptor: GlobalDescriptor, value?: unknown);
  constructor(raw: WebAssembly.Global, type: GlobalDescriptor, context?: RefContext);
  constructor(descriptor: GlobalDescriptor | WebAssembly.Global, second?: unknown, context: RefContext = {}) {
    this.#context = context;
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
        oneOf(['i32', 'i64', 'f32', 'f64', 'funcref', 'externref', ...GC_TYPES]),
        descriptor.type,
      );
    }
    if (GC_TYPES.has(descriptor.type) && !hasGcGlobals()) {
      throw needsNode('new Global: type', `'${descriptor.type}' (WebAssembly GC)`, 22);
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

  private get label(): string {
    return `global (${this.mutable ? 'mut ' : ''}${nameType(this.type, this.#context.typeNames)})`;
  }

  /**
   * Runs a V8 global operation, turning V8's TypeError for a value only it could check
   * (a struct of another type, a JS function that looks like a Wasm one) into ours.
   */
  private crossing<T>(value: unknown, operation: () => T): T {
    try {
      return operation();
    } catch (cause) {
      if (!(cause instanceof TypeError)) throw cause;
      const parts = refParts(this.type);
      const expected =
        parts === null
          ? this.type
          : expectedRef(nameType(this.type, this.#context.typeNames), parts, this.#context.kind);
      throw new ArgumentError('ERR_ARG_TYPE', `${this.label}: value is ${describe(value)}, expected ${expected}`, {
        cause,
      });
    }
  }

  private convert(value: unknown): unknown {
    try {
      return converterFor(this.type, this.#context)(value, 0, this.label);
    } catch (e) {
      if (e instanceof ArgumentError) {
        // The converter speaks of "argument 1"; a global has one value.
        throw new ArgumentError(e.code, e.message.replace('argument 1', 'value'));
      }
      throw e;
    }
  }

  /** The current value: a number, a bigint for i64, a function or null for funcref, as V8 gives it for other references. */
  get value(): unknown {
    if (this.type === 'v128') {
      throw new ArgumentError('ERR_ARG_TYPE', 'a v128 global cannot be read from JS (V8 limit)');
    }
    if (refParts(this.type)?.heap === 'exn' || refParts(this.type)?.heap === 'noexn') {
      throw new ArgumentError('ERR_ARG_TYPE', `${this.label}: exception references cannot be read from JS`);
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
    const converted = this.convert(value instanceof Value && this.type === value.type ? value.value : value);
    this.crossing(value, () => {
      this.raw.value = converted;
    });
  }
}
