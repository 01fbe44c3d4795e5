/**
 * `Memory` wraps a `WebAssembly.Memory`. Its views (`uint8View()`...) stay valid
 * when the memory grows: the raw JS API detaches every typed array on growth,
 * so each view keeps the buffer it last saw and rebuilds its typed array (or
 * DataView) only when that buffer has been detached or replaced.
 */

import { describe } from './describe.js';
import { ArgumentError } from './errors.js';
import { MAX_MEMORY32_PAGES as MAX_PAGES, PAGE_SIZE } from './parser/limits.js';
import { checkBoolean, checkIntegerInRange, checkObject, checkOneOf, invalidOption, needsNode } from './validate.js';

/** V8's limit on a memory64 memory: 262,144 pages (16 GiB), its "upper bound" for initial and maximum. */
const MAX_MEMORY64_PAGES = 262144;

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

let memory64Api: boolean | undefined;

/**
 * Whether this V8's JS API has memory64 (`address: 'i64'`, bigint sizes: Node 24+). Node 22 runs
 * memory64 modules, but its JS API takes numbers and ignores `address` (it makes a 32-bit memory),
 * as Node 20's does.
 */
function hasMemory64Api(): boolean {
  if (memory64Api === undefined) {
    try {
      new WebAssembly.Memory({ initial: 0n as unknown as number, address: 'i64' } as WebAssembly.MemoryDescriptor);
      memory64Api = true;
    } catch {
      memory64Api = false;
    }
  }
  return memory64Api;
}

/**
 * Options of `new Memory(...)`, in pages of 64 KiB. A memory64 memory (`address: 'i64'`, Node 24+)
 * takes its sizes as bigints, as the JS API does: `{ minimum: 1n, maximum: 16n, address: 'i64' }`.
 */
export interface MemoryDescriptor {
  readonly minimum: number | bigint;
  /** Default: no maximum (required for `shared`). */
  readonly maximum?: number | bigint | null | undefined;
  readonly shared?: boolean | undefined;
  /** The type of its addresses: 'i32' (default) or 'i64' (memory64, the JS API's `address`). */
  readonly address?: 'i32' | 'i64' | undefined;
}

type TypedArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

interface TypedArrayConstructor<A extends TypedArray> {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): A;
  readonly BYTES_PER_ELEMENT: number;
}

interface ElementKind<T extends number | bigint, A extends TypedArray> {
  readonly name: string;
  readonly ctor: TypedArrayConstructor<A>;
  readonly read: (dv: DataView, offset: number) => T;
  readonly write: (dv: DataView, offset: number, value: T) => void;
  readonly isBigInt: boolean;
}

function kind<T extends number | bigint, A extends TypedArray>(
  name: string,
  ctor: TypedArrayConstructor<A>,
  read: (dv: DataView, offset: number) => T,
  write: (dv: DataView, offset: number, value: T) => void,
): ElementKind<T, A> {
  return {
    name,
    ctor,
    read,
    write,
    isBigInt: (ctor as unknown) === BigInt64Array || (ctor as unknown) === BigUint64Array,
  };
}

const KINDS = {
  uint8: kind(
    'uint8',
    Uint8Array,
    (d, o) => d.getUint8(o),
    (d, o, v: number) => d.setUint8(o, v),
  ),
  int8: kind(
    'int8',
    Int8Array,
    (d, o) => d.getInt8(o),
    (d, o, v: number) => d.setInt8(o, v),
  ),
  uint16: kind(
    'uint16',
    Uint16Array,
    (d, o) => d.getUint16(o, true),
    (d, o, v: number) => d.setUint16(o, v, true),
  ),
  int16: kind(
    'int16',
    Int16Array,
    (d, o) => d.getInt16(o, true),
    (d, o, v: number) => d.setInt16(o, v, true),
  ),
  uint32: kind(
    'uint32',
    Uint32Array,
    (d, o) => d.getUint32(o, true),
    (d, o, v: number) => d.setUint32(o, v, true),
  ),
  int32: kind(
    'int32',
    Int32Array,
    (d, o) => d.getInt32(o, true),
    (d, o, v: number) => d.setInt32(o, v, true),
  ),
  bigUint64: kind(
    'bigUint64',
    BigUint64Array,
    (d, o) => d.getBigUint64(o, true),
    (d, o, v: bigint) => d.setBigUint64(o, v, true),
  ),
  bigInt64: kind(
    'bigInt64',
    BigInt64Array,
    (d, o) => d.getBigInt64(o, true),
    (d, o, v: bigint) => d.setBigInt64(o, v, true),
  ),
  float32: kind(
    'float32',
    Float32Array,
    (d, o) => d.getFloat32(o, true),
    (d, o, v: number) => d.setFloat32(o, v, true),
  ),
  float64: kind(
    'float64',
    Float64Array,
    (d, o) => d.getFloat64(o, true),
    (d, o, v: number) => d.setFloat64(o, v, true),
  ),
};

