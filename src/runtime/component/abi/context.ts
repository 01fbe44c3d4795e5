/**
 * What lifting and lowering need while they run: the guest's memory (views rebuilt only when
 * `memory.buffer` changes, since growth detaches the old buffer), its `realloc`, the string
 * encoding, the component's state, and the borrow bookkeeping of the call in progress.
 */

import { CanonicalAbiError } from '../../errors.js';
import type { StringEncoding } from '../parser/ast.js';
import type { ComponentState, HandleEntry } from './state.js';

/**
 * The canonical options of one `canon lift` or `canon lower`, as instantiation binds them.
 * `memory` is a thunk so that the core instance exporting it may be created after the canon
 * definition is read; `realloc` and `postReturn` are called only when the function type needs them.
 */
export interface CanonContext {
  readonly memory?: () => WebAssembly.Memory;
  readonly realloc?: (oldPtr: number, oldSize: number, align: number, newSize: number) => number;
  readonly postReturn?: (...flat: (number | bigint)[]) => unknown;
  readonly stringEncoding: StringEncoding;
  readonly state: ComponentState;
}

/** The lends of one `canon lower` call: handles whose borrows were given to the host, returned when it returns. */
export interface LendScope {
  readonly lent: HandleEntry[];
  /** False once the call returned: borrowed guest-resource objects of this call are then unusable. */
  isActive: boolean;
}

/** The borrows one `canon lift` call gave the guest: all must be dropped before the guest returns. */
export interface BorrowScope {
  borrows: number;
}

/** The running state of lifting/lowering for one function (one per liftFunction/lowerFunction closure). */
export class Cx {
  readonly label: string;
  readonly encoding: StringEncoding;
  readonly state: ComponentState;
  /** The lends of the `canon lower` call in progress, when its params hold borrows. */
  lends: LendScope | undefined = undefined;
  /** The borrows of the `canon lift` call in progress, when its params hold borrows. */
  borrows: BorrowScope | undefined = undefined;
  /** The (tagged) code-unit length of the string `storeString` just wrote. */
  units = 0;
  private readonly context: CanonContext;
  private buffer: ArrayBufferLike | undefined = undefined;
  private u8: Uint8Array = new Uint8Array(0);
  private dv: DataView = new DataView(new ArrayBuffer(0));

  constructor(context: CanonContext, label: string) {
    this.context = context;
    this.label = label;
    this.encoding = context.stringEncoding;
    this.state = context.state;
  }

  /**
   * Rebuilds the views from `memory.buffer`. Called only when the cached view is empty: growing
   * a memory detaches its old buffer, whose views then have length 0, so the check costs nothing
   * per access (`memory.buffer` itself costs some 60 ns). A shared memory grows without detaching:
   * `check` refreshes before it reports a block out of bounds.
   */
  private reload(): void {
    const thunk = this.context.memory;
    if (thunk === undefined) {
      throw new CanonicalAbiError('ERR_CANON_BOUNDS', `${this.label}: the function has no memory option to use`);
    }
    const buffer = thunk().buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.u8 = new Uint8Array(buffer);
      this.dv = new DataView(buffer);
    }
  }

  /** The guest memory's bytes, current after any growth. */
  bytes(): Uint8Array {
    if (this.u8.byteLength === 0) this.reload();
    return this.u8;
  }

  /** A DataView of the guest's memory, current after any growth. */
  view(): DataView {
    if (this.u8.byteLength === 0) this.reload();
    return this.dv;
  }

  /** Whether `[ptr, ptr + size)` is in memory (refreshing the views first when it seems not to be). */
  fits(ptr: number, size: number): boolean {
    if (ptr + size <= this.bytes().byteLength) return true;
    this.reload();
    return ptr + size <= this.u8.byteLength;
  }

  /**
   * Checks that `[ptr, ptr + size)` is in memory and `ptr` is aligned, trapping as the spec
   * does (`ERR_CANON_ALIGN`, `ERR_CANON_BOUNDS`) with `what` naming the value.
   */
  check(ptr: number, size: number, align: number, what: string): void {
    if (ptr % align !== 0) {
      throw new CanonicalAbiError('ERR_CANON_ALIGN', `${what}: pointer ${ptr} is not aligned to ${align} bytes`);
    }
    if (!this.fits(ptr, size)) {
      const length = this.u8.byteLength;
      throw new CanonicalAbiError(
        'ERR_CANON_BOUNDS',
        `${what}: ${size} bytes at ${ptr} reach past the end of memory (${length} bytes)`,
      );
    }
  }

  /**
   * Calls the guest's `realloc` (the guest may not call out meanwhile: `mayLeave` is false),
   * and checks that the block it returns is aligned and in bounds.
   */
  realloc(oldPtr: number, oldSize: number, align: number, newSize: number, what: string): number {
    const realloc = this.context.realloc;
    if (realloc === undefined) {
      throw new CanonicalAbiError('ERR_CANON_BOUNDS', `${what}: the function has no realloc option to allocate with`);
    }
    const state = this.state;
    state.mayLeave = false;
    let ptr: number;
    try {
      ptr = realloc(oldPtr, oldSize, align, newSize) >>> 0;
    } finally {
      state.mayLeave = true;
    }
    // The message is built only on failure: a template here would allocate on every call.
    if (ptr % align !== 0 || !this.fits(ptr, newSize))
      this.check(ptr, newSize, align, `${what} (realloc returned ${ptr})`);
    return ptr;
  }

  allocate(align: number, size: number, what: string): number {
    return this.realloc(0, 0, align, size, what);
  }
}
