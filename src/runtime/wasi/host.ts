/**
 * The preview1 host functions, over synchronous node:fs (calls from Wasm into the
 * host are synchronous). One `WasiHost` per program run: it owns the fd table.
 * Every function re-reads the memory's buffer (memory.grow detaches it) and
 * returns an errno; only proc_exit throws (`WasiExit`).
 */
import { randomFillSync } from 'node:crypto';
import {
  type BigIntStats,
  closeSync,
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
import { WasiExit } from '../errors.js';
import {
  CLOCK,
  ERRNO,
  EVENTTYPE,
  FDFLAGS,
  FILETYPE,
  FSTFLAGS,
  HOST_ERRNO,
  LOOKUP_SYMLINK_FOLLOW,
  OFLAGS,
  PREOPENTYPE_DIR,
  RIGHTS,
  RIGHTS_DIR,
  RIGHTS_FILE,
  RIGHTS_STDIO,
  SUBCLOCKFLAGS_ABSTIME,
} from './constants.js';
import { HandleCache, handlePath, isContainedTarget, type Resolved, resolvePath } from './sandbox.js';
import { type InputChannel, type OutputChannel, sleepMs } from './stdio.js';

/** A WASI errno thrown inside a syscall body; cheaper than an Error (no stack). */
class Errno {
  constructor(readonly errno: number) {}
}

interface FdEntry {
  kind: 'file' | 'dir' | 'stdin' | 'stdout';
  filetype: number;
  rightsBase: bigint;
  rightsInheriting: bigint;
  /** WASI fdflags as the guest set them (never the host's). */
  flags: number;
  /** Host fd (files and directories), or null for channels without one. */
  hostFd: number | null;
  /** For directories, the base of path resolution: `/proc/self/fd/N` on Linux (see sandbox.ts). */
  host: string;
  /** How many directories below its preopen this fd's directory is (0 for a preopen). */
  depth: number;
  /** File position (we use positional I/O: Node has no lseek). */
  position: number;
  /** Preopen name for fd_prestat_*; null for other fds. */
  preopen: string | null;
  input: InputChannel | null;
  output: OutputChannel | null;
  /** fd_readdir listing, taken at cookie 0 so cookies stay stable while reading. */
  listing: { name: string; type: number; ino: bigint }[] | null;
}

/** Differences between `wasi_snapshot_preview1` and `wasi_unstable` (snapshot 0). */
interface Layout {
  readonly unstable: boolean;
  readonly whenceSet: number;
  readonly whenceCur: number;
  readonly whenceEnd: number;
}
const PREVIEW1: Layout = { unstable: false, whenceSet: 0, whenceCur: 1, whenceEnd: 2 };
const UNSTABLE: Layout = { unstable: true, whenceSet: 2, whenceCur: 0, whenceEnd: 1 };

export interface HostConfig {
  readonly args: readonly string[];
  readonly env: readonly string[];
  /** [guest name, absolute host directory] */
  readonly preopens: readonly (readonly [string, string])[];
  readonly stdin: InputChannel;
  readonly stdout: OutputChannel;
  readonly stderr: OutputChannel;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Node has no way to set nanosecond times (utimes takes float seconds), see `FileTimes`. */
interface TimeOverride {
  atimHost: bigint;
  mtimHost: bigint;
  atim: bigint;
  mtim: bigint;
}

function filetypeOf(st: BigIntStats): number {
  if (st.isFile()) return FILETYPE.REGULAR_FILE;
  if (st.isDirectory()) return FILETYPE.DIRECTORY;
  if (st.isSymbolicLink()) return FILETYPE.SYMBOLIC_LINK;
  if (st.isCharacterDevice()) return FILETYPE.CHARACTER_DEVICE;
  if (st.isBlockDevice()) return FILETYPE.BLOCK_DEVICE;
  if (st.isSocket()) return FILETYPE.SOCKET_STREAM;
  return FILETYPE.UNKNOWN;
}

export class WasiHost {
  memory: WebAssembly.Memory | null = null;
  private buffer: ArrayBufferLike | null = null;
  private dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private u8: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  private readonly fds: (FdEntry | undefined)[] = [];
  private readonly args: Uint8Array[];
  private readonly env: Uint8Array[];
  private readonly realtimeAnchor: bigint;
  /** Exact times the guest set, keyed by `dev:ino`, valid while the host still shows what we wrote. */
  private readonly timeOverrides = new Map<string, TimeOverride>();

  private readonly stdin: InputChannel;

  constructor(config: HostConfig) {
    this.stdin = config.stdin;
    this.args = config.args.map((a) => encoder.encode(`${a}\0`));
    this.env = config.env.map((e) => encoder.encode(`${e}\0`));
    this.realtimeAnchor = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
    const stdio = (kind: 'stdin' | 'stdout', input: InputChannel | null, output: OutputChannel | null): FdEntry => ({
      kind,
      filetype: (input ?? output)!.filetype,
      rightsBase: RIGHTS_STDIO,
      rightsInheriting: 0n,
      flags: 0,
      hostFd: (input ?? output)!.hostFd,
      host: '',
      depth: 0,
      position: 0,
      preopen: null,
      input,
      output,
      listing: null,
    });
    this.fds.push(stdio('stdin', config.stdin, null));
    this.fds.push(stdio('stdout', null, config.stdout));
    this.fds.push(stdio('stdout', null, config.stderr));
    for (const [guest, host] of config.preopens) {
      const hostFd = openSync(host, fsc.O_RDONLY | fsc.O_DIRECTORY);
      this.fds.push({
        kind: 'dir',
        filetype: FILETYPE.DIRECTORY,
        rightsBase: RIGHTS_DIR,
        rightsInheriting: RIGHTS_DIR | RIGHTS_FILE,
        flags: 0,
        hostFd,
        host: handlePath(hostFd, host),
        depth: 0,
        position: 0,
        preopen: guest,
        input: null,
        output: null,
        listing: null,
      });
    }
  }

  /** Closes every host fd this host opened (preopens and files the guest left open). */
  dispose(): void {
    for (const entry of this.fds) {
      if (entry !== undefined && (entry.kind === 'file' || entry.kind === 'dir') && entry.hostFd !== null) {
        try {
          closeSync(entry.hostFd);
        } catch {
          // already closed: nothing to release
        }
      }
    }
    this.fds.length = 0;
    this.handles.clear();
    this.stdin.close?.();
  }

  // ---- memory -------------------------------------------------------------

  private refresh(): void {
    const memory = this.memory;
    if (memory === null) throw new Errno(ERRNO.FAULT);
    const buffer = memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.dv = new DataView(buffer);
      this.u8 = new Uint8Array(buffer);
    }
  }

  private bytes(ptr: number, len: number): Uint8Array {
    // i32 arguments arrive signed: a pointer or length of 2^31 or more is negative here, and
    // subarray would count it from the end (random_get(0, -1) filled all of memory but a byte).
    const start = ptr >>> 0;
    const end = start + (len >>> 0);
    if (end > this.u8.length) throw new Errno(ERRNO.FAULT);
    return this.u8.subarray(start, end);
  }

  private string(ptr: number, len: number): string {
    try {
      return decoder.decode(this.bytes(ptr, len));
    } catch (err) {
      if (err instanceof Errno) throw err;
      throw new Errno(ERRNO.ILSEQ);
    }
  }

  // ---- fd table -----------------------------------------------------------

  private entry(fd: number, rights: bigint): FdEntry {
    const entry = this.fds[fd];
    if (entry === undefined) throw new Errno(ERRNO.BADF);
    if ((entry.rightsBase & rights) !== rights) throw new Errno(ERRNO.NOTCAPABLE);
    return entry;
  }

  private dirEntry(fd: number, rights: bigint): FdEntry {
    const entry = this.fds[fd];
    if (entry === undefined) throw new Errno(ERRNO.BADF);
    if (entry.kind !== 'dir') throw new Errno(ERRNO.NOTDIR);
    if ((entry.rightsBase & rights) !== rights) throw new Errno(ERRNO.NOTCAPABLE);
    return entry;
  }

  private allocate(entry: FdEntry): number {
    for (let fd = 3; fd < this.fds.length; fd++) {
      if (this.fds[fd] === undefined) {
        this.fds[fd] = entry;
        return fd;
      }
    }
    this.fds.push(entry);
    return this.fds.length - 1;
  }

  /** Resolutions of the current call: their directory handles are closed when it returns. */
  private readonly held: Resolved[] = [];
  private readonly handles = new HandleCache();

  private resolve(dir: FdEntry, ptr: number, len: number, follow: boolean, strip = false): Resolved {
    const path = this.string(ptr, len);
    const r = resolvePath(dir.host, path, { follow, stripTrailingSlash: strip }, this.handles);
    if (typeof r === 'number') throw new Errno(r);
    this.held.push(r);
    return r;
  }

  private releaseHeld(): void {
    for (const r of this.held) r.release();
    this.held.length = 0;
  }

  // ---- stat helpers ---------------------------------------------------------

  private writeFilestat(ptr: number, st: BigIntStats, unstable: boolean): void {
    const dv = this.dv;
    if (ptr + (unstable ? 56 : 64) > dv.byteLength) throw new Errno(ERRNO.FAULT);
    let atim = st.atimeNs;
    let mtim = st.mtimeNs;
    const override = this.timeOverrides.get(`${st.dev}:${st.ino}`);
    if (override !== undefined) {
      if (override.atimHost === atim) atim = override.atim;
      if (override.mtimHost === mtim) mtim = override.mtim;
    }
    dv.setBigUint64(ptr, st.dev, true);
    dv.setBigUint64(ptr + 8, st.ino, true);
    dv.setUint8(ptr + 16, filetypeOf(st));
    if (unstable) {
      dv.setUint32(ptr + 20, Number(st.nlink), true);
      dv.setBigUint64(ptr + 24, st.size, true);
      dv.setBigUint64(ptr + 32, atim, true);
      dv.setBigUint64(ptr + 40, mtim, true);
      dv.setBigUint64(ptr + 48, st.ctimeNs, true);
    } else {
      dv.setBigUint64(ptr + 24, st.nlink, true);
      dv.setBigUint64(ptr + 32, st.size, true);
      dv.setBigUint64(ptr + 40, atim, true);
      dv.setBigUint64(ptr + 48, mtim, true);
      dv.setBigUint64(ptr + 56, st.ctimeNs, true);
    }
  }

  private now(): bigint {
    return this.realtimeAnchor + process.hrtime.bigint();
  }

  /**
   * Sets times with `set(atimeSeconds, mtimeSeconds)`, then remembers the exact
   * nanoseconds asked for: Node's utimes takes float seconds (about 240 ns of
   * precision today), so we report the guest's exact value for as long as the
   * host still shows the value we wrote.
   */
  private setTimes(
    stat: () => BigIntStats,
    set: (a: number, m: number) => void,
    atim: bigint,
    mtim: bigint,
    fst: number,
  ): number {
    if ((fst & ~0xf) !== 0) return ERRNO.INVAL;
    if ((fst & FSTFLAGS.ATIM) !== 0 && (fst & FSTFLAGS.ATIM_NOW) !== 0) return ERRNO.INVAL;
    if ((fst & FSTFLAGS.MTIM) !== 0 && (fst & FSTFLAGS.MTIM_NOW) !== 0) return ERRNO.INVAL;
    const before = stat();
    const old = this.timeOverrides.get(`${before.dev}:${before.ino}`);
    const shownA = old !== undefined && old.atimHost === before.atimeNs ? old.atim : before.atimeNs;
    const shownM = old !== undefined && old.mtimHost === before.mtimeNs ? old.mtim : before.mtimeNs;
    const now = this.now();
    const a = (fst & FSTFLAGS.ATIM) !== 0 ? atim : (fst & FSTFLAGS.ATIM_NOW) !== 0 ? now : shownA;
    const m = (fst & FSTFLAGS.MTIM) !== 0 ? mtim : (fst & FSTFLAGS.MTIM_NOW) !== 0 ? now : shownM;
    set(Number(a) / 1e9, Number(m) / 1e9);
    const after = stat();
    this.timeOverrides.set(`${after.dev}:${after.ino}`, {
      atimHost: after.atimeNs,
      mtimHost: after.mtimeNs,
      atim: a,
      mtim: m,
    });
    return ERRNO.SUCCESS;
  }

  // ---- the import object ----------------------------------------------------

  /** The import object for one namespace: `wasi_snapshot_preview1` or `wasi_unstable`. */
  imports(unstable: boolean): WebAssembly.ModuleImports {
    const layout = unstable ? UNSTABLE : PREVIEW1;
    const table: Record<string, (...args: never[]) => number> = {
      args_get: (argv: number, buf: number) => this.listGet(this.args, argv, buf),
      args_sizes_get: (countPtr: number, sizePtr: number) => this.listSizes(this.args, countPtr, sizePtr),
      environ_get: (envp: number, buf: number) => this.listGet(this.env, envp, buf),
      environ_sizes_get: (countPtr: number, sizePtr: number) => this.listSizes(this.env, countPtr, sizePtr),
      clock_res_get: (id: number, ptr: number) => this.clockResGet(id, ptr),
      clock_time_get: (id: number, _precision: bigint, ptr: number) => this.clockTimeGet(id, ptr),
      fd_advise: (fd: number, offset: bigint, len: bigint, advice: number) => this.fdAdvise(fd, offset, len, advice),
      fd_allocate: (fd: number, offset: bigint, len: bigint) => this.fdAllocate(fd, offset, len),
      fd_close: (fd: number) => this.fdClose(fd),
      fd_datasync: (fd: number) => this.fdSync(fd, RIGHTS.FD_DATASYNC, true),
      fd_sync: (fd: number) => this.fdSync(fd, RIGHTS.FD_SYNC, false),
      fd_fdstat_get: (fd: number, ptr: number) => this.fdFdstatGet(fd, ptr),
      fd_fdstat_set_flags: (fd: number, flags: number) => this.fdFdstatSetFlags(fd, flags),
      fd_fdstat_set_rights: (fd: number, base: bigint, inheriting: bigint) =>
        this.fdFdstatSetRights(fd, base, inheriting),
      fd_filestat_get: (fd: number, ptr: number) => this.fdFilestatGet(fd, ptr, layout),
      fd_filestat_set_size: (fd: number, size: bigint) => this.fdFilestatSetSize(fd, size),
      fd_filestat_set_times: (fd: number, atim: bigint, mtim: bigint, fst: number) =>
        this.fdFilestatSetTimes(fd, atim, mtim, fst),
      fd_pread: (fd: number, iovs: number, count: number, offset: bigint, nread: number) =>
        this.fdPread(fd, iovs, count, offset, nread),
      fd_prestat_get: (fd: number, ptr: number) => this.fdPrestatGet(fd, ptr),
      fd_prestat_dir_name: (fd: number, ptr: number, len: number) => this.fdPrestatDirName(fd, ptr, len),
      fd_pwrite: (fd: number, iovs: number, count: number, offset: bigint, nwritten: number) =>
        this.fdPwrite(fd, iovs, count, offset, nwritten),
      fd_read: (fd: number, iovs: number, count: number, nread: number) => this.fdRead(fd, iovs, count, nread),
      fd_readdir: (fd: number, buf: number, len: number, cookie: bigint, used: number) =>
        this.fdReaddir(fd, buf, len, cookie, used),
      fd_renumber: (from: number, to: number) => this.fdRenumber(from, to),
      fd_seek: (fd: number, offset: bigint, whence: number, ptr: number) =>
        this.fdSeek(fd, offset, whence, ptr, layout),
      fd_tell: (fd: number, ptr: number) => this.fdTell(fd, ptr),
      fd_write: (fd: number, iovs: number, count: number, nwritten: number) => this.fdWrite(fd, iovs, count, nwritten),
      path_create_directory: (fd: number, ptr: number, len: number) => this.pathCreateDirectory(fd, ptr, len),
      path_filestat_get: (fd: number, flags: number, ptr: number, len: number, out: number) =>
        this.pathFilestatGet(fd, flags, ptr, len, out, layout),
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
      ) => this.pathOpen(fd, dirflags, ptr, len, oflags, base, inheriting, fdflags, out),
      path_readlink: (fd: number, ptr: number, len: number, buf: number, bufLen: number, used: number) =>
        this.pathReadlink(fd, ptr, len, buf, bufLen, used),
      path_remove_directory: (fd: number, ptr: number, len: number) => this.pathRemoveDirectory(fd, ptr, len),
      path_rename: (fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) =>
        this.pathRename(fd, oldPtr, oldLen, newFd, newPtr, newLen),
      path_symlink: (oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number) =>
        this.pathSymlink(oldPtr, oldLen, fd, newPtr, newLen),
      path_unlink_file: (fd: number, ptr: number, len: number) => this.pathUnlinkFile(fd, ptr, len),
      poll_oneoff: (inPtr: number, outPtr: number, count: number, neventsPtr: number) =>
        this.pollOneoff(inPtr, outPtr, count, neventsPtr, layout),
      proc_exit: (code: number) => {
        throw new WasiExit(code >>> 0);
      },
      proc_raise: () => ERRNO.NOSYS,
      sched_yield: () => ERRNO.SUCCESS,
      random_get: (ptr: number, len: number) => this.randomGet(ptr, len),
      sock_recv: (fd: number) => this.sock(fd),
      sock_send: (fd: number) => this.sock(fd),
      sock_shutdown: (fd: number) => this.sock(fd),
    };
    if (!unstable) table.sock_accept = (fd: number) => this.sock(fd);
    const out: WebAssembly.ModuleImports = {};
    for (const [name, fn] of Object.entries(table)) {
      out[name] = (...args: never[]): number => {
        try {
          this.refresh();
          return fn(...args);
        } catch (err) {
          return this.errnoOf(err);
        } finally {
          if (this.held.length > 0) this.releaseHeld();
        }
      };
    }
    // proc_exit must throw through the guest: no errno wrapper.
    out.proc_exit = table.proc_exit!;
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

  private listGet(list: readonly Uint8Array[], ptrs: number, buf: number): number {
    const dv = this.dv;
    for (const item of list) {
      dv.setUint32(ptrs, buf, true);
      ptrs += 4;
      this.bytes(buf, item.length).set(item);
      buf += item.length;
    }
    return ERRNO.SUCCESS;
  }

  private listSizes(list: readonly Uint8Array[], countPtr: number, sizePtr: number): number {
    let size = 0;
    for (const item of list) size += item.length;
    this.dv.setUint32(countPtr, list.length, true);
    this.dv.setUint32(sizePtr, size, true);
    return ERRNO.SUCCESS;
  }

  private clockNow(id: number): bigint | null {
    switch (id) {
      case CLOCK.REALTIME:
        return this.now();
      case CLOCK.MONOTONIC:
        return process.hrtime.bigint();
      case CLOCK.PROCESS_CPUTIME:
      case CLOCK.THREAD_CPUTIME: {
        const u = process.cpuUsage();
        return BigInt(u.user + u.system) * 1000n;
      }
      default:
        return null;
    }
  }

  private clockResGet(id: number, ptr: number): number {
    if (id < 0 || id > 3) return ERRNO.INVAL;
    this.dv.setBigUint64(ptr, id === CLOCK.MONOTONIC || id === CLOCK.REALTIME ? 1n : 1000n, true);
    return ERRNO.SUCCESS;
  }

  private clockTimeGet(id: number, ptr: number): number {
    const now = this.clockNow(id);
    if (now === null) return ERRNO.INVAL;
    this.dv.setBigUint64(ptr, now, true);
    return ERRNO.SUCCESS;
  }

  private randomGet(ptr: number, len: number): number {
    randomFillSync(this.bytes(ptr, len));
    return ERRNO.SUCCESS;
  }

  // ---- fd_* -------------------------------------------------------------------

  private fdAdvise(fd: number, offset: bigint, len: bigint, advice: number): number {
    const entry = this.entry(fd, 0n);
    if (entry.kind === 'dir') return ERRNO.BADF;
    if ((entry.rightsBase & RIGHTS.FD_ADVISE) === 0n) return ERRNO.NOTCAPABLE;
    if (advice > 5 || offset < 0n || len < 0n) return ERRNO.INVAL;
    if (entry.kind !== 'file') return ERRNO.SPIPE;
    // posix_fadvise is only a hint; Node cannot pass it on.
    return ERRNO.SUCCESS;
  }

  private fdAllocate(fd: number, offset: bigint, len: bigint): number {
    const entry = this.entry(fd, 0n);
    if (entry.kind === 'dir') return ERRNO.BADF;
    if ((entry.rightsBase & RIGHTS.FD_ALLOCATE) === 0n) return ERRNO.NOTCAPABLE;
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
    const entry = this.entry(fd, 0n);
    if ((entry.kind === 'file' || entry.kind === 'dir') && entry.hostFd !== null) closeSync(entry.hostFd);
    this.fds[fd] = undefined;
    return ERRNO.SUCCESS;
  }

  private fdSync(fd: number, right: bigint, dataOnly: boolean): number {
    const entry = this.entry(fd, right);
    if (entry.hostFd === null) return ERRNO.SUCCESS;
    if (entry.kind !== 'file' && entry.kind !== 'dir') {
      // fsync on a tty or pipe is EINVAL on Linux; there is nothing to flush.
      return ERRNO.SUCCESS;
    }
    if (dataOnly) fdatasyncSync(entry.hostFd);
    else fsyncSync(entry.hostFd);
    return ERRNO.SUCCESS;
  }

  private fdFdstatGet(fd: number, ptr: number): number {
    const entry = this.entry(fd, 0n);
    const dv = this.dv;
    if (ptr + 24 > dv.byteLength) return ERRNO.FAULT;
    dv.setUint8(ptr, entry.filetype);
    dv.setUint8(ptr + 1, 0);
    dv.setUint16(ptr + 2, entry.flags, true);
    dv.setUint32(ptr + 4, 0, true);
    dv.setBigUint64(ptr + 8, entry.rightsBase, true);
    dv.setBigUint64(ptr + 16, entry.rightsInheriting, true);
    return ERRNO.SUCCESS;
  }

  private fdFdstatSetFlags(fd: number, flags: number): number {
    const entry = this.entry(fd, RIGHTS.FD_FDSTAT_SET_FLAGS);
    if ((flags & ~0x1f) !== 0) return ERRNO.INVAL;
    // Node cannot fcntl(F_SETFL): APPEND is emulated by us (positional writes at the end),
    // NONBLOCK has no effect on regular files and directories. The sync flags cannot change.
    const fixed = FDFLAGS.DSYNC | FDFLAGS.RSYNC | FDFLAGS.SYNC;
    if ((flags & fixed) !== (entry.flags & fixed)) return ERRNO.NOTSUP;
    entry.flags = flags;
    return ERRNO.SUCCESS;
  }

  private fdFdstatSetRights(fd: number, base: bigint, inheriting: bigint): number {
    const entry = this.entry(fd, 0n);
    if ((base & ~entry.rightsBase) !== 0n || (inheriting & ~entry.rightsInheriting) !== 0n) return ERRNO.NOTCAPABLE;
    entry.rightsBase = base;
    entry.rightsInheriting = inheriting;
    return ERRNO.SUCCESS;
  }

  private statEntry(entry: FdEntry): BigIntStats | null {
    if (entry.hostFd === null) return null;
    return fstatSync(entry.hostFd, { bigint: true });
  }

  private fdFilestatGet(fd: number, ptr: number, layout: Layout): number {
    const entry = this.entry(fd, RIGHTS.FD_FILESTAT_GET);
    const st = this.statEntry(entry);
    if (st === null) {
      // A captured or in-memory stdio stream: a character device with no identity.
      const size = layout.unstable ? 56 : 64;
      this.bytes(ptr, size).fill(0);
      this.dv.setUint8(ptr + 16, entry.filetype);
      return ERRNO.SUCCESS;
    }
    this.writeFilestat(ptr, st, layout.unstable);
    return ERRNO.SUCCESS;
  }

  private fdFilestatSetSize(fd: number, size: bigint): number {
    const entry = this.entry(fd, 0n);
    if (entry.kind === 'dir') return ERRNO.BADF;
    if ((entry.rightsBase & RIGHTS.FD_FILESTAT_SET_SIZE) === 0n) return ERRNO.NOTCAPABLE;
    if (entry.kind !== 'file') return ERRNO.INVAL;
    if (size < 0n) return ERRNO.INVAL;
    if (size > MAX_SAFE) return ERRNO.FBIG;
    ftruncateSync(entry.hostFd!, Number(size));
    return ERRNO.SUCCESS;
  }

  private fdFilestatSetTimes(fd: number, atim: bigint, mtim: bigint, fst: number): number {
    const entry = this.entry(fd, RIGHTS.FD_FILESTAT_SET_TIMES);
    const hostFd = entry.hostFd;
    if (hostFd === null) return ERRNO.BADF;
    return this.setTimes(
      () => fstatSync(hostFd, { bigint: true }),
      (a, m) => futimesSync(hostFd, a, m),
      atim,
      mtim,
      fst,
    );
  }

  private fdPrestatGet(fd: number, ptr: number): number {
    const entry = this.entry(fd, 0n);
    if (entry.preopen === null) return ERRNO.BADF;
    this.dv.setUint32(ptr, PREOPENTYPE_DIR, true);
    this.dv.setUint32(ptr + 4, encoder.encode(entry.preopen).length, true);
    return ERRNO.SUCCESS;
  }

  private fdPrestatDirName(fd: number, ptr: number, len: number): number {
    const entry = this.entry(fd, 0n);
    if (entry.preopen === null) return ERRNO.BADF;
    const name = encoder.encode(entry.preopen);
    if (len < name.length) return ERRNO.NAMETOOLONG;
    this.bytes(ptr, name.length).set(name);
    return ERRNO.SUCCESS;
  }

  /** Calls `each(view)` for every iovec in turn; stops early when `each` returns a short count. */
  private iovecs(signedIovs: number, signedCount: number, each: (view: Uint8Array) => number): number {
    const dv = this.dv;
    const iovs = signedIovs >>> 0; // unsigned, as in bytes()
    const count = signedCount >>> 0;
    if (iovs + count * 8 > dv.byteLength) throw new Errno(ERRNO.FAULT);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const buf = dv.getUint32(iovs + i * 8, true);
      const len = dv.getUint32(iovs + i * 8 + 4, true);
      if (len === 0) continue;
      const n = each(this.bytes(buf, len));
      total += n;
      if (n < len) break;
    }
    return total;
  }

  private readEntry(fd: number, rights: bigint): FdEntry {
    const entry = this.entry(fd, 0n);
    if (entry.kind === 'dir') throw new Errno(ERRNO.ISDIR);
    if ((entry.rightsBase & rights) !== rights) throw new Errno(ERRNO.NOTCAPABLE);
    return entry;
  }

  private fdRead(fd: number, iovs: number, count: number, nreadPtr: number): number {
    const entry = this.readEntry(fd, RIGHTS.FD_READ);
    let n: number;
    if (entry.kind === 'file') {
      const hostFd = entry.hostFd!;
      n = this.iovecs(iovs, count, (view) => {
        const got = readSync(hostFd, view, 0, view.length, entry.position);
        entry.position += got;
        return got;
      });
    } else if (entry.input !== null) {
      const input = entry.input;
      // Read into the first non-empty iovec only: a terminal gives one line per read,
      // and asking again for the next iovec would block until the user types more.
      let done = false;
      n = this.iovecs(iovs, count, (view) => {
        if (done) return 0;
        done = true;
        return input.read(view);
      });
    } else return ERRNO.BADF;
    this.dv.setUint32(nreadPtr, n, true);
    return ERRNO.SUCCESS;
  }

  private fdPread(fd: number, iovs: number, count: number, offset: bigint, nreadPtr: number): number {
    return this.positionalIo(fd, RIGHTS.FD_READ, readSync, iovs, count, offset, nreadPtr);
  }

  /** fd_pread / fd_pwrite: `io` over each iovec from `offset`, without moving the fd's own position. */
  private positionalIo(
    fd: number,
    right: bigint,
    io: (hostFd: number, view: Uint8Array, at: number, length: number, position: number) => number,
    iovs: number,
    count: number,
    offset: bigint,
    donePtr: number,
  ): number {
    const entry = this.readEntry(fd, right | RIGHTS.FD_SEEK);
    if (entry.kind !== 'file') return ERRNO.SPIPE;
    if (offset < 0n || offset > MAX_SAFE) return ERRNO.INVAL;
    const hostFd = entry.hostFd!;
    let position = Number(offset);
    const n = this.iovecs(iovs, count, (view) => {
      const done = io(hostFd, view, 0, view.length, position);
      position += done;
      return done;
    });
    this.dv.setUint32(donePtr, n, true);
    return ERRNO.SUCCESS;
  }

  private fdWrite(fd: number, iovs: number, count: number, nwrittenPtr: number): number {
    const entry = this.readEntry(fd, RIGHTS.FD_WRITE);
    let n: number;
    if (entry.kind === 'file') {
      const hostFd = entry.hostFd!;
      if ((entry.flags & FDFLAGS.APPEND) !== 0) entry.position = Number(fstatSync(hostFd).size);
      n = this.iovecs(iovs, count, (view) => {
        const put = writeSync(hostFd, view, 0, view.length, entry.position);
        entry.position += put;
        return put;
      });
    } else if (entry.output !== null) {
      const output = entry.output;
      if (count > 1 && output.writev !== undefined) {
        const views: Uint8Array[] = [];
        n = this.iovecs(iovs, count, (view) => {
          views.push(view);
          return view.length;
        });
        output.writev(views);
      } else {
        n = this.iovecs(iovs, count, (view) => {
          output.write(view);
          return view.length;
        });
      }
    } else return ERRNO.BADF;
    this.dv.setUint32(nwrittenPtr, n, true);
    return ERRNO.SUCCESS;
  }

  private fdPwrite(fd: number, iovs: number, count: number, offset: bigint, nwrittenPtr: number): number {
    return this.positionalIo(fd, RIGHTS.FD_WRITE, writeSync, iovs, count, offset, nwrittenPtr);
  }

  private fdReaddir(fd: number, buf: number, len: number, cookie: bigint, usedPtr: number): number {
    const entry = this.entry(fd, 0n);
    if (entry.kind !== 'dir') return ERRNO.NOTDIR;
    if ((entry.rightsBase & RIGHTS.FD_READDIR) === 0n) return ERRNO.NOTCAPABLE;
    if (cookie === 0n || entry.listing === null) entry.listing = this.list(entry);
    const listing = entry.listing;
    const out = this.bytes(buf, len);
    const header = new DataView(new ArrayBuffer(24));
    const headerBytes = new Uint8Array(header.buffer);
    let used = 0;
    for (let i = Number(cookie); i < listing.length && used < len; i++) {
      const item = listing[i]!;
      const name = encoder.encode(item.name);
      header.setBigUint64(0, BigInt(i + 1), true);
      header.setBigUint64(8, item.ino, true);
      header.setUint32(16, name.length, true);
      header.setUint8(20, item.type);
      const record = new Uint8Array(24 + name.length);
      record.set(headerBytes);
      record.set(name, 24);
      const n = Math.min(record.length, len - used);
      out.set(record.subarray(0, n), used);
      used += n;
    }
    this.dv.setUint32(usedPtr, used, true);
    return ERRNO.SUCCESS;
  }

  private list(entry: FdEntry): { name: string; type: number; ino: bigint }[] {
    const self = fstatSync(entry.hostFd!, { bigint: true });
    // A preopen's `..` is outside the sandbox: report the directory itself there.
    const parentIno = entry.depth === 0 ? self.ino : lstatSync(`${entry.host}/..`, { bigint: true }).ino;
    const items: { name: string; type: number; ino: bigint }[] = [
      { name: '.', type: FILETYPE.DIRECTORY, ino: self.ino },
      { name: '..', type: FILETYPE.DIRECTORY, ino: parentIno },
    ];
    for (const name of readdirSync(entry.host)) {
      const st = lstatSync(`${entry.host}/${name}`, { bigint: true, throwIfNoEntry: false });
      if (st === undefined) continue;
      items.push({ name, type: filetypeOf(st), ino: st.ino });
    }
    return items;
  }

  /**
   * Moves `from` onto `to`, closing what `to` held. As in the wasi-testsuite (rust/renumber),
   * uvwasi and wasmtime, `to` must be open: EBADF otherwise. The exception is a closed
   * stdio number (0, 1, 2): programs use wasi-libc's `__wasilibc_fd_renumber` as dup2 to
   * put a file where stdout was (Yosys's ABC closes fd 1 and renumbers a file onto it,
   * and without this all its later output was lost). That is safe from the race the spec
   * gives for refusing dup2 to any number: path_open never hands out 0, 1 or 2 here.
   */
  private fdRenumber(from: number, to: number): number {
    const source = this.entry(from, 0n);
    const target = this.fds[to];
    if (target === undefined && !(to >= 0 && to <= 2)) return ERRNO.BADF;
    if (from === to) return ERRNO.SUCCESS;
    if (target !== undefined && (target.kind === 'file' || target.kind === 'dir') && target.hostFd !== null) {
      try {
        closeSync(target.hostFd);
      } catch {
        // As dup2 does, an error closing the replaced descriptor is not reported.
      }
    }
    this.fds[to] = source;
    this.fds[from] = undefined;
    return ERRNO.SUCCESS;
  }

  private fdSeek(fd: number, offset: bigint, whence: number, ptr: number, layout: Layout): number {
    const entry = this.entry(fd, 0n);
    if (entry.kind === 'dir') return ERRNO.ISDIR;
    const isTell = whence === layout.whenceCur && offset === 0n;
    const need = isTell ? RIGHTS.FD_TELL : RIGHTS.FD_SEEK;
    if ((entry.rightsBase & need) === 0n) return ERRNO.NOTCAPABLE;
    if (entry.kind !== 'file') return ERRNO.SPIPE;
    let base: bigint;
    if (whence === layout.whenceSet) base = 0n;
    else if (whence === layout.whenceCur) base = BigInt(entry.position);
    else if (whence === layout.whenceEnd) base = fstatSync(entry.hostFd!, { bigint: true }).size;
    else return ERRNO.INVAL;
    const next = base + offset;
    if (next < 0n) return ERRNO.INVAL;
    if (next > MAX_SAFE) return ERRNO.OVERFLOW;
    entry.position = Number(next);
    this.dv.setBigUint64(ptr, next, true);
    return ERRNO.SUCCESS;
  }

  private fdTell(fd: number, ptr: number): number {
    const entry = this.entry(fd, 0n);
    if (entry.kind === 'dir') return ERRNO.ISDIR;
    if ((entry.rightsBase & RIGHTS.FD_TELL) === 0n) return ERRNO.NOTCAPABLE;
    if (entry.kind !== 'file') return ERRNO.SPIPE;
    this.dv.setBigUint64(ptr, BigInt(entry.position), true);
    return ERRNO.SUCCESS;
  }

  // ---- path_* -----------------------------------------------------------------

  private pathCreateDirectory(fd: number, ptr: number, len: number): number {
    const dir = this.dirEntry(fd, RIGHTS.PATH_CREATE_DIRECTORY);
    const r = this.resolve(dir, ptr, len, false, true);
    if (r.name === null) return ERRNO.EXIST;
    mkdirSync(r.host);
    return ERRNO.SUCCESS;
  }

  private pathFilestatGet(fd: number, flags: number, ptr: number, len: number, out: number, layout: Layout): number {
    const dir = this.dirEntry(fd, RIGHTS.PATH_FILESTAT_GET);
    const r = this.resolve(dir, ptr, len, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
    const st = lstatSync(r.host, { bigint: true });
    this.writeFilestat(out, st, layout.unstable);
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
    const dir = this.dirEntry(fd, RIGHTS.PATH_FILESTAT_SET_TIMES);
    const r = this.resolve(dir, ptr, len, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
    // The resolved host path is never a symlink we were asked to follow, so lutimes is right either way.
    return this.setTimes(
      () => lstatSync(r.host, { bigint: true }),
      (a, m) => lutimesSync(r.host, a, m),
      atim,
      mtim,
      fst,
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
    const oldDir = this.dirEntry(oldFd, RIGHTS.PATH_LINK_SOURCE);
    const newDir = this.dirEntry(newFd, RIGHTS.PATH_LINK_TARGET);
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
    const dir = this.dirEntry(fd, RIGHTS.PATH_OPEN);
    if ((oflags & OFLAGS.CREAT) !== 0 && (dir.rightsBase & RIGHTS.PATH_CREATE_FILE) === 0n) return ERRNO.NOTCAPABLE;
    if ((oflags & OFLAGS.TRUNC) !== 0 && (dir.rightsBase & RIGHTS.PATH_FILESTAT_SET_SIZE) === 0n)
      return ERRNO.NOTCAPABLE;
    const r = this.resolve(dir, ptr, len, (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0);
    const wantsWrite = (base & (RIGHTS.FD_WRITE | RIGHTS.FD_ALLOCATE | RIGHTS.FD_FILESTAT_SET_SIZE)) !== 0n;
    const wantsRead = (base & (RIGHTS.FD_READ | RIGHTS.FD_READDIR)) !== 0n || !wantsWrite;
    const excl = (oflags & (OFLAGS.CREAT | OFLAGS.EXCL)) === (OFLAGS.CREAT | OFLAGS.EXCL);
    const st = lstatSync(r.host, { bigint: true, throwIfNoEntry: false });
    let isDir: boolean;
    if (st === undefined) {
      if ((oflags & OFLAGS.CREAT) === 0) return ERRNO.NOENT;
      if ((oflags & OFLAGS.DIRECTORY) !== 0) return ERRNO.INVAL;
      isDir = false;
    } else if (excl) {
      return ERRNO.EXIST;
    } else if (st.isSymbolicLink()) {
      // Not asked to follow (or we would have resolved it): O_NOFOLLOW semantics.
      return ERRNO.LOOP;
    } else if (st.isDirectory()) {
      if (wantsWrite || (oflags & OFLAGS.TRUNC) !== 0) return ERRNO.ISDIR;
      isDir = true;
    } else {
      if ((oflags & OFLAGS.DIRECTORY) !== 0) return ERRNO.NOTDIR;
      isDir = false;
    }
    if (isDir) {
      const hostFd = openSync(r.host, fsc.O_RDONLY | fsc.O_DIRECTORY | fsc.O_NOFOLLOW);
      const newFd = this.allocate({
        kind: 'dir',
        filetype: FILETYPE.DIRECTORY,
        rightsBase: RIGHTS_DIR & dir.rightsInheriting,
        rightsInheriting: dir.rightsInheriting,
        flags: fdflags & (FDFLAGS.NONBLOCK | FDFLAGS.APPEND),
        hostFd,
        host: handlePath(hostFd, r.host),
        depth: dir.depth + r.depth + (r.name === null ? 0 : 1),
        position: 0,
        preopen: null,
        input: null,
        output: null,
        listing: null,
      });
      this.dv.setUint32(out, newFd, true);
      return ERRNO.SUCCESS;
    }
    let flags = fsc.O_NOFOLLOW;
    flags |= wantsWrite ? (wantsRead && (base & RIGHTS.FD_READ) !== 0n ? fsc.O_RDWR : fsc.O_WRONLY) : fsc.O_RDONLY;
    if ((oflags & OFLAGS.CREAT) !== 0) flags |= fsc.O_CREAT;
    if ((oflags & OFLAGS.EXCL) !== 0) flags |= fsc.O_EXCL;
    if ((oflags & OFLAGS.TRUNC) !== 0) flags |= fsc.O_TRUNC;
    if ((fdflags & FDFLAGS.DSYNC) !== 0) flags |= fsc.O_DSYNC;
    if ((fdflags & (FDFLAGS.SYNC | FDFLAGS.RSYNC)) !== 0) flags |= fsc.O_SYNC;
    if ((fdflags & FDFLAGS.NONBLOCK) !== 0) flags |= fsc.O_NONBLOCK;
    const hostFd = openSync(r.host, flags, 0o666);
    const opened = fstatSync(hostFd, { bigint: true });
    let rights = RIGHTS_FILE & dir.rightsInheriting;
    if ((flags & (fsc.O_WRONLY | fsc.O_RDWR)) === 0)
      rights &= ~(RIGHTS.FD_WRITE | RIGHTS.FD_ALLOCATE | RIGHTS.FD_FILESTAT_SET_SIZE);
    if ((flags & fsc.O_WRONLY) !== 0) rights &= ~RIGHTS.FD_READ;
    const isFile = opened.isFile();
    if (!isFile) rights &= ~(RIGHTS.FD_SEEK | RIGHTS.FD_TELL);
    const newFd = this.allocate({
      kind: 'file',
      filetype: filetypeOf(opened),
      rightsBase: rights,
      rightsInheriting: 0n,
      flags: fdflags,
      hostFd,
      host: '',
      depth: dir.depth + r.depth,
      position: 0,
      preopen: null,
      input: null,
      output: null,
      listing: null,
    });
    this.dv.setUint32(out, newFd, true);
    return ERRNO.SUCCESS;
  }

  private pathReadlink(fd: number, ptr: number, len: number, buf: number, bufLen: number, usedPtr: number): number {
    const dir = this.dirEntry(fd, RIGHTS.PATH_READLINK);
    const r = this.resolve(dir, ptr, len, false);
    const target = readlinkSync(r.host, { encoding: 'buffer' });
    const n = Math.min(target.length, bufLen);
    this.bytes(buf, n).set(target.subarray(0, n));
    this.dv.setUint32(usedPtr, n, true);
    return ERRNO.SUCCESS;
  }

  private pathRemoveDirectory(fd: number, ptr: number, len: number): number {
    const dir = this.dirEntry(fd, RIGHTS.PATH_REMOVE_DIRECTORY);
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
    const oldDir = this.dirEntry(fd, RIGHTS.PATH_RENAME_SOURCE);
    const newDir = this.dirEntry(newFd, RIGHTS.PATH_RENAME_TARGET);
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
    const dir = this.dirEntry(fd, RIGHTS.PATH_SYMLINK);
    const target = this.string(oldPtr, oldLen);
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
    const dir = this.dirEntry(fd, RIGHTS.PATH_UNLINK_FILE);
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

  // ---- poll, sockets -----------------------------------------------------------

  private pollOneoff(
    signedIn: number,
    signedOut: number,
    signedCount: number,
    neventsPtr: number,
    layout: Layout,
  ): number {
    // Unsigned, as in bytes(): a count of 2^31 or more must not read as negative (then as no work).
    const inPtr = signedIn >>> 0;
    const outPtr = signedOut >>> 0;
    const count = signedCount >>> 0;
    if (count === 0) return ERRNO.INVAL;
    const size = layout.unstable ? 56 : 48;
    const dv = this.dv;
    if (inPtr + count * size > dv.byteLength || outPtr + count * 32 > dv.byteLength) return ERRNO.FAULT;
    interface Ev {
      userdata: bigint;
      error: number;
      type: number;
      nbytes: bigint;
    }
    const ready: Ev[] = [];
    const clocks: { userdata: bigint; deadline: bigint; id: number }[] = [];
    // fd_read subscriptions on a pipe or terminal stdin with nothing to read yet.
    const waiting: { userdata: bigint; input: InputChannel }[] = [];
    for (let i = 0; i < count; i++) {
      const sub = inPtr + i * size;
      const userdata = dv.getBigUint64(sub, true);
      const type = dv.getUint8(sub + 8);
      if (type === EVENTTYPE.CLOCK) {
        const o = layout.unstable ? sub + 24 : sub + 16;
        const id = dv.getUint32(o, true);
        const timeout = dv.getBigUint64(o + 8, true);
        const flags = dv.getUint16(o + 24, true);
        const now = this.clockNow(id);
        if (now === null) {
          ready.push({ userdata, error: ERRNO.INVAL, type, nbytes: 0n });
          continue;
        }
        const deadline = (flags & SUBCLOCKFLAGS_ABSTIME) !== 0 ? timeout : now + timeout;
        // Deadlines are kept on the monotonic clock so sleeping can be measured one way.
        clocks.push({ userdata, deadline: process.hrtime.bigint() + (deadline - now), id });
      } else if (type === EVENTTYPE.FD_READ || type === EVENTTYPE.FD_WRITE) {
        const fd = dv.getUint32(sub + 16, true);
        const entry = this.fds[fd];
        if (entry === undefined) {
          ready.push({ userdata, error: ERRNO.BADF, type, nbytes: 0n });
          continue;
        }
        if ((entry.rightsBase & RIGHTS.POLL_FD_READWRITE) === 0n) {
          ready.push({ userdata, error: ERRNO.NOTCAPABLE, type, nbytes: 0n });
          continue;
        }
        let nbytes = 0n;
        if (type === EVENTTYPE.FD_READ && entry.input?.poll !== undefined) {
          const available = entry.input.poll();
          if (available === null) {
            waiting.push({ userdata, input: entry.input });
            continue;
          }
          nbytes = BigInt(available);
        } else if (type === EVENTTYPE.FD_READ && entry.kind === 'file') {
          const st = fstatSync(entry.hostFd!, { bigint: true });
          nbytes = st.size > BigInt(entry.position) ? st.size - BigInt(entry.position) : 0n;
        }
        // Files, directories and output streams are always ready (as Linux's poll says for files).
        ready.push({ userdata, error: ERRNO.SUCCESS, type, nbytes });
      } else {
        ready.push({ userdata, error: ERRNO.INVAL, type, nbytes: 0n });
      }
    }
    if (ready.length === 0 && (clocks.length > 0 || waiting.length > 0)) {
      // Sleep until the earliest clock, checking waiting inputs every few milliseconds.
      let earliest: bigint | null = null;
      for (const c of clocks) if (earliest === null || c.deadline < earliest) earliest = c.deadline;
      for (;;) {
        for (const w of waiting) {
          const available = w.input.poll!();
          if (available !== null) {
            ready.push({
              userdata: w.userdata,
              error: ERRNO.SUCCESS,
              type: EVENTTYPE.FD_READ,
              nbytes: BigInt(available),
            });
          }
        }
        if (ready.length > 0) break;
        const left = earliest === null ? null : Number(earliest - process.hrtime.bigint()) / 1e6;
        if (left !== null && left <= 0) break;
        sleepMs(waiting.length === 0 ? left! : Math.min(left ?? 10, 10));
      }
    }
    const now = process.hrtime.bigint();
    for (const c of clocks) {
      if (c.deadline <= now)
        ready.push({ userdata: c.userdata, error: ERRNO.SUCCESS, type: EVENTTYPE.CLOCK, nbytes: 0n });
    }
    for (let i = 0; i < ready.length; i++) {
      const ev = ready[i]!;
      const o = outPtr + i * 32;
      this.bytes(o, 32).fill(0);
      dv.setBigUint64(o, ev.userdata, true);
      dv.setUint16(o + 8, ev.error, true);
      dv.setUint8(o + 10, ev.type);
      dv.setBigUint64(o + 16, ev.nbytes, true);
    }
    dv.setUint32(neventsPtr, ready.length, true);
    return ERRNO.SUCCESS;
  }

  private sock(fd: number): number {
    const entry = this.fds[fd];
    if (entry === undefined) return ERRNO.BADF;
    // We never hand out sockets (no preopened sockets in this runtime).
    return ERRNO.NOTSOCK;
  }
}