/**
 * A typed, little-endian window on a memory from `byteOffset` to its end, that
 * stays valid after `grow`. Index it (`view[i]`, `view[i] = v`: through a Proxy,
 * handy but slower), or call `get(i)`/`set(i, v)`; copy ranges out with `slice` and in
 * with `write` at typed-array speed. `array` is the live typed array itself for
 * hot loops (aligned views only; re-read it after the memory grows).
 * Out-of-range indexes throw `ArgumentError` (`ERR_ARG_RANGE`).
 */
export class MemoryView<T extends number | bigint = number, A extends TypedArray = TypedArray> {
  /** The memory this view reads. */
  readonly memory: Memory;
  /** Where the view starts in the memory, in bytes. */
  readonly byteOffset: number;
  readonly bytesPerElement: number;
  private readonly kind: ElementKind<T, A>;
  private readonly aligned: boolean;
  private readonly isShared: boolean;
  private buf: ArrayBufferLike;
  private arr: A | null = null;
  private dv: DataView;
  private len = 0;

  /** @internal use `memory.uint8View()` and friends. */
  constructor(memory: Memory, kindInfo: ElementKind<T, A>, byteOffset: number) {
    this.memory = memory;
    this.kind = kindInfo;
    this.byteOffset = byteOffset;
    this.bytesPerElement = kindInfo.ctor.BYTES_PER_ELEMENT;
    this.aligned = LITTLE_ENDIAN_HOST && byteOffset % this.bytesPerElement === 0;
    this.isShared = memory.shared;
    this.buf = memory.raw.buffer;
    this.dv = new DataView(this.buf);
    this.rebuild(this.buf);
  }

  private rebuild(buffer: ArrayBufferLike): void {
    this.buf = buffer;
    this.len = Math.max(0, Math.floor((buffer.byteLength - this.byteOffset) / this.bytesPerElement));
    this.dv = new DataView(buffer);
    this.arr = this.aligned ? new this.kind.ctor(buffer, this.byteOffset, this.len) : null;
  }

  /** Rebuilds the typed array when the memory grew since the last access. */
  private sync(): void {
    // A grown non-shared memory detaches its old buffer, which empties the typed
    // arrays on it; a shared one hands out a new, longer SharedArrayBuffer. The
    // typed array's length is the cheap test: TurboFan inlines it, while
    // ArrayBuffer#byteLength stays a call (get(i) measured 9 ns vs 1 ns).
    const arr = this.arr;
    if ((arr !== null ? arr.length === 0 : this.buf.byteLength === 0) || this.isShared) {
      const current = this.memory.raw.buffer;
      if (current !== this.buf) this.rebuild(current);
    }
  }

  /** Number of whole elements from `byteOffset` to the end of the memory (grows with it). */
  get length(): number {
    this.sync();
    return this.len;
  }

  /** The live typed array (aligned views on little-endian hosts only). It goes stale when the memory grows. */
  get array(): A {
    this.sync();
    if (this.arr === null) {
      throw new ArgumentError(
        'ERR_ARG_RANGE',
        `${this.kind.name}View(${this.byteOffset}) is not aligned to ${this.bytesPerElement} bytes, so it has no typed array: use get, set or slice`,
      );
    }
    return this.arr;
  }

