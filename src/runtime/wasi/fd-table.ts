/**
 * The guest's fd table: what each fd is (a stdio channel, a host file or a host
 * directory), its rights, and the lookups every syscall starts with (EBADF for
 * an fd that is not open, ENOTCAPABLE for a right it lacks), in the manner of
 * uvwasi's `uvwasi_fd_table_get(table, id, &wrap, rights_base, rights_inheriting)`.
 */
import { closeSync } from 'node:fs';
import { ERRNO, Errno, FILETYPE, RIGHTS_DIR, RIGHTS_FILE, RIGHTS_STDIO } from './constants.js';
import type { InputChannel, OutputChannel } from './stdio.js';

export type FdKind = 'file' | 'dir' | 'stdin' | 'stdout';

/** One fd_readdir entry. */
export interface DirItem {
  readonly name: Uint8Array;
  readonly type: number;
  readonly ino: bigint;
}

/**
 * One open fd. A class, so that every entry has the same shape and field lookups
 * stay monomorphic; made by the factories below.
 */
export class FdEntry {
  /** WASI fdflags as the guest set them (never the host's). */
  flags = 0;
  /** For directories, the base of path resolution: `/proc/self/fd/N` on Linux (see sandbox.ts). */
  host = '';
  /** How many directories below its preopen this fd's directory (or file) is (0 for a preopen). */
  depth = 0;
  /** File position (we use positional I/O: Node has no lseek). */
  position = 0;
  /** Preopen name (UTF-8) for fd_prestat_*; null for other fds. */
  preopen: Uint8Array | null = null;
  input: InputChannel | null = null;
  output: OutputChannel | null = null;
  /** fd_readdir listing, taken at cookie 0 so cookies stay stable while reading. */
  listing: DirItem[] | null = null;

  constructor(
    readonly kind: FdKind,
    public filetype: number,
    /** Rights as a number: every preview1 right fits in 30 bits (see RIGHTS). */
    public rightsBase: number,
    public rightsInheriting: number,
    /** Host fd (files and directories), or null for channels without one. */
    readonly hostFd: number | null,
  ) {}

  /** Whether closing this fd closes a host fd we opened (files and directories; never the host's stdio). */
  get ownsHostFd(): boolean {
    return (this.kind === 'file' || this.kind === 'dir') && this.hostFd !== null;
  }
}

/** fd 0: reads from `channel`. */
export function stdinEntry(channel: InputChannel): FdEntry {
  const entry = new FdEntry('stdin', channel.filetype, RIGHTS_STDIO, 0, channel.hostFd);
  entry.input = channel;
  return entry;
}

/** fd 1 or 2: writes to `channel`. */
export function stdoutEntry(channel: OutputChannel): FdEntry {
  const entry = new FdEntry('stdout', channel.filetype, RIGHTS_STDIO, 0, channel.hostFd);
  entry.output = channel;
  return entry;
}

/** A preopened directory: `name` as the guest sees it, resolved through `host`. */
export function preopenEntry(hostFd: number, host: string, name: Uint8Array): FdEntry {
  const entry = new FdEntry('dir', FILETYPE.DIRECTORY, RIGHTS_DIR, RIGHTS_DIR | RIGHTS_FILE, hostFd);
  entry.host = host;
  entry.preopen = name;
  return entry;
}

/** A directory opened below `parent` (path_open): it gets what a directory may have of the parent's inheriting rights. */
export function dirEntry(parent: FdEntry, hostFd: number, host: string, depth: number, flags: number): FdEntry {
  const entry = new FdEntry(
    'dir',
    FILETYPE.DIRECTORY,
    RIGHTS_DIR & parent.rightsInheriting,
    parent.rightsInheriting,
    hostFd,
  );
  entry.host = host;
  entry.depth = depth;
  entry.flags = flags;
  return entry;
}

/** A file opened below a directory (path_open), with the rights already worked out. */
export function fileEntry(hostFd: number, filetype: number, rights: number, depth: number, flags: number): FdEntry {
  const entry = new FdEntry('file', filetype, rights, 0, hostFd);
  entry.depth = depth;
  entry.flags = flags;
  return entry;
}

