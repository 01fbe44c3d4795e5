/**
 * `Tag` wraps a `WebAssembly.Tag` (exception handling) and knows its parameter
 * types, so that an exception with that tag can be read when it reaches JS
 * (`WasmException`, trap.ts) and an imported tag can be checked. The live tags
 * are in tag-registry.ts, which trap.ts reads without importing the call boundary.
 */
import { converterFor } from './convert.js';
import { ArgumentError } from './errors.js';
import type { ValType } from './parser/types.js';
import { registerTag } from './tag-registry.js';
import { checkObject, invalidOption, oneOf } from './validate.js';

/** The type of a tag: `{ parameters: ['i32', 'i64'] }`, the types of its exceptions' payload. */
export interface TagDescriptor {
  readonly parameters: readonly ValType[];
}

// V8's name for each value type a JS-made tag may have.
const RAW_TYPE: Readonly<Record<string, WebAssembly.ValueType>> = {
  i32: 'i32',
  i64: 'i64',
  f32: 'f32',
  f64: 'f64',
  v128: 'v128',
  funcref: 'anyfunc',
  externref: 'externref',
};

/**
 * An exception tag. `new Tag({ parameters: ['i32'] })` makes one to import (a host function
 * throws `tag.exception([42])` for Wasm to catch); exported tags come as `Tag`s too.
 */
export class Tag {
  readonly raw: WebAssembly.Tag;
  readonly parameters: readonly ValType[];
  /** The export or import name it is known by (`error`, `env.error`), or null for a tag made in JS. */
  readonly name: string | null;

  /**
   * Creates a tag with `descriptor.parameters`, or, given a raw `WebAssembly.Tag` and its type, wraps
   * it. Throws ArgumentError `ERR_INVALID_OPTION` for a bad descriptor.
   */
  constructor(descriptor: TagDescriptor);
  /** @internal */
  constructor(raw: WebAssembly.Tag, type: TagDescriptor, name: string | null);
  constructor(descriptor: TagDescriptor | WebAssembly.Tag, type?: TagDescriptor, name: string | null = null) {
    if (descriptor instanceof WebAssembly.Tag) {
      this.raw = descriptor;
      this.parameters = Object.freeze([...(type as TagDescriptor).parameters]);
      this.name = name;
    } else {
      checkObject(descriptor, 'new Tag: descriptor', '{ parameters }');
      const { parameters } = descriptor;
      if (!Array.isArray(parameters)) {
        throw invalidOption('new Tag: parameters', 'an array of value types', parameters);
      }
      const raw = parameters.map((p: unknown, i) => {
        const t = typeof p === 'string' ? RAW_TYPE[p] : undefined;
        if (t === undefined) {
          throw invalidOption(`new Tag: parameters[${i}]`, oneOf(Object.keys(RAW_TYPE)), p);
        }
        return t;
      });
      try {
        this.raw = new WebAssembly.Tag({ parameters: raw });
      } catch (cause) {
        // Node 20's V8 refuses a v128 parameter.
        throw new ArgumentError('ERR_INVALID_OPTION', `new Tag: ${(cause as Error).message}`, { cause });
      }
      this.parameters = Object.freeze([...parameters]);
      this.name = null;
    }
    registerTag(this);
  }

  /**
   * A `WebAssembly.Exception` with this tag and `payload` (one value per parameter) and a stack trace,
   * for a host function to throw: Wasm catches it by this tag (`catch $tag`). Throws ArgumentError
   * `ERR_ARG_COUNT` when the payload has the wrong length, `ERR_ARG_TYPE` / `ERR_ARG_RANGE` for a value that does not fit its type.
   */
  exception(payload: readonly unknown[] = []): WebAssembly.Exception {
    if (!Array.isArray(payload) || payload.length !== this.parameters.length) {
      throw new ArgumentError(
        'ERR_ARG_COUNT',
        `tag.exception: the tag takes ${this.parameters.length} payload values (${this.parameters.join(', ')}), got ${Array.isArray(payload) ? payload.length : String(payload)}`,
      );
    }
    // Our checks, as for a call's arguments: V8's own conversion differs between versions (V8 12 takes "x" for an i64).
    const values = this.parameters.map((type, i) => converterFor(type)(payload[i], i, 'tag.exception (payload)'));
    try {
      // traceStack: the stack then holds the Wasm frames that called the host function, for `WasmException.frames`.
      return new WebAssembly.Exception(this.raw, values, { traceStack: true });
    } catch (cause) {
      throw new ArgumentError('ERR_ARG_TYPE', `tag.exception: ${(cause as Error).message}`, { cause });
    }
  }
}