  private checkIndex(index: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.len)) {
      throw new ArgumentError(
        typeof index === 'number' ? 'ERR_ARG_RANGE' : 'ERR_ARG_TYPE',
        `${this.kind.name}View: index ${describe(index)} is outside [0, ${this.len})`,
      );
    }
  }

  /** The element at `index`; throws ArgumentError when out of range. */
  get(index: number): T {
    // typeof first: `>>>` on an object would call its valueOf (or throw a bare TypeError).
    this.sync();
    const arr = this.arr;
    if (arr !== null && typeof index === 'number' && index >>> 0 === index && index < this.len) return arr[index] as T;
    this.checkIndex(index);
    return this.kind.read(this.dv, this.byteOffset + index * this.bytesPerElement);
  }

  /** Stores `value` (wrapped like a typed array does) at `index`. */
  set(index: number, value: T): void {
    this.sync();
    if (typeof value !== (this.kind.isBigInt ? 'bigint' : 'number')) {
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `${this.kind.name}View: value ${describe(value)} is not a ${this.kind.isBigInt ? 'bigint' : 'number'}`,
      );
    }
    const arr = this.arr;
    if (arr !== null && typeof index === 'number' && index >>> 0 === index && index < this.len) {
      (arr as unknown as T[])[index] = value;
      return;
    }
    this.checkIndex(index);
    this.kind.write(this.dv, this.byteOffset + index * this.bytesPerElement, value);
  }

  /** A copy of elements [start, end) as a typed array (negative indexes count from the end, like TypedArray.slice). */
  slice(start = 0, end?: number): A {
    this.sync();
    if (this.arr !== null) return this.arr.slice(start, end) as A;
    const [from, to] = clampRange(start, end, this.len);
    const base = this.byteOffset + from * this.bytesPerElement;
    const count = to - from;
    if (LITTLE_ENDIAN_HOST) {
      const copy = new Uint8Array(count * this.bytesPerElement);
      copy.set(new Uint8Array(this.buf, base, count * this.bytesPerElement));
      return new this.kind.ctor(copy.buffer);
    }
    const out = new this.kind.ctor(new ArrayBuffer(count * this.bytesPerElement));
    for (let i = 0; i < count; i++) {
      (out as unknown as T[])[i] = this.kind.read(this.dv, base + i * this.bytesPerElement);
    }
    return out;
  }

  /** Copies `values` into the view starting at element `index`; throws ArgumentError when they do not fit. */
  write(values: ArrayLike<T>, index = 0): void {
    this.sync();
    if (typeof values !== 'object' || values === null || !Number.isSafeInteger(values.length)) {
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `${this.kind.name}View.write: values must be an array or typed array, got ${describe(values)}`,
      );
    }
    if (!Number.isInteger(index) || index < 0 || index + values.length > this.len) {
      throw new ArgumentError(
        'ERR_ARG_RANGE',
        `${this.kind.name}View.write: ${values.length} elements at index ${index} do not fit in ${this.len}`,
      );
    }
    try {
      if (this.arr !== null) {
        (this.arr as unknown as { set(a: ArrayLike<T>, o: number): void }).set(values, index);
        return;
      }
      for (let i = 0; i < values.length; i++) {
        this.kind.write(this.dv, this.byteOffset + (index + i) * this.bytesPerElement, values[i] as T);
      }
    } catch (cause) {
      // V8's TypeError for a bigint among numbers (or a number among bigints).
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `${this.kind.name}View.write: every value must be a ${this.kind.isBigInt ? 'bigint' : 'number'}`,
        { cause },
      );
    }
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }
}

function clampRange(start: number, end: number | undefined, length: number): [number, number] {
  const rel = (v: number): number => {
    const n = Math.trunc(v) || 0;
    return n < 0 ? Math.max(length + n, 0) : Math.min(n, length);
  };
  const from = rel(start);
  const to = end === undefined ? length : rel(end);
  return [from, Math.max(from, to)];
}

/** A canonical numeric property name ("0", "17", "-1", "1.5") as a number, or null for any other name. */
function indexOf(prop: PropertyKey): number | null {
  if (typeof prop !== 'string') return null;
  const c = prop.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 45)) return null;
  const n = Number(prop);
  return String(n) === prop ? n : null;
}

