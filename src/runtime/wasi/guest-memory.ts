/**
 * The guest's linear memory as the host functions see it: one Uint8Array and one
 * DataView over all of it, rebuilt only when memory.grow has replaced the buffer,
 * bounds checks that turn a bad pointer into EFAULT, and the byte layouts of the
 * records preview1 and wasi_unstable exchange through it (sizes and offsets from
 * the witx, as uvwasi's wasi_serdes.h names them), so no syscall body spells
 * an offset of its own.
 */
import { ERRNO, Errno } from './constants.js';
import type { MemoryCapWatch } from './memory-cap.js';

/** `ciovec`/`iovec`: buf u32, buf_len u32. */
export const IOVEC = { size: 8, buf: 0, len: 4 } as const;

/** `fdstat`: fs_filetype u8, fs_flags u16, fs_rights_base u64, fs_rights_inheriting u64. */
export const FDSTAT = { size: 24, filetype: 0, flags: 2, rightsBase: 8, rightsInheriting: 16 } as const;

/** `prestat`: tag u32 (0 = dir), then the dir's pr_name_len u32. */
export const PRESTAT = { size: 8, tag: 0, nameLength: 4 } as const;

/** `dirent` header: d_next u64, d_ino u64, d_namlen u32, d_type u8; the name follows it. */
export const DIRENT = { size: 24, next: 0, ino: 8, nameLength: 16, type: 20 } as const;

/** `event`: userdata u64, error u16, type u8, then fd_readwrite's nbytes u64 (and flags u16). */
export const EVENT = { size: 32, userdata: 0, error: 8, type: 10, nbytes: 16 } as const;

/** `filestat`, where the two ABIs differ in nlink: a u64 in preview1, a u32 in wasi_unstable. */
export interface FilestatLayout {
  readonly size: number;
  readonly dev: number;
  readonly ino: number;
  readonly filetype: number;
  readonly nlink: number;
  readonly nlinkIsU64: boolean;
  readonly fileSize: number;
  readonly atim: number;
  readonly mtim: number;
  readonly ctim: number;
}

const FILESTAT_PREVIEW1: FilestatLayout = {
  size: 64,
  dev: 0,
  ino: 8,
  filetype: 16,
  nlink: 24,
  nlinkIsU64: true,
  fileSize: 32,
  atim: 40,
  mtim: 48,
  ctim: 56,
};
const FILESTAT_UNSTABLE: FilestatLayout = {
  size: 56,
  dev: 0,
  ino: 8,
  filetype: 16,
  nlink: 20,
  nlinkIsU64: false,
  fileSize: 24,
  atim: 32,
  mtim: 40,
  ctim: 48,
};

/**
 * `subscription`: userdata u64, tag u8, then the union at 16: fd_readwrite's fd u32,
 * or subscription_clock (wasi_unstable's starts with an identifier u64, so its
 * fields sit 8 bytes later): id u32, timeout u64, precision u64, flags u16.
 */
export interface SubscriptionLayout {
  readonly size: number;
  readonly userdata: number;
  readonly tag: number;
  readonly fd: number;
  readonly clockId: number;
  readonly timeout: number;
  readonly flags: number;
}

const SUBSCRIPTION_PREVIEW1: SubscriptionLayout = {
  size: 48,
  userdata: 0,
  tag: 8,
  fd: 16,
  clockId: 16,
  timeout: 24,
  flags: 40,
};
const SUBSCRIPTION_UNSTABLE: SubscriptionLayout = {
  size: 56,
  userdata: 0,
  tag: 8,
  fd: 16,
  clockId: 24,
  timeout: 32,
  flags: 48,
};

/** What differs between `wasi_snapshot_preview1` and `wasi_unstable` (snapshot 0). */
export interface Abi {
  readonly unstable: boolean;
  readonly filestat: FilestatLayout;
  readonly subscription: SubscriptionLayout;
  readonly whenceSet: number;
  readonly whenceCur: number;
  readonly whenceEnd: number;
}

export const PREVIEW1: Abi = {
  unstable: false,
  filestat: FILESTAT_PREVIEW1,
  subscription: SUBSCRIPTION_PREVIEW1,
  whenceSet: 0,
  whenceCur: 1,
  whenceEnd: 2,
};
export const UNSTABLE: Abi = {
  unstable: true,
  filestat: FILESTAT_UNSTABLE,
  subscription: SUBSCRIPTION_UNSTABLE,
  whenceSet: 2,
  whenceCur: 0,
  whenceEnd: 1,
};

const TWO_32 = 0x1_0000_0000;
// ignoreBOM: a guest's "\u{FEFF}inside.txt" names that file, not inside.txt.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The views of one guest memory. The host functions read `u8`/`dv` after `refresh()`. */
export class GuestMemory {
  memory: WebAssembly.Memory | null = null;
  u8: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** `u8` as a Buffer, whose toString makes a string of a range without a view of it. */
  private text: Buffer = Buffer.alloc(0);
  private buffer: ArrayBufferLike | null = null;
  /** A shared memory is never detached by growing, so its buffer is looked at on every call. */
  private isShared = false;

