/**
 * The preview1 host functions, over synchronous node:fs (calls from Wasm into the
 * host are synchronous). One `WasiHost` per program run: it owns the fd table.
 * Every function returns an errno; only proc_exit throws (`WasiExit`).
 *
 * The hot paths allocate nothing of ours per call (programs make millions of
 * these calls, and garbage made here is GC time the guest pays): one Uint8Array
 * and one DataView over all of guest memory, rebuilt only when memory.grow has
 * replaced the buffer; file I/O by pread/pwrite with (buffer, offset, length,
 * position) on that view, through the native addon (else fs.readSync/writeSync);
 * rights as small integers and 64-bit results written as two u32 halves instead
 * of BigInts; no closures, arrays or records per call; path syscalls reuse the
 * host's resolutions and the walk's lists (sandbox.ts) and make no Error for an
 * expected failure. What is left is
 * Node's and V8's: the BigInt V8 makes for an i64 argument, the one
 * process.hrtime.bigint() returns, the Stats objects of fstat/lstat (one per
 * path component walked, about 700 bytes on Node 20, without the addon), the guest
 * path, its components and the host path a walk ends in (about 290 bytes for a path
 * four directories deep: sandbox.ts), and without the addon what fs.writeSync makes
 * of its arguments.
 */

import {
  type BigIntStats,
  fdatasyncSync,
  constants as fsc,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  futimesSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  renameSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { type NativeAddon, nativeAddon } from '../engine/native.js';
import { WasiExit } from '../errors.js';
import {
  CLOCK,
  ERRNO,
  Errno,
  FDFLAGS,
  FILETYPE,
  filetypeOf,
  filetypeOfType,
  HOST_ERRNO,
  LOOKUP_SYMLINK_FOLLOW,
  OFLAGS,
  PREOPENTYPE_DIR,
  RIGHTS,
  RIGHTS_ALL,
  RIGHTS_FILE,
} from './constants.js';
import {
  type DirItem,
  dirEntry,
  type FdEntry,
  FdTable,
  fileEntry,
  preopenEntry,
  stdinEntry,
  stdoutEntry,
} from './fd-table.js';
import { FileTimes } from './file-times.js';
import { filestatInto, fstatType, lstatType } from './file-type.js';
import { type Abi, DIRENT, FDSTAT, GuestMemory, IOVEC, PRESTAT, PREVIEW1, UNSTABLE } from './guest-memory.js';
import type { MemoryCapWatch } from './memory-cap.js';
import { cpuTimeNs, pollOneoff } from './poll.js';
import {
  HandleCache,
  handlePath,
  isContainedTarget,
  RESOLVE_OPTIONS,
  Resolution,
  type Resolved,
  resolvePath,
} from './sandbox.js';
import type { InputChannel, OutputChannel } from './stdio.js';

type RandomFill = (bytes: Uint8Array, offset: number, length: number) => void;
let randomFillSync: RandomFill | undefined;

/**
 * Fills bytes from a cryptographically secure generator: the kernel's, through the native
 * addon (getrandom(2), as node:wasi's libuv does), else node:crypto's randomFillSync. Chosen
 * on the first random_get: node:crypto pulls in some twenty built-in modules, which Node
 * compiles from source when V8's flags are not its defaults (their code cache is keyed by
 * the flags): 4 ms of a clang run (CPU profile, Node 26). Most programs never ask.
 */
function randomFill(): RandomFill {
  randomFillSync ??= kernelRandomFill(nativeAddon()?.randomFill) ?? nodeRandomFill();
  return randomFillSync;
}

/** The addon's getrandom(2) as a RandomFill; undefined without it. Exported for the tests. */
export function kernelRandomFill(
  fill: ((bytes: Uint8Array, offset: number, length: number) => number) | undefined,
): RandomFill | undefined {
  if (fill === undefined) return undefined;
  // From the kernel's first refusal on (a seccomp filter, a kernel before 3.17): node:crypto's.
  let fallback: RandomFill | undefined;
  return (bytes, offset, length) => {
    if (fallback === undefined && fill(bytes, offset, length) === 0) return;
    fallback ??= nodeRandomFill();
    fallback(bytes, offset, length);
  };
}

function nodeRandomFill(): RandomFill {
  return requireBuiltin<typeof import('node:crypto')>('node:crypto').randomFillSync;
}

let nativeFileIo: NonNullable<NativeAddon['fileIo']> | null | undefined;

/**
 * pread(2) or pwrite(2) of `bytes[offset, offset + length)` at `position`: the bytes done.
 * Through the native addon, which makes no garbage, where Node's writeSync makes about 13
 * bytes on every call (0.6 MB over one clang++ compile on Node 22; readSync makes none,
 * and goes through the addon too, so that both take one path). A call whose syscall fails
 * is made again by Node, which throws the error with its code (the caller maps it to an
 * errno): a failed pread or pwrite did nothing.
 */
function readOrWrite(
  write: boolean,
  fd: number,
  bytes: Uint8Array,
  offset: number,
  length: number,
  position: number,
): number {
  if (nativeFileIo === undefined) nativeFileIo = nativeAddon()?.fileIo ?? null;
  if (nativeFileIo !== null) {
    const done = nativeFileIo(write, fd, bytes, offset, length, position);
    if (done >= 0) return done;
  }
  return write ? writeSync(fd, bytes, offset, length, position) : readSync(fd, bytes, offset, length, position);
}

import { requireBuiltin } from '../builtin.js';
import { PREVIEW1_ONLY, type SyscallImport, type SyscallName } from './syscalls.js';

/** Every import, typed by the syscall table. */
type SyscallImports = { [N in SyscallName]: SyscallImport<N> };

/** A cold import's body; the wrapper passes nine arguments, whatever the arity (see `imports`). */
type Body = (a: never, b: never, c: never, d: never, e: never, f: never, g: never, h: never, i: never) => number;

export interface HostConfig {
  readonly args: readonly string[];
  readonly env: readonly string[];
  /** [guest name, absolute host directory] */
  readonly preopens: readonly (readonly [string, string])[];
  readonly stdin: InputChannel;
  readonly stdout: OutputChannel;
  readonly stderr: OutputChannel;
  /** Told of the memory's size whenever its buffer changed (runProgram's memory cap), or null. */
  readonly memoryCap: MemoryCapWatch | null;
}

const encoder = new TextEncoder();
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;
const TWO_32 = 0x1_0000_0000;
/**
 * fd_read/fd_write with several small iovecs (printf's line flush, stdio's readv
 * into the caller's buffer and its own) go through one scratch buffer and one
 * syscall up to this many bytes in all: copying a few hundred bytes costs less
 * than a second syscall. Larger ones make a syscall per iovec, straight from memory.
 */
const GATHER_LIMIT = 512;
/** random_get requests up to this size are served from a pool filled RANDOM_POOL bytes at a time. */
const RANDOM_SMALL = 256;
const RANDOM_POOL = 4096;
// Options of node:fs calls, made once (Node only reads them): no object literal per syscall.
const BIGINT = { bigint: true } as const;
const AS_BUFFER = { encoding: 'buffer' } as const;

/**
 * The low 30 bits of a rights argument (an i64: V8 hands it over as a BigInt), without
 * making another BigInt in the common case of a value within ±2^53.
 */
function lowBits(value: bigint): number {
  if (value >= MIN_SAFE && value <= MAX_SAFE) return Number(value) & RIGHTS_ALL;
  return Number(BigInt.asUintN(30, value));
}

/** Copies `length` bytes between two distinct buffers without making a view (four at a time). */
function copyBytes(from: DataView, fromOffset: number, to: DataView, toOffset: number, length: number): void {
  let i = 0;
  for (; i + 4 <= length; i += 4) to.setUint32(toOffset + i, from.getUint32(fromOffset + i, true), true);
  for (; i < length; i++) to.setUint8(toOffset + i, from.getUint8(fromOffset + i));
}

export class WasiHost {
  /** The guest's memory; `attach` gives it the instance's. */
  readonly mem: GuestMemory;
  private readonly fds = new FdTable();
  private readonly args: Uint8Array[];
  private readonly env: Uint8Array[];
  private readonly realtimeAnchor: bigint;
  /** realtimeAnchor as two u32 halves, to add a monotonic reading to it without BigInts. */
  private readonly anchorHigh: number;
  private readonly anchorLow: number;
  /** realtimeAnchor as a number (to 256 ns), for poll deadlines. */
  private readonly anchorNs: number;
  private readonly scratch = new Uint8Array(GATHER_LIMIT);
  private readonly scratchView = new DataView(this.scratch.buffer);
  private readonly randomPool = new Uint8Array(RANDOM_POOL);
  private randomUsed = RANDOM_POOL;
  private readonly times = new FileTimes();
  /**
   * Resolutions, reused by every path syscall (a call resolves one path, or two for
   * rename and link); the first `heldCount` belong to the current call, and their
   * directory handles are closed when it returns.
   */
  private readonly resolutions: Resolution[] = [new Resolution(), new Resolution()];
  private heldCount = 0;
  private readonly handles = new HandleCache();

  private readonly stdin: InputChannel;

  constructor(config: HostConfig) {
    this.mem = new GuestMemory(config.memoryCap);
    this.stdin = config.stdin;
    this.args = config.args.map((a) => encoder.encode(`${a}\0`));
    this.env = config.env.map((e) => encoder.encode(`${e}\0`));
    this.realtimeAnchor = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
    this.anchorHigh = Number(BigInt.asUintN(64, this.realtimeAnchor) >> 32n);
    this.anchorLow = Number(BigInt.asUintN(32, this.realtimeAnchor));
    this.anchorNs = Number(this.realtimeAnchor);
    this.fds.push(stdinEntry(config.stdin));
    this.fds.push(stdoutEntry(config.stdout));
    this.fds.push(stdoutEntry(config.stderr));
    for (const [guest, host] of config.preopens) {
      const hostFd = openSync(host, fsc.O_RDONLY | fsc.O_DIRECTORY);
      this.fds.push(preopenEntry(hostFd, handlePath(hostFd, host), encoder.encode(guest)));
    }
  }

  /** Serves `memory` from now on (the instance's exported "memory"). */
  attach(memory: WebAssembly.Memory): void {
    this.mem.memory = memory;
  }

  /** Closes every host fd this host opened (preopens and files the guest left open). */
  dispose(): void {
    this.fds.dispose();
    this.handles.clear();
    this.stdin.close?.();
  }

  private resolve(dir: FdEntry, ptr: number, len: number, follow: boolean, strip = false): Resolved {
    const path = this.mem.string(ptr, len);
    const options = RESOLVE_OPTIONS[(follow ? 1 : 0) + (strip ? 2 : 0)]!;
    // Held from now on (closed by releaseHeld even when the walk fails).
    const into = this.resolutions[this.heldCount] ?? new Resolution();
    this.resolutions[this.heldCount++] = into;
    const r = resolvePath(dir.host, path, options, this.handles, into);
    if (typeof r === 'number') throw new Errno(r);
    return r;
  }

  private releaseHeld(): void {
    for (let i = 0; i < this.heldCount; i++) this.resolutions[i]!.release();
    this.heldCount = 0;
  }

  /**
   * Writes the filestat of `target` (a host path, lstat'ed, or a host fd) at `ptr` (checked
   * for the ABI's size) through the addon, without a BigIntStats: for preview1's layout and
   * while the guest has set no times (writeFilestat reports those). SUCCESS, NOENT for
   * nothing there, or null when it did not (the caller stats with Node).
   */
  private filestatFromHost(ptr: number, target: string | number, abi: Abi): number | null {
    if (abi.unstable || this.times.any) return null;
    const type = filestatInto(target, this.mem.u8, ptr);
    if (type < 0) return null;
    if (type === 0) return ERRNO.NOENT;
    this.mem.u8[ptr + abi.filestat.filetype] = filetypeOfType(type);
    return ERRNO.SUCCESS;
  }

  /** Writes `st` as a filestat at `ptr` (checked for the ABI's size), with the exact times the guest set. */
  private writeFilestat(ptr: number, st: BigIntStats, abi: Abi): void {
    const times = this.times;
    this.mem.writeFilestat(
      ptr,
      abi.filestat,
      st.dev,
      st.ino,
      filetypeOf(st),
      st.nlink,
      st.size,
      times.atim(st),
      times.mtim(st),
      st.ctimeNs,
    );
  }

  private now(): bigint {
    return this.realtimeAnchor + process.hrtime.bigint();
  }

  // ---- the import object ----------------------------------------------------

  /**
   * The import object for one namespace: `wasi_snapshot_preview1` or `wasi_unstable`.
   * Each hot import is its own function with its exact parameters and its own try/catch
   * (no rest array, no shared wrapper: measured at half the cost per call of one wrapper
   * calling a body). The cold ones share a wrapper that passes nine arguments on, so
   * that it too allocates nothing. Every wrapper turns a failure into an errno and
   * closes the directory handles a path resolution held.
   */
  imports(unstable: boolean): WebAssembly.ModuleImports {
    const abi = unstable ? UNSTABLE : PREVIEW1;
    const hot = {
      clock_time_get: (id: number, _precision: bigint, ptr: number): number => {
        try {
          this.mem.refresh();
          return this.clockTimeGet(id, ptr);
        } catch (err) {
          return this.errnoOf(err);
        }
      },
      fd_close: (fd: number): number => {
        try {
          this.mem.refresh();
          return this.fdClose(fd);
        } catch (err) {
          return this.errnoOf(err);
        }
      },
      fd_fdstat_get: (fd: number, ptr: number): number => {
        try {
          this.mem.refresh();
          return this.fdFdstatGet(fd, ptr);
        } catch (err) {
          return this.errnoOf(err);
        }
      },
      fd_filestat_get: (fd: number, ptr: number): number => {
        try {
          this.mem.refresh();
          return this.fdFilestatGet(fd, ptr, abi);
        } catch (err) {
          return this.errnoOf(err);
        }
      },
      fd_pread: (fd: number, iovs: number, count: number, offset: bigint, nread: number): number => {
        try {
          this.mem.refresh();
          return this.positionalIo(fd, false, iovs, count, offset, nread);
        } catch (err) {
          return this.errnoOf(err);
        }
      },
      fd_pwrite: (fd: number, iovs: number, count: number, offset: bigint, nwritten: number): number => {
        try {
          this.mem.refresh();
          return this.positionalIo(fd, true, iovs, count, offset, nwritten);
        } catch (err) {
          return this.errnoOf(err);
        }
      },
      fd_read: (fd: number, iovs: number, count: number, nread: number): number => {
        try {
          this.mem.refresh();
          return this.fdRead(fd, iovs, count, nread);
        } catch (err) {
          return this.errnoOf(err);
        }
      },
      fd_seek: (fd: number, offset: bigint, whence: number, ptr: number): number => {
        try {
          this.mem.refresh();
          return this.fdSeek(fd, offset, whence, ptr, abi);
        } catch (err) {
          return this.errnoOf(err);
        }
      },
      fd_tell: (fd: number, ptr: number): number => {
        try {
          this.mem.refresh();
          return this.fdTell(fd, ptr);
        } catch (err) {
          return this.errnoOf(err);
        }
      },
      fd_write: (fd: number, iovs: number, count: number, nwritten: number): number => {
        try {
          this.mem.refresh();
          return this.fdWrite(fd, iovs, count, nwritten);
        } catch (err) {
          return this.errnoOf(err);
        }
      },
      path_filestat_get: (fd: number, flags: number, ptr: number, len: number, out: number): number => {
        try {
          this.mem.refresh();
          return this.pathFilestatGet(fd, flags, ptr, len, out, abi);
        } catch (err) {
          return this.errnoOf(err);
        } finally {
          if (this.heldCount > 0) this.releaseHeld();
        }
      },
      path_open: (
        fd: number,
        dirflags: number,
        ptr: number,
        len: number,
        oflags: number,
        base: bigint,
        inheriting: bigint,
        fdflags: number,
        out: number,
      ): number => {
        try {
          this.mem.refresh();
          return this.pathOpen(fd, dirflags, ptr, len, oflags, base, inheriting, fdflags, out);
        } catch (err) {
          return this.errnoOf(err);
        } finally {
          if (this.heldCount > 0) this.releaseHeld();
        }
      },
      poll_oneoff: (inPtr: number, outPtr: number, count: number, neventsPtr: number): number => {
        try {
          this.mem.refresh();
          return pollOneoff(this.mem, this.fds, abi.subscription, this.anchorNs, inPtr, outPtr, count, neventsPtr);
        } catch (err) {
          return this.errnoOf(err);
        }
      },
      random_get: (ptr: number, len: number): number => {
        try {
          this.mem.refresh();
          return this.randomGet(ptr, len);
        } catch (err) {
          return this.errnoOf(err);
        }
      },
      // proc_exit must throw through the guest: no errno wrapper.
      proc_exit: (code: number): never => {
        throw new WasiExit(code >>> 0);
      },
      proc_raise: (_signal: number) => ERRNO.NOSYS,
      sched_yield: () => ERRNO.SUCCESS,
    } satisfies Partial<SyscallImports>;
    const cold = {
      args_get: (argv: number, buf: number) => this.listGet(this.args, argv, buf),
      args_sizes_get: (countPtr: number, sizePtr: number) => this.listSizes(this.args, countPtr, sizePtr),
      environ_get: (envp: number, buf: number) => this.listGet(this.env, envp, buf),
      environ_sizes_get: (countPtr: number, sizePtr: number) => this.listSizes(this.env, countPtr, sizePtr),
      clock_res_get: (id: number, ptr: number) => this.clockResGet(id, ptr),
      fd_advise: (fd: number, offset: bigint, len: bigint, advice: number) => this.fdAdvise(fd, offset, len, advice),
      fd_allocate: (fd: number, offset: bigint, len: bigint) => this.fdAllocate(fd, offset, len),
      fd_datasync: (fd: number) => this.fdSync(fd, RIGHTS.FD_DATASYNC, true),
      fd_sync: (fd: number) => this.fdSync(fd, RIGHTS.FD_SYNC, false),
      fd_fdstat_set_flags: (fd: number, flags: number) => this.fdFdstatSetFlags(fd, flags),
      fd_fdstat_set_rights: (fd: number, base: bigint, inheriting: bigint) =>
        this.fdFdstatSetRights(fd, base, inheriting),
      fd_filestat_set_size: (fd: number, size: bigint) => this.fdFilestatSetSize(fd, size),
      fd_filestat_set_times: (fd: number, atim: bigint, mtim: bigint, fst: number) =>
        this.fdFilestatSetTimes(fd, atim, mtim, fst),
      fd_prestat_get: (fd: number, ptr: number) => this.fdPrestatGet(fd, ptr),
      fd_prestat_dir_name: (fd: number, ptr: number, len: number) => this.fdPrestatDirName(fd, ptr, len),
      fd_readdir: (fd: number, buf: number, len: number, cookie: bigint, used: number) =>
        this.fdReaddir(fd, buf, len, cookie, used),
      fd_renumber: (from: number, to: number) => this.fdRenumber(from, to),
      path_create_directory: (fd: number, ptr: number, len: number) => this.pathCreateDirectory(fd, ptr, len),
      path_filestat_set_times: (
        fd: number,
        flags: number,
        ptr: number,
        len: number,
        atim: bigint,
        mtim: bigint,
        fst: number,
      ) => this.pathFilestatSetTimes(fd, flags, ptr, len, atim, mtim, fst),
      path_link: (
        oldFd: number,
        oldFlags: number,
        oldPtr: number,
        oldLen: number,
        newFd: number,
        newPtr: number,
        newLen: number,
      ) => this.pathLink(oldFd, oldFlags, oldPtr, oldLen, newFd, newPtr, newLen),
      path_readlink: (fd: number, ptr: number, len: number, buf: number, bufLen: number, used: number) =>
        this.pathReadlink(fd, ptr, len, buf, bufLen, used),
      path_remove_directory: (fd: number, ptr: number, len: number) => this.pathRemoveDirectory(fd, ptr, len),
      path_rename: (fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) =>
        this.pathRename(fd, oldPtr, oldLen, newFd, newPtr, newLen),
      path_symlink: (oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number) =>
        this.pathSymlink(oldPtr, oldLen, fd, newPtr, newLen),
      path_unlink_file: (fd: number, ptr: number, len: number) => this.pathUnlinkFile(fd, ptr, len),
      sock_accept: (fd: number, _flags: number, _out: number) => this.sock(fd),
      sock_recv: (fd: number, _iovs: number, _count: number, _flags: number, _size: number, _outFlags: number) =>
        this.sock(fd),
      sock_send: (fd: number, _iovs: number, _count: number, _flags: number, _size: number) => this.sock(fd),
      sock_shutdown: (fd: number, _how: number) => this.sock(fd),
    } satisfies Partial<SyscallImports>;
    // Every syscall of the table, and only those (a name missing or extra, or a parameter of the wrong type, fails to compile).
    const all: SyscallImports = { ...hot, ...cold };
    const out: WebAssembly.ModuleImports = {};
    for (const name of Object.keys(all) as SyscallName[]) {
      if (unstable && PREVIEW1_ONLY.has(name)) continue;
      if (!Object.hasOwn(cold, name)) {
        out[name] = all[name];
        continue;
      }
      const body = all[name] as Body;
      const wrapper = (
        a: never,
        b: never,
        c: never,
        d: never,
        e: never,
        f: never,
        g: never,
        h: never,
        i: never,
      ): number => {
        try {
          this.mem.refresh();
          return body(a, b, c, d, e, f, g, h, i);
        } catch (err) {
          return this.errnoOf(err);
        } finally {
          if (this.heldCount > 0) this.releaseHeld();
        }
      };
      // The body's arity, not the wrapper's nine: test/runtime/wasi/syscall-table.test.ts checks it against SYSCALLS.
      Object.defineProperty(wrapper, 'length', { value: body.length });
      out[name] = wrapper;
    }
    return out;
  }

  private errnoOf(err: unknown): number {
    if (err instanceof Errno) return err.errno;
    if (err instanceof WasiExit) throw err;
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === 'string') return HOST_ERRNO[code] ?? ERRNO.IO;
    // A DataView/TypedArray access past the end of memory: the guest passed a bad pointer.
    if (err instanceof RangeError) return ERRNO.FAULT;
    throw err;
  }

  // ---- args, environ, clocks, random ----------------------------------------

  private listGet(list: readonly Uint8Array[], ptrsSigned: number, bufSigned: number): number {
    const dv = this.mem.dv;
    let ptrs = ptrsSigned >>> 0;
    let buf = bufSigned >>> 0;
    this.mem.check(ptrs, list.length * 4);
    for (const item of list) {
      this.mem.check(buf, item.length);
      dv.setUint32(ptrs, buf, true);
      ptrs += 4;
      this.mem.u8.set(item, buf);
      buf += item.length;
    }
    return ERRNO.SUCCESS;
  }

  private listSizes(list: readonly Uint8Array[], countPtr: number, sizePtr: number): number {
    let size = 0;
    for (const item of list) size += item.length;
    this.mem.dv.setUint32(countPtr >>> 0, list.length, true);
    this.mem.dv.setUint32(sizePtr >>> 0, size, true);
    return ERRNO.SUCCESS;
  }

  private clockResGet(id: number, ptr: number): number {
    if (id < 0 || id > 3) return ERRNO.INVAL;
    this.mem.setU64(ptr >>> 0, id === CLOCK.MONOTONIC || id === CLOCK.REALTIME ? 1 : 1000);
    return ERRNO.SUCCESS;
  }

  private clockTimeGet(id: number, signedPtr: number): number {
    const ptr = signedPtr >>> 0;
    switch (id) {
      case CLOCK.MONOTONIC:
        this.mem.dv.setBigUint64(ptr, process.hrtime.bigint(), true);
        return ERRNO.SUCCESS;
      case CLOCK.REALTIME: {
        // realtimeAnchor + monotonic, added in u32 halves: exact, and no BigInt of ours.
        const t = process.hrtime.bigint();
        if (t > MAX_SAFE) {
          this.mem.dv.setBigUint64(ptr, this.realtimeAnchor + t, true);
          return ERRNO.SUCCESS;
        }
        const n = Number(t);
        const nLow = n % TWO_32;
        let low = this.anchorLow + nLow;
        let carry = 0;
        if (low >= TWO_32) {
          low -= TWO_32;
          carry = 1;
        }
        this.mem.dv.setUint32(ptr, low, true);
        this.mem.dv.setUint32(ptr + 4, (this.anchorHigh + (n - nLow) / TWO_32 + carry) % TWO_32, true);
        return ERRNO.SUCCESS;
      }
      case CLOCK.PROCESS_CPUTIME:
      case CLOCK.THREAD_CPUTIME:
        this.mem.setU64(ptr, cpuTimeNs());
        return ERRNO.SUCCESS;
      default:
        return ERRNO.INVAL;
    }
  }

  /**
   * Small requests (wasi-libc asks for 16 to 256 bytes at a time) come from a pool that
   * randomFillSync refills 4 KiB at a time, each byte handed out once: randomFillSync
   * makes a crypto job object per call, which is most of its cost. Large ones are
   * filled in place.
   */
  private randomGet(ptr: number, len: number): number {
    const start = this.mem.check(ptr, len);
    const length = len >>> 0;
    if (length > RANDOM_SMALL) {
      randomFill()(this.mem.u8, start, length);
      return ERRNO.SUCCESS;
    }
    if (this.randomUsed + length > RANDOM_POOL) {
      randomFill()(this.randomPool, 0, this.randomPool.length);
      this.randomUsed = 0;
    }
    const pool = this.randomPool;
    const u8 = this.mem.u8;
    const from = this.randomUsed;
    for (let i = 0; i < length; i++) u8[start + i] = pool[from + i]!;
    // Overwrite what was handed out, so no byte can be given twice even by mistake.
    pool.fill(0, from, from + length);
    this.randomUsed = from + length;
    return ERRNO.SUCCESS;
  }

  // ---- fd_* -------------------------------------------------------------------

  private fdAdvise(fd: number, offset: bigint, len: bigint, advice: number): number {
    const entry = this.fds.get(fd, 0);
    if (entry.kind === 'dir') return ERRNO.BADF;
    if ((entry.rightsBase & RIGHTS.FD_ADVISE) === 0) return ERRNO.NOTCAPABLE;
    if (advice > 5 || offset < 0n || len < 0n) return ERRNO.INVAL;
    if (entry.kind !== 'file') return ERRNO.SPIPE;
    // posix_fadvise is only a hint; Node cannot pass it on.
    return ERRNO.SUCCESS;
  }

  private fdAllocate(fd: number, offset: bigint, len: bigint): number {
    const entry = this.fds.get(fd, 0);
    if (entry.kind === 'dir') return ERRNO.BADF;
    if ((entry.rightsBase & RIGHTS.FD_ALLOCATE) === 0) return ERRNO.NOTCAPABLE;
    if (entry.kind !== 'file') return ERRNO.SPIPE;
    if (offset < 0n || len <= 0n) return ERRNO.INVAL;
    const end = offset + len;
    if (end > MAX_SAFE) return ERRNO.FBIG;
    // No fallocate in Node: grow the file with ftruncate (the space is reserved lazily).
    const st = fstatSync(entry.hostFd!, { bigint: true });
    if (st.size < end) ftruncateSync(entry.hostFd!, Number(end));
    return ERRNO.SUCCESS;
  }

  private fdClose(fd: number): number {
    this.fds.close(fd);
    return ERRNO.SUCCESS;
  }

  private fdSync(fd: number, right: number, dataOnly: boolean): number {
    const entry = this.fds.get(fd, right);
    if (entry.hostFd === null) return ERRNO.SUCCESS;
    if (entry.kind !== 'file' && entry.kind !== 'dir') {
      // fsync on a tty or pipe is EINVAL on Linux; there is nothing to flush.
      return ERRNO.SUCCESS;
    }
    if (dataOnly) fdatasyncSync(entry.hostFd);
    else fsyncSync(entry.hostFd);
    return ERRNO.SUCCESS;
  }

  private fdFdstatGet(fd: number, signedPtr: number): number {
    const entry = this.fds.get(fd, 0);
    const ptr = this.mem.check(signedPtr, FDSTAT.size);
    this.mem.writeFdstat(ptr, entry.filetype, entry.flags, entry.rightsBase, entry.rightsInheriting);
    return ERRNO.SUCCESS;
  }

  private fdFdstatSetFlags(fd: number, flags: number): number {
    const entry = this.fds.get(fd, RIGHTS.FD_FDSTAT_SET_FLAGS);
    if ((flags & ~0x1f) !== 0) return ERRNO.INVAL;
    // Node cannot fcntl(F_SETFL): APPEND is emulated by us (positional writes at the end),
    // NONBLOCK has no effect on regular files and directories. The sync flags cannot change.
    const fixed = FDFLAGS.DSYNC | FDFLAGS.RSYNC | FDFLAGS.SYNC;
    if ((flags & fixed) !== (entry.flags & fixed)) return ERRNO.NOTSUP;
    entry.flags = flags;
    return ERRNO.SUCCESS;
  }

  private fdFdstatSetRights(fd: number, base: bigint, inheriting: bigint): number {
    const entry = this.fds.get(fd, 0);
    // A bit beyond RIGHTS_ALL is a right no fd has, so asking to keep it is asking for more.
    const wanted = BigInt.asUintN(64, base);
    const wantedInheriting = BigInt.asUintN(64, inheriting);
    if (wanted > BigInt(RIGHTS_ALL) || wantedInheriting > BigInt(RIGHTS_ALL)) return ERRNO.NOTCAPABLE;
    const b = Number(wanted);
    const i = Number(wantedInheriting);
    if ((b & ~entry.rightsBase) !== 0 || (i & ~entry.rightsInheriting) !== 0) return ERRNO.NOTCAPABLE;
    entry.rightsBase = b;
    entry.rightsInheriting = i;
    return ERRNO.SUCCESS;
  }

  private statEntry(entry: FdEntry): BigIntStats | null {
    if (entry.hostFd === null) return null;
    return fstatSync(entry.hostFd, BIGINT);
  }

  private fdFilestatGet(fd: number, signedPtr: number, abi: Abi): number {
    const entry = this.fds.get(fd, RIGHTS.FD_FILESTAT_GET);
    const ptr = this.mem.check(signedPtr, abi.filestat.size);
    const done = entry.hostFd === null ? null : this.filestatFromHost(ptr, entry.hostFd, abi);
    if (done !== null) return done;
    const st = this.statEntry(entry);
    if (st === null) {
      // A captured or in-memory stdio stream: a character device with no identity.
      this.mem.writeFilestat(ptr, abi.filestat, 0n, 0n, entry.filetype, 0n, 0n, 0n, 0n, 0n);
      return ERRNO.SUCCESS;
    }
    this.writeFilestat(ptr, st, abi);
    return ERRNO.SUCCESS;
  }

  private fdFilestatSetSize(fd: number, size: bigint): number {
    const entry = this.fds.get(fd, 0);
    if (entry.kind === 'dir') return ERRNO.BADF;
    if ((entry.rightsBase & RIGHTS.FD_FILESTAT_SET_SIZE) === 0) return ERRNO.NOTCAPABLE;
    if (entry.kind !== 'file') return ERRNO.INVAL;
    if (size < 0n) return ERRNO.INVAL;
    if (size > MAX_SAFE) return ERRNO.FBIG;
    ftruncateSync(entry.hostFd!, Number(size));
    return ERRNO.SUCCESS;
  }

  private fdFilestatSetTimes(fd: number, atim: bigint, mtim: bigint, fst: number): number {
    const entry = this.fds.get(fd, RIGHTS.FD_FILESTAT_SET_TIMES);
    const hostFd = entry.hostFd;
    if (hostFd === null) return ERRNO.BADF;
    return this.times.set(
      () => fstatSync(hostFd, { bigint: true }),
      (a, m) => futimesSync(hostFd, a, m),
      atim,
      mtim,
      fst,
      this.now(),
    );
  }

  private fdPrestatGet(fd: number, ptr: number): number {
    const entry = this.fds.get(fd, 0);
    if (entry.preopen === null) return ERRNO.BADF;
    const at = this.mem.check(ptr, PRESTAT.size);
    this.mem.dv.setUint32(at + PRESTAT.tag, PREOPENTYPE_DIR, true);
    this.mem.dv.setUint32(at + PRESTAT.nameLength, entry.preopen.length, true);
    return ERRNO.SUCCESS;
  }

  private fdPrestatDirName(fd: number, ptr: number, len: number): number {
    const entry = this.fds.get(fd, 0);
    const name = entry.preopen;
    if (name === null) return ERRNO.BADF;
    if (len < name.length) return ERRNO.NAMETOOLONG;
    this.mem.u8.set(name, this.mem.check(ptr, name.length));
    return ERRNO.SUCCESS;
  }

  /**
   * Checks an iovec array and every buffer it names, before any I/O (EFAULT, and
   * nothing read or written, when one is outside memory). Returns the total length;
   * `iovecCount`/`lastIovec` tell how many are non-empty and where the last one is.
   */
  private checkIovecs(signedIovs: number, signedCount: number): number {
    const mem = this.mem;
    const dv = mem.dv;
    const end = mem.u8.length;
    const count = signedCount >>> 0;
    const iovs = mem.checkArray(signedIovs, count, IOVEC.size);
    let total = 0;
    let nonEmpty = 0;
    for (let i = 0; i < count; i++) {
      const len = dv.getUint32(iovs + i * IOVEC.size + IOVEC.len, true);
      if (len === 0) continue;
      if (dv.getUint32(iovs + i * IOVEC.size + IOVEC.buf, true) + len > end) throw new Errno(ERRNO.FAULT);
      total += len;
      nonEmpty++;
      this.lastIovec = iovs + i * IOVEC.size;
    }
    this.iovecCount = nonEmpty;
    return total;
  }

  /** Set by checkIovecs: the number of non-empty iovecs, and the address of the last one. */
  private iovecCount = 0;
  private lastIovec = 0;

  /** Copies the iovecs' bytes, in order, into the scratch buffer (their total is at most GATHER_LIMIT). */
  private gather(iovs: number, count: number): void {
    const dv = this.mem.dv;
    let at = 0;
    for (let i = 0; i < count; i++) {
      const buf = dv.getUint32(iovs + i * IOVEC.size + IOVEC.buf, true);
      const len = dv.getUint32(iovs + i * IOVEC.size + IOVEC.len, true);
      copyBytes(dv, buf, this.scratchView, at, len);
      at += len;
    }
  }

  /** Copies the first `n` bytes of the scratch buffer out to the iovecs, in order. */
  private scatter(iovs: number, count: number, n: number): void {
    const dv = this.mem.dv;
    let at = 0;
    for (let i = 0; i < count && at < n; i++) {
      const buf = dv.getUint32(iovs + i * IOVEC.size + IOVEC.buf, true);
      const len = Math.min(dv.getUint32(iovs + i * IOVEC.size + IOVEC.len, true), n - at);
      copyBytes(this.scratchView, at, dv, buf, len);
      at += len;
    }
  }

  /**
   * readv/writev (preadv/pwritev) on a host file at `position`, like the syscalls: a
   * short transfer stops there. One syscall when the iovecs fit the scratch buffer or
   * only one is non-empty; otherwise one per iovec, straight from guest memory.
   */
  private fileIo(isWrite: boolean, hostFd: number, signedIovs: number, signedCount: number, position: number): number {
    const total = this.checkIovecs(signedIovs, signedCount);
    if (total === 0) return 0;
    const dv = this.mem.dv;
    const u8 = this.mem.u8;
    if (this.iovecCount === 1) {
      const buf = dv.getUint32(this.lastIovec + IOVEC.buf, true);
      return readOrWrite(isWrite, hostFd, u8, buf, total, position);
    }
    const iovs = signedIovs >>> 0;
    const count = signedCount >>> 0;
    if (total <= GATHER_LIMIT) {
      if (isWrite) {
        this.gather(iovs, count);
        return readOrWrite(true, hostFd, this.scratch, 0, total, position);
      }
      const got = readOrWrite(false, hostFd, this.scratch, 0, total, position);
      this.scatter(iovs, count, got);
      return got;
    }
    let done = 0;
    for (let i = 0; i < count; i++) {
      const buf = dv.getUint32(iovs + i * IOVEC.size + IOVEC.buf, true);
      const len = dv.getUint32(iovs + i * IOVEC.size + IOVEC.len, true);
      if (len === 0) continue;
      const n = readOrWrite(isWrite, hostFd, u8, buf, len, position);
      done += n;
      position += n;
      if (n < len) break;
    }
    return done;
  }

  private fdRead(fd: number, iovs: number, count: number, nreadPtr: number): number {
    const entry = this.fds.stream(fd, RIGHTS.FD_READ);
    const out = this.mem.check(nreadPtr, 4);
    let n: number;
    if (entry.kind === 'file') {
      n = this.fileIo(false, entry.hostFd!, iovs, count, entry.position);
      entry.position += n;
    } else if (entry.input !== null) {
      // Read into the first non-empty iovec only: a terminal gives one line per read,
      // and asking again for the next iovec would block until the user types more.
      n = 0;
      if (this.checkIovecs(iovs, count) > 0) {
        const dv = this.mem.dv;
        const base = iovs >>> 0;
        for (let i = 0; ; i++) {
          const len = dv.getUint32(base + i * IOVEC.size + IOVEC.len, true);
          if (len === 0) continue;
          n = entry.input.read(this.mem.u8, dv.getUint32(base + i * IOVEC.size + IOVEC.buf, true), len);
          break;
        }
      }
    } else return ERRNO.BADF;
    this.mem.dv.setUint32(out, n, true);
    return ERRNO.SUCCESS;
  }

  /** fd_pread / fd_pwrite: from `offset`, without moving the fd's own position. */
  private positionalIo(
    fd: number,
    isWrite: boolean,
    iovs: number,
    count: number,
    offset: bigint,
    donePtr: number,
  ): number {
    const entry = this.fds.stream(fd, (isWrite ? RIGHTS.FD_WRITE : RIGHTS.FD_READ) | RIGHTS.FD_SEEK);
    if (entry.kind !== 'file') return ERRNO.SPIPE;
    if (offset < 0n || offset > MAX_SAFE) return ERRNO.INVAL;
    const out = this.mem.check(donePtr, 4);
    const n = this.fileIo(isWrite, entry.hostFd!, iovs, count, Number(offset));
    this.mem.dv.setUint32(out, n, true);
    return ERRNO.SUCCESS;
  }

  private fdWrite(fd: number, iovs: number, count: number, nwrittenPtr: number): number {
    const entry = this.fds.stream(fd, RIGHTS.FD_WRITE);
    const out = this.mem.check(nwrittenPtr, 4);
    let n: number;
    if (entry.kind === 'file') {
      const hostFd = entry.hostFd!;
      if ((entry.flags & FDFLAGS.APPEND) !== 0) entry.position = fstatSync(hostFd).size;
      n = this.fileIo(true, hostFd, iovs, count, entry.position);
      entry.position += n;
    } else if (entry.output !== null) {
      const output = entry.output;
      n = this.checkIovecs(iovs, count);
      if (n === 0) {
        // nothing to write
      } else if (this.iovecCount === 1) {
        output.write(this.mem.u8, this.mem.dv.getUint32(this.lastIovec + IOVEC.buf, true), n);
      } else if (n <= GATHER_LIMIT) {
        // printf's line flush is two iovecs: one write instead of two.
        this.gather(iovs >>> 0, count >>> 0);
        output.write(this.scratch, 0, n);
      } else {
        const dv = this.mem.dv;
        const base = iovs >>> 0;
        for (let i = 0; i < count >>> 0; i++) {
          const len = dv.getUint32(base + i * IOVEC.size + IOVEC.len, true);
          if (len !== 0) output.write(this.mem.u8, dv.getUint32(base + i * IOVEC.size + IOVEC.buf, true), len);
        }
      }
    } else return ERRNO.BADF;
    this.mem.dv.setUint32(out, n, true);
    return ERRNO.SUCCESS;
  }

  private fdReaddir(fd: number, buf: number, len: number, cookie: bigint, usedPtr: number): number {
    const entry = this.fds.get(fd, 0);
    if (entry.kind !== 'dir') return ERRNO.NOTDIR;
    if ((entry.rightsBase & RIGHTS.FD_READDIR) === 0) return ERRNO.NOTCAPABLE;
    const start = this.mem.check(buf, len);
    const size = len >>> 0;
    const out = this.mem.check(usedPtr, 4);
    if (cookie === 0n || entry.listing === null) entry.listing = this.list(entry);
    const listing = entry.listing;
    const dv = this.mem.dv;
    const header = this.scratchView;
    let used = 0;
    // A cookie is a u64: one of 2^63 or more arrives negative, and is past the end too.
    const first = cookie < 0n || cookie > BigInt(listing.length) ? listing.length : Number(cookie);
    for (let i = first; i < listing.length && used < size; i++) {
      const item = listing[i]!;
      // The header, then the name; the last record is cut short where the buffer ends, as the spec says.
      header.setUint32(DIRENT.next, (i + 1) % TWO_32, true);
      header.setUint32(DIRENT.next + 4, Math.floor((i + 1) / TWO_32), true);
      header.setBigUint64(DIRENT.ino, item.ino, true);
      header.setUint32(DIRENT.nameLength, item.name.length, true);
      header.setUint32(DIRENT.type, item.type, true);
      const headerLength = Math.min(DIRENT.size, size - used);
      copyBytes(header, 0, dv, start + used, headerLength);
      used += headerLength;
      const nameLength = Math.min(item.name.length, size - used);
      if (nameLength === item.name.length) this.mem.u8.set(item.name, start + used);
      else this.mem.u8.set(item.name.subarray(0, nameLength), start + used);
      used += nameLength;
    }
    dv.setUint32(out, used, true);
    return ERRNO.SUCCESS;
  }

  private list(entry: FdEntry): DirItem[] {
    const self = fstatSync(entry.hostFd!, { bigint: true });
    // A preopen's `..` is outside the sandbox: report the directory itself there.
    const parentIno = entry.depth === 0 ? self.ino : lstatSync(`${entry.host}/..`, { bigint: true }).ino;
    const items: DirItem[] = [
      { name: encoder.encode('.'), type: FILETYPE.DIRECTORY, ino: self.ino },
      { name: encoder.encode('..'), type: FILETYPE.DIRECTORY, ino: parentIno },
    ];
    for (const name of readdirSync(entry.host)) {
      const st = lstatSync(`${entry.host}/${name}`, { bigint: true, throwIfNoEntry: false });
      if (st === undefined) continue;
      items.push({ name: encoder.encode(name), type: filetypeOf(st), ino: st.ino });
    }
    return items;
  }

  private fdRenumber(from: number, to: number): number {
    return this.fds.renumber(from, to);
  }

  /** In numbers: positions stay below 2^53 (OVERFLOW past it), so only the offset argument is a BigInt. */
  private fdSeek(fd: number, offset: bigint, whence: number, signedPtr: number, layout: Abi): number {
    const entry = this.fds.get(fd, 0);
    if (entry.kind === 'dir') return ERRNO.ISDIR;
    const isTell = whence === layout.whenceCur && offset === 0n;
    const need = isTell ? RIGHTS.FD_TELL : RIGHTS.FD_SEEK;
    if ((entry.rightsBase & need) === 0) return ERRNO.NOTCAPABLE;
    if (entry.kind !== 'file') return ERRNO.SPIPE;
    const ptr = this.mem.check(signedPtr, 8);
    let base: number;
    if (whence === layout.whenceSet) base = 0;
    else if (whence === layout.whenceCur) base = entry.position;
    else if (whence === layout.whenceEnd) base = fstatSync(entry.hostFd!).size;
    else return ERRNO.INVAL;
    // Beyond ±2^53 the sign of the offset decides, as base is in [0, 2^53).
    if (offset > MAX_SAFE) return ERRNO.OVERFLOW;
    if (offset < MIN_SAFE) return ERRNO.INVAL;
    // Exact whenever the true sum is a safe integer; otherwise it is 2^53 or more: OVERFLOW.
    const next = base + Number(offset);
    if (next < 0) return ERRNO.INVAL;
    if (next > Number.MAX_SAFE_INTEGER) return ERRNO.OVERFLOW;
    entry.position = next;
    this.mem.setU64(ptr, next);
    return ERRNO.SUCCESS;
  }

  private fdTell(fd: number, ptr: number): number {
    const entry = this.fds.get(fd, 0);
    if (entry.kind === 'dir') return ERRNO.ISDIR;
    if ((entry.rightsBase & RIGHTS.FD_TELL) === 0) return ERRNO.NOTCAPABLE;
    if (entry.kind !== 'file') return ERRNO.SPIPE;
    this.mem.setU64(this.mem.check(ptr, 8), entry.position);
    return ERRNO.SUCCESS;
  }

  // ---- path_* -----------------------------------------------------------------

  private pathCreateDirectory(fd: number, ptr: number, len: number): number {
    const dir = this.fds.dir(fd, RIGHTS.PATH_CREATE_DIRECTORY);
    const r = this.resolve(dir, ptr, len, false, true);
    if (r.name === null) return ERRNO.EXIST;
    mkdirSync(r.host);
    return ERRNO.SUCCESS;
  }

  private pathFilestatGet(fd: number, flags: number, ptr: number, len: number, out: number, abi: Abi): number {
    const dir = this.fds.dir(fd, RIGHTS.PATH_FILESTAT_GET);
    const at = this.mem.check(out, abi.filestat.size);
    const r = this.resolve(dir, ptr, len, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
    const done = this.filestatFromHost(at, r.host, abi);
    if (done !== null) return done;
    const st = lstatSync(r.host, BIGINT);
    this.writeFilestat(at, st, abi);
    return ERRNO.SUCCESS;
  }

  private pathFilestatSetTimes(
    fd: number,
    flags: number,
    ptr: number,
    len: number,
    atim: bigint,
    mtim: bigint,
    fst: number,
  ): number {
    const dir = this.fds.dir(fd, RIGHTS.PATH_FILESTAT_SET_TIMES);
    const r = this.resolve(dir, ptr, len, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
    // The resolved host path is never a symlink we were asked to follow, so lutimes is right either way.
    return this.times.set(
      () => lstatSync(r.host, { bigint: true }),
      (a, m) => lutimesSync(r.host, a, m),
      atim,
      mtim,
      fst,
      this.now(),
    );
  }

  private pathLink(
    oldFd: number,
    oldFlags: number,
    oldPtr: number,
    oldLen: number,
    newFd: number,
    newPtr: number,
    newLen: number,
  ): number {
    const oldDir = this.fds.dir(oldFd, RIGHTS.PATH_LINK_SOURCE);
    const newDir = this.fds.dir(newFd, RIGHTS.PATH_LINK_TARGET);
    const from = this.resolve(oldDir, oldPtr, oldLen, (oldFlags & LOOKUP_SYMLINK_FOLLOW) !== 0, true);
    const to = this.resolve(newDir, newPtr, newLen, false, true);
    if (from.name === null || to.name === null) return from.name === null ? ERRNO.PERM : ERRNO.EXIST;
    const st = lstatSync(from.host, { bigint: true });
    if (st.isDirectory()) return ERRNO.PERM;
    if (st.isSymbolicLink() && !isContainedTarget(readlinkSync(from.host, 'utf8'), newDir.depth + to.depth)) {
      return ERRNO.NOTCAPABLE;
    }
    if (from.trailingSlash) return ERRNO.NOTDIR;
    if (to.trailingSlash) return lstatSync(to.host, { throwIfNoEntry: false }) ? ERRNO.EXIST : ERRNO.NOENT;
    linkSync(from.host, to.host);
    return ERRNO.SUCCESS;
  }

  private pathOpen(
    fd: number,
    dirflags: number,
    ptr: number,
    len: number,
    oflags: number,
    base: bigint,
    _inheriting: bigint,
    fdflags: number,
    out: number,
  ): number {
    // Like wasmtime, the requested rights choose the access mode (read, write or both);
    // the new fd then gets what its type allows within the parent's inheriting rights,
    // minus what the access mode rules out. fd_fdstat_set_rights can only drop rights.
    const dir = this.fds.dir(fd, RIGHTS.PATH_OPEN);
    if ((oflags & OFLAGS.CREAT) !== 0 && (dir.rightsBase & RIGHTS.PATH_CREATE_FILE) === 0) return ERRNO.NOTCAPABLE;
    if ((oflags & OFLAGS.TRUNC) !== 0 && (dir.rightsBase & RIGHTS.PATH_FILESTAT_SET_SIZE) === 0)
      return ERRNO.NOTCAPABLE;
    const outAt = this.mem.check(out, 4);
    const r = this.resolve(dir, ptr, len, (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0);
    const asked = lowBits(base);
    const wantsWrite = (asked & (RIGHTS.FD_WRITE | RIGHTS.FD_ALLOCATE | RIGHTS.FD_FILESTAT_SET_SIZE)) !== 0;
    const wantsRead = (asked & (RIGHTS.FD_READ | RIGHTS.FD_READDIR)) !== 0 || !wantsWrite;
    const excl = (oflags & (OFLAGS.CREAT | OFLAGS.EXCL)) === (OFLAGS.CREAT | OFLAGS.EXCL);
    // Only the type is needed here: no Stats object (file-type.ts).
    const type = lstatType(r.host);
    let isDir: boolean;
    if (type === 0) {
      if ((oflags & OFLAGS.CREAT) === 0) return ERRNO.NOENT;
      if ((oflags & OFLAGS.DIRECTORY) !== 0) return ERRNO.INVAL;
      isDir = false;
    } else if (excl) {
      return ERRNO.EXIST;
    } else if (type === fsc.S_IFLNK) {
      // Not asked to follow (or we would have resolved it): O_NOFOLLOW semantics.
      return ERRNO.LOOP;
    } else if (type === fsc.S_IFDIR) {
      if (wantsWrite || (oflags & OFLAGS.TRUNC) !== 0) return ERRNO.ISDIR;
      isDir = true;
    } else {
      if ((oflags & OFLAGS.DIRECTORY) !== 0) return ERRNO.NOTDIR;
      isDir = false;
    }
    if (isDir) {
      const hostFd = openSync(r.host, fsc.O_RDONLY | fsc.O_DIRECTORY | fsc.O_NOFOLLOW);
      const depth = dir.depth + r.depth + (r.name === null ? 0 : 1);
      const flags = fdflags & (FDFLAGS.NONBLOCK | FDFLAGS.APPEND);
      const entry = dirEntry(dir, hostFd, handlePath(hostFd, r.host), depth, flags);
      this.mem.dv.setUint32(outAt, this.fds.allocate(entry), true);
      return ERRNO.SUCCESS;
    }
    let flags = fsc.O_NOFOLLOW;
    flags |= wantsWrite ? (wantsRead && (asked & RIGHTS.FD_READ) !== 0 ? fsc.O_RDWR : fsc.O_WRONLY) : fsc.O_RDONLY;
    if ((oflags & OFLAGS.CREAT) !== 0) flags |= fsc.O_CREAT;
    if ((oflags & OFLAGS.EXCL) !== 0) flags |= fsc.O_EXCL;
    if ((oflags & OFLAGS.TRUNC) !== 0) flags |= fsc.O_TRUNC;
    if ((fdflags & FDFLAGS.DSYNC) !== 0) flags |= fsc.O_DSYNC;
    if ((fdflags & (FDFLAGS.SYNC | FDFLAGS.RSYNC)) !== 0) flags |= fsc.O_SYNC;
    if ((fdflags & FDFLAGS.NONBLOCK) !== 0) flags |= fsc.O_NONBLOCK;
    const hostFd = openSync(r.host, flags, 0o666);
    const opened = fstatType(hostFd);
    let rights = RIGHTS_FILE & dir.rightsInheriting;
    if ((flags & (fsc.O_WRONLY | fsc.O_RDWR)) === 0)
      rights &= ~(RIGHTS.FD_WRITE | RIGHTS.FD_ALLOCATE | RIGHTS.FD_FILESTAT_SET_SIZE);
    if ((flags & fsc.O_WRONLY) !== 0) rights &= ~RIGHTS.FD_READ;
    if (opened !== fsc.S_IFREG) rights &= ~(RIGHTS.FD_SEEK | RIGHTS.FD_TELL);
    const entry = fileEntry(hostFd, filetypeOfType(opened), rights, dir.depth + r.depth, fdflags);
    this.mem.dv.setUint32(outAt, this.fds.allocate(entry), true);
    return ERRNO.SUCCESS;
  }

  private pathReadlink(fd: number, ptr: number, len: number, buf: number, bufLen: number, usedPtr: number): number {
    const dir = this.fds.dir(fd, RIGHTS.PATH_READLINK);
    const r = this.resolve(dir, ptr, len, false);
    // lstat first: LLVM's path functions readlink every file they meet, and a readlink of
    // something that is not a symlink throws an EINVAL (an Error with its stack: 5 KB of
    // garbage per call, measured on clang); an lstat that finds no file throws nothing.
    const type = lstatType(r.host);
    if (type === 0) return ERRNO.NOENT;
    if (type !== fsc.S_IFLNK) return ERRNO.INVAL;
    const target = readlinkSync(r.host, AS_BUFFER);
    const n = Math.min(target.length, bufLen);
    this.mem.bytes(buf, n).set(target.subarray(0, n));
    this.mem.dv.setUint32(usedPtr, n, true);
    return ERRNO.SUCCESS;
  }

  private pathRemoveDirectory(fd: number, ptr: number, len: number): number {
    const dir = this.fds.dir(fd, RIGHTS.PATH_REMOVE_DIRECTORY);
    const r = this.resolve(dir, ptr, len, false, true);
    if (r.name === null) return ERRNO.INVAL;
    rmdirSync(r.host);
    return ERRNO.SUCCESS;
  }

  private pathRename(
    fd: number,
    oldPtr: number,
    oldLen: number,
    newFd: number,
    newPtr: number,
    newLen: number,
  ): number {
    const oldDir = this.fds.dir(fd, RIGHTS.PATH_RENAME_SOURCE);
    const newDir = this.fds.dir(newFd, RIGHTS.PATH_RENAME_TARGET);
    const from = this.resolve(oldDir, oldPtr, oldLen, false, true);
    const to = this.resolve(newDir, newPtr, newLen, false, true);
    if (from.name === null || to.name === null) return ERRNO.BUSY;
    if (from.trailingSlash || to.trailingSlash) {
      const st = lstatSync(from.host, { throwIfNoEntry: false });
      if (st === undefined) return ERRNO.NOENT;
      if (!st.isDirectory()) return ERRNO.NOTDIR;
    }
    // A symlink moved to another depth must still point inside (see isContainedTarget).
    if (lstatSync(from.host).isSymbolicLink()) {
      if (!isContainedTarget(readlinkSync(from.host, 'utf8'), newDir.depth + to.depth)) return ERRNO.NOTCAPABLE;
    }
    renameSync(from.host, to.host);
    return ERRNO.SUCCESS;
  }

  private pathSymlink(oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number): number {
    const dir = this.fds.dir(fd, RIGHTS.PATH_SYMLINK);
    const target = this.mem.string(oldPtr, oldLen);
    if (target.includes('\0')) return ERRNO.ILSEQ;
    const r = this.resolve(dir, newPtr, newLen, false, true);
    if (r.name === null) return ERRNO.EXIST;
    if (r.trailingSlash) return lstatSync(r.host, { throwIfNoEntry: false }) ? ERRNO.EXIST : ERRNO.NOENT;
    // A link that points outside the sandbox could never be followed by the guest, but a
    // host process walking the tree later would follow it: refuse to create one.
    if (!isContainedTarget(target, dir.depth + r.depth)) return ERRNO.NOTCAPABLE;
    symlinkSync(target, r.host);
    return ERRNO.SUCCESS;
  }

  private pathUnlinkFile(fd: number, ptr: number, len: number): number {
    const dir = this.fds.dir(fd, RIGHTS.PATH_UNLINK_FILE);
    const r = this.resolve(dir, ptr, len, false, true);
    if (r.name === null) return ERRNO.ISDIR;
    if (r.trailingSlash) {
      const st = lstatSync(r.host, { throwIfNoEntry: false });
      if (st === undefined) return ERRNO.NOENT;
      return st.isDirectory() ? ERRNO.ISDIR : ERRNO.NOTDIR;
    }
    unlinkSync(r.host);
    return ERRNO.SUCCESS;
  }

  // ---- sockets -----------------------------------------------------------------

  private sock(fd: number): number {
    if (this.fds.find(fd) === undefined) return ERRNO.BADF;
    // We never hand out sockets (no preopened sockets in this runtime).
    return ERRNO.NOTSOCK;
  }
}