// Indexing without wrapping each view in a Proxy: the Proxy sits at the end of
// MemoryView.prototype's chain, so `view.get`, `view.length`, `view.array`...
// are ordinary fast property loads, and only names found nowhere else (numeric
// indexes) reach the traps, with the view as `receiver`.
const INDEXING: ProxyHandler<object> = {
  get(target, prop, receiver) {
    const i = indexOf(prop);
    if (i !== null) return (receiver as MemoryView<number | bigint>).get(i);
    return Reflect.get(target, prop, receiver);
  },
  set(target, prop, value, receiver) {
    const i = indexOf(prop);
    if (i === null) return Reflect.set(target, prop, value, receiver);
    (receiver as MemoryView<number | bigint>).set(i, value);
    return true;
  },
};
Object.setPrototypeOf(MemoryView.prototype, new Proxy({}, INDEXING));

/** A memory view you can also index: `view[i]`, `view[i] = v`. */
export type IndexedView<T extends number | bigint, A extends TypedArray> = MemoryView<T, A> & { [index: number]: T };

/**
 * A linear memory: create one to import (`new Memory({ minimum: 1, maximum: 10 })`),
 * or get the instance's from `instance.memory` / `instance.exports.memory`.
 */
export class Memory {
  readonly raw: WebAssembly.Memory;
  /** Maximum size in pages, or `null` when none was declared (or it is unknown for a wrapped raw memory). */
  readonly maximum: number | null;
  readonly shared: boolean;
  /** 'i64' for a memory64 memory: its `grow` takes and returns bigints. */
  readonly addressType: 'i32' | 'i64';

