/**
 * A parsed component (`ComponentAst`) as bytes and back, for the CLI's parse cache
 * (engine/cache/parse-cache.ts): a command component's parse and validation took
 * 8-9 ms of a 99 ms `run` on Node 26 (each parser function runs once, interpreted).
 *
 * The bytes are V8's own structured serialization (ValueSerializer, what postMessage
 * uses), reached through the native addon (native/src/addon.cc): it keeps the graph a
 * graph (a type is shared by every place that uses it, and a resource type is compared
 * by identity, ../types.ts), and Maps, Sets, bigints, undefined, NaN and -0 as they are,
 * and reading it back is native code. A decoder of our own in JavaScript, as this file
 * held before, runs interpreted in a cold process: 2.3-3.2 ms for jco's adapted hello
 * world (800 objects), where V8's takes about 1.
 *
 * The component's own bytes are not copied in: their ArrayBuffer is transferred, so a
 * view of them (a core module, a custom section's contents) is written as an offset into
 * that buffer, and read back as a view of the bytes given to `decodeAst`. V8 throws for
 * what it cannot write (a function, a symbol); an object of a class comes back a plain
 * object, which the round trips of every fixture in the tests would show.
 */
import type { ComponentAst } from './ast.js';

/** The native addon's `serializeValue` and `deserializeValue` (engine/native.ts). */
export interface StructuredSerializer {
  serializeValue(value: unknown, buffer: ArrayBuffer): Uint8Array;
  deserializeValue(data: Uint8Array, buffer: ArrayBuffer): unknown;
}

/** What `encodeAst` writes: the data, and where the component sat in the buffer it was parsed from. */
export interface EncodedAst {
  readonly data: Uint8Array;
  readonly base: number;
}

/**
 * The furthest into its buffer a component may sit for its parse to be written: `decodeAst`
 * may have to lay out a buffer this much larger than the component. Node's shared pool,
 * where a small file's bytes are read into, is 8 KiB.
 */
const MAX_BASE = 64 * 1024;

/**
 * `ast`, the parse of `bytes`, serialized. Null when `bytes` are not on an ArrayBuffer
 * (a SharedArrayBuffer cannot be transferred) or sit beyond MAX_BASE in it. Throws V8's
 * Error for what it cannot write.
 */
export function encodeAst(ast: ComponentAst, bytes: Uint8Array, v8: StructuredSerializer): EncodedAst | null {
  if (!(bytes.buffer instanceof ArrayBuffer) || bytes.byteOffset > MAX_BASE) return null;
  return { data: v8.serializeValue(ast, bytes.buffer), base: bytes.byteOffset };
}

/**
 * The AST `encodeAst` wrote for these bytes, its views on them. Throws `Error` when `data`
 * is not V8's serialization of the parse of a component of this size.
 */
export function decodeAst(data: Uint8Array, base: number, bytes: Uint8Array, v8: StructuredSerializer): ComponentAst {
  // The views were written as offsets into the buffer the component sat in at `base`. Bytes
  // read elsewhere (a small file's Buffer lies in Node's shared pool) get a buffer laid out so.
  if (!Number.isSafeInteger(base) || base < 0 || base > MAX_BASE)
    throw new Error(`a component at ${base} in its buffer`);
  let buffer = bytes.buffer;
  if (!(buffer instanceof ArrayBuffer) || bytes.byteOffset !== base) {
    const laidOut = new Uint8Array(base + bytes.byteLength);
    laidOut.set(bytes, base);
    buffer = laidOut.buffer;
  }
  const root = v8.deserializeValue(data, buffer) as Partial<ComponentAst> | null;
  if (
    typeof root !== 'object' ||
    root === null ||
    !Array.isArray(root.definitions) ||
    root.byteLength !== bytes.byteLength
  ) {
    throw new Error('not the parse of a component of this size');
  }
  return root as ComponentAst;
}