function closeQuietly(hostFd: number): void {
  try {
    closeSync(hostFd);
  } catch {
    // already closed, or (as dup2 does) an error closing a replaced fd is not reported
  }
}

export class FdTable {
  private readonly entries: (FdEntry | undefined)[] = [];

  /** Appends `entry` at the next number (set-up: 0, 1, 2, then the preopens). */
  push(entry: FdEntry): void {
    this.entries.push(entry);
  }

  /** The entry at `fd`, or undefined when it is not open (poll reports that per subscription). */
  find(fd: number): FdEntry | undefined {
    return this.entries[fd];
  }

  /** The entry at `fd`, which must have all of `rights`. */
  get(fd: number, rights: number): FdEntry {
    const entry = this.entries[fd];
    if (entry === undefined) throw new Errno(ERRNO.BADF);
    if ((entry.rightsBase & rights) !== rights) throw new Errno(ERRNO.NOTCAPABLE);
    return entry;
  }

  /** A directory at `fd` with `rights` (ENOTDIR for anything else). */
  dir(fd: number, rights: number): FdEntry {
    const entry = this.entries[fd];
    if (entry === undefined) throw new Errno(ERRNO.BADF);
    if (entry.kind !== 'dir') throw new Errno(ERRNO.NOTDIR);
    if ((entry.rightsBase & rights) !== rights) throw new Errno(ERRNO.NOTCAPABLE);
    return entry;
  }

  /** Anything but a directory at `fd` with `rights` (EISDIR for a directory): fd_read, fd_write, fd_pread, fd_pwrite. */
  stream(fd: number, rights: number): FdEntry {
    const entry = this.entries[fd];
    if (entry === undefined) throw new Errno(ERRNO.BADF);
    if (entry.kind === 'dir') throw new Errno(ERRNO.ISDIR);
    if ((entry.rightsBase & rights) !== rights) throw new Errno(ERRNO.NOTCAPABLE);
    return entry;
  }

  /** Puts `entry` at the lowest free number from 3 up, and returns it. */
  allocate(entry: FdEntry): number {
    const entries = this.entries;
    for (let fd = 3; fd < entries.length; fd++) {
      if (entries[fd] === undefined) {
        entries[fd] = entry;
        return fd;
      }
    }
    entries.push(entry);
    return entries.length - 1;
  }

  /** fd_close: closes what `fd` holds (EBADF when it is not open). */
  close(fd: number): void {
    const entry = this.get(fd, 0);
    if (entry.ownsHostFd) closeSync(entry.hostFd!);
    this.entries[fd] = undefined;
  }

  /**
   * Moves `from` onto `to`, closing what `to` held. As in the wasi-testsuite (rust/renumber),
   * uvwasi and wasmtime, `to` must be open: EBADF otherwise. The exception is a closed
   * stdio number (0, 1, 2): programs use wasi-libc's `__wasilibc_fd_renumber` as dup2 to
   * put a file where stdout was (Yosys's ABC closes fd 1 and renumbers a file onto it,
   * and without this all its later output was lost). That is safe from the race the spec
   * gives for refusing dup2 to any number: allocate never hands out 0, 1 or 2.
   */
  renumber(from: number, to: number): number {
    const source = this.get(from, 0);
    const target = this.entries[to];
    if (target === undefined && !(to >= 0 && to <= 2)) return ERRNO.BADF;
    if (from === to) return ERRNO.SUCCESS;
    if (target?.ownsHostFd) closeQuietly(target.hostFd!);
    this.entries[to] = source;
    this.entries[from] = undefined;
    return ERRNO.SUCCESS;
  }

  /** Closes every host fd the table holds (preopens and files the guest left open), and empties it. */
  dispose(): void {
    for (const entry of this.entries) if (entry?.ownsHostFd) closeQuietly(entry.hostFd!);
    this.entries.length = 0;
  }
}