  /**
   * `new Memory({ minimum, maximum?, shared?, address? })` (sizes in 64 KiB pages) creates a memory;
   * `new Memory(rawWebAssemblyMemory)` wraps an existing one. Throws ArgumentError
   * (`ERR_INVALID_OPTION`) on a bad descriptor, and for `address: 'i64'` on a Node without memory64
   * (before 24), which would otherwise make a 32-bit memory.
   */
  constructor(
    descriptor: MemoryDescriptor | WebAssembly.Memory,
    type?: { maximum: number | null; shared: boolean; addressType?: 'i32' | 'i64' },
  ) {
    if (descriptor instanceof WebAssembly.Memory) {
      this.raw = descriptor;
      this.shared =
        type?.shared ?? (typeof SharedArrayBuffer !== 'undefined' && descriptor.buffer instanceof SharedArrayBuffer);
      this.maximum = type?.maximum ?? null;
      this.addressType = type?.addressType ?? 'i32';
      return;
    }
    checkObject(descriptor, 'new Memory: descriptor', '{ minimum, maximum?, shared?, address? }');
    const { maximum: max = null, shared = false, address = 'i32' } = descriptor as MemoryDescriptor;
    checkOneOf(address, 'new Memory: address', ['i32', 'i64'] as const);
    const is64 = address === 'i64';
    if (is64 && !hasMemory64Api()) throw needsNode('new Memory: address', "'i64' (memory64)", 24);
    const pages = (value: unknown, what: string): number => {
      if (is64) {
        if (typeof value !== 'bigint' || value < 0n || value > BigInt(MAX_MEMORY64_PAGES)) {
          throw invalidOption(
            `new Memory: ${what}`,
            `a bigint number of pages in [0n, ${MAX_MEMORY64_PAGES}n] for an i64 memory (as the JS API takes them)`,
            value,
          );
        }
        return Number(value);
      }
      checkIntegerInRange(value, `new Memory: ${what}`, 0, MAX_PAGES, 'pages');
      return value;
    };
    const minimum = pages(descriptor.minimum, 'minimum');
    const maximum = max === null ? null : pages(max, 'maximum');
    if (maximum !== null && maximum < minimum) {
      throw invalidOption('new Memory: maximum', `at least minimum (${minimum})`, max);
    }
    checkBoolean(shared, 'new Memory: shared');
    if (shared && maximum === null) {
      throw new ArgumentError('ERR_INVALID_OPTION', 'new Memory: a shared memory needs a maximum');
    }
    // V8 reads an i64 memory's sizes as bigints (ToBigInt: a number is a TypeError).
    const size = (n: number): number => (is64 ? (BigInt(n) as unknown as number) : n);
    const raw: WebAssembly.MemoryDescriptor = { initial: size(minimum) };
    if (maximum !== null) raw.maximum = size(maximum);
    if (shared) raw.shared = true;
    if (is64) (raw as { address?: string }).address = 'i64';
    try {
      this.raw = new WebAssembly.Memory(raw);
    } catch (e) {
      throw new ArgumentError(
        'ERR_ARG_RANGE',
        `new Memory: cannot allocate ${minimum} pages: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    this.maximum = maximum;
    this.shared = shared;
    this.addressType = address;
  }

  /** The raw buffer, zero copy. It is replaced (and, unless shared, detached) when the memory grows. */
  get buffer(): ArrayBuffer | SharedArrayBuffer {
    return this.raw.buffer;
  }

  /** Size in pages of 64 KiB. */
  get size(): number {
    return this.raw.buffer.byteLength / PAGE_SIZE;
  }

  /** Size in bytes. */
  get dataSize(): number {
    return this.raw.buffer.byteLength;
  }

  /**
   * Grows the memory by `pages` and returns the previous size in pages: numbers for an i32
   * memory, bigints for an i64 one (as the JS API does). Throws ArgumentError `ERR_ARG_RANGE`
   * (memory unchanged) when that would pass the maximum or the engine cannot allocate it,
   * `ERR_ARG_TYPE` when `pages` is not a non-negative integer of the memory's kind.
   */
  grow(pages: number): number;
  grow(pages: bigint): bigint;
  grow(pages: number | bigint): number | bigint {
    const is64 = this.addressType === 'i64';
    const kind = is64 ? 'bigint' : 'number';
    const isInteger = is64 ? typeof pages === 'bigint' : typeof pages === 'number' && Number.isInteger(pages);
    if (!isInteger || pages < 0) {
      throw new ArgumentError(
        typeof pages === kind ? 'ERR_ARG_RANGE' : 'ERR_ARG_TYPE',
        `memory.grow: pages must be a non-negative ${is64 ? 'bigint (an i64 memory)' : 'integer'}, got ${describe(pages)}`,
      );
    }
    const delta = Number(pages);
    const size = this.size;
    const max = this.maximum ?? (is64 ? MAX_MEMORY64_PAGES : MAX_PAGES);
    if (size + delta > max) {
      throw new ArgumentError(
        'ERR_ARG_RANGE',
        `memory.grow: cannot grow from ${size} to ${size + delta} pages, the maximum is ${max}`,
      );
    }
    try {
      // Node 22 runs memory64 modules, but its JS API grows their memories by a number.
      if (is64 && !hasMemory64Api()) return BigInt(this.raw.grow(delta));
      return this.raw.grow(pages as number);
    } catch (e) {
      throw new ArgumentError(
        'ERR_ARG_RANGE',
        `memory.grow: cannot grow from ${size} to ${size + delta} pages: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  private view<T extends number | bigint, A extends TypedArray>(
    kindInfo: ElementKind<T, A>,
    offset: number,
  ): IndexedView<T, A> {
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset > this.dataSize) {
      throw new ArgumentError(
        typeof offset === 'number' ? 'ERR_ARG_RANGE' : 'ERR_ARG_TYPE',
        `${kindInfo.name}View: offset ${describe(offset)} is outside the memory [0, ${this.dataSize}]`,
      );
    }
    return new MemoryView(this, kindInfo, offset) as IndexedView<T, A>;
  }

  uint8View(offset = 0): IndexedView<number, Uint8Array> {
    return this.view(KINDS.uint8, offset);
  }
  int8View(offset = 0): IndexedView<number, Int8Array> {
    return this.view(KINDS.int8, offset);
  }
  uint16View(offset = 0): IndexedView<number, Uint16Array> {
    return this.view(KINDS.uint16, offset);
  }
  int16View(offset = 0): IndexedView<number, Int16Array> {
    return this.view(KINDS.int16, offset);
  }
  uint32View(offset = 0): IndexedView<number, Uint32Array> {
    return this.view(KINDS.uint32, offset);
  }
  int32View(offset = 0): IndexedView<number, Int32Array> {
    return this.view(KINDS.int32, offset);
  }
  bigUint64View(offset = 0): IndexedView<bigint, BigUint64Array> {
    return this.view(KINDS.bigUint64, offset);
  }
  bigInt64View(offset = 0): IndexedView<bigint, BigInt64Array> {
    return this.view(KINDS.bigInt64, offset);
  }
  float32View(offset = 0): IndexedView<number, Float32Array> {
    return this.view(KINDS.float32, offset);
  }
  float64View(offset = 0): IndexedView<number, Float64Array> {
    return this.view(KINDS.float64, offset);
  }
}