  constructor(private readonly capWatch: MemoryCapWatch | null) {}

  /**
   * Makes `u8`/`dv` views of the current memory. memory.grow detaches a non-shared
   * memory's old buffer, which leaves our views with length 0: that is the cheap test
   * (no call to the `buffer` getter). A memory of 0 pages just takes the slow path.
   * A new buffer is also when the memory cap is looked at (see memory-cap.ts).
   */
  refresh(): void {
    if (this.u8.length !== 0 && !this.isShared) return;
    const memory = this.memory;
    if (memory === null) throw new Errno(ERRNO.FAULT);
    const buffer = memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.dv = new DataView(buffer);
      this.u8 = new Uint8Array(buffer);
      this.text = Buffer.from(buffer);
      this.isShared = typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
      this.capWatch?.check(buffer.byteLength);
    }
  }

  /**
   * The unsigned start of `len` bytes at `ptr`, or EFAULT when they are not all in memory.
   * i32 arguments arrive signed: a pointer or length of 2^31 or more is negative here (and
   * subarray would count it from the end: random_get(0, -1) once filled all of memory but a byte).
   */
  check(ptr: number, len: number): number {
    const start = ptr >>> 0;
    if (start + (len >>> 0) > this.u8.length) throw new Errno(ERRNO.FAULT);
    return start;
  }

  /** The unsigned start of `count` records of `size` bytes at `ptr`, or EFAULT. */
  checkArray(ptr: number, count: number, size: number): number {
    const start = ptr >>> 0;
    if (start + (count >>> 0) * size > this.u8.length) throw new Errno(ERRNO.FAULT);
    return start;
  }

  /** A view of guest bytes, for the cold paths that need one (path strings, readlink). */
  bytes(ptr: number, len: number): Uint8Array {
    const start = this.check(ptr, len);
    return this.u8.subarray(start, start + (len >>> 0));
  }

  /**
   * Guest bytes as UTF-8 (EILSEQ when they are not). An ASCII string, as almost every
   * path is, is made straight from memory: a view per call to decode was a tenth of
   * the garbage clang++'s path syscalls made (sampling heap profile, Node 20).
   */
  string(ptr: number, len: number): string {
    const start = this.check(ptr, len);
    const end = start + (len >>> 0);
    const u8 = this.u8;
    let i = start;
    while (i < end && u8[i]! < 0x80) i++;
    if (i === end) return this.text.toString('latin1', start, end);
    try {
      return decoder.decode(u8.subarray(start, end));
    } catch (err) {
      if (err instanceof Errno) throw err;
      throw new Errno(ERRNO.ILSEQ);
    }
  }

  /** Writes a non-negative safe integer as a u64, as two u32 halves (no BigInt). */
  setU64(ptr: number, value: number): void {
    const low = value % TWO_32;
    this.dv.setUint32(ptr, low, true);
    this.dv.setUint32(ptr + 4, (value - low) / TWO_32, true);
  }

  /** A u64 read as a number (exact below 2^53), as two u32 halves (no BigInt). */
  getU64(ptr: number): number {
    return this.dv.getUint32(ptr, true) + this.dv.getUint32(ptr + 4, true) * TWO_32;
  }

  /** Writes a `filestat` at `ptr` (already checked for `layout.size` bytes). */
  writeFilestat(
    ptr: number,
    layout: FilestatLayout,
    dev: bigint,
    ino: bigint,
    filetype: number,
    nlink: bigint,
    size: bigint,
    atim: bigint,
    mtim: bigint,
    ctim: bigint,
  ): void {
    const dv = this.dv;
    this.u8.fill(0, ptr, ptr + layout.size);
    dv.setBigUint64(ptr + layout.dev, dev, true);
    dv.setBigUint64(ptr + layout.ino, ino, true);
    dv.setUint8(ptr + layout.filetype, filetype);
    if (layout.nlinkIsU64) dv.setBigUint64(ptr + layout.nlink, nlink, true);
    else dv.setUint32(ptr + layout.nlink, Number(nlink), true);
    dv.setBigUint64(ptr + layout.fileSize, size, true);
    dv.setBigUint64(ptr + layout.atim, atim, true);
    dv.setBigUint64(ptr + layout.mtim, mtim, true);
    dv.setBigUint64(ptr + layout.ctim, ctim, true);
  }

  /** Writes an `fdstat` at `ptr` (already checked). Rights are below 2^30: the high halves are zero. */
  writeFdstat(ptr: number, filetype: number, flags: number, rightsBase: number, rightsInheriting: number): void {
    const dv = this.dv;
    this.u8.fill(0, ptr, ptr + FDSTAT.size);
    dv.setUint8(ptr + FDSTAT.filetype, filetype);
    dv.setUint16(ptr + FDSTAT.flags, flags, true);
    dv.setUint32(ptr + FDSTAT.rightsBase, rightsBase, true);
    dv.setUint32(ptr + FDSTAT.rightsInheriting, rightsInheriting, true);
  }
}
