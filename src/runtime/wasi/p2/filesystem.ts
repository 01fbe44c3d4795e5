/**
 * `wasi:filesystem/types` and `wasi:filesystem/preopens` over synchronous node:fs.
 *
 * Every path goes through preview1's sandbox resolver (`resolvePath` in ../sandbox.ts),
 * from the directory of the descriptor it is relative to, with the same guarantee: no
 * `..` above that directory, no absolute path, no symlink (the host's or the guest's,
 * in the middle or at the end) that leads out, no link, rename or symlink whose
 * target would point out. A refusal is `not-permitted`, as the WIT says. A
 * subdirectory's descriptor is a root of its own, as in preview1: `..` from it is refused.
 *
 * Permissions, which the WIT leaves partly open, are these:
 * - A preopen has `read` and `mutate-directory`. `open-at` gives a directory `read`,
 *   and `mutate-directory` only when asked and its parent has it; a file gets the
 *   `read`/`write` it asks for (host mode O_RDONLY, O_WRONLY or O_RDWR).
 * - Through a directory without `mutate-directory`, everything that would change the
 *   tree or a file in it (creating, writing, truncating, removing, renaming, linking
 *   from or into it, setting times) fails with `read-only`, as the WIT says for `open-at`.
 * - A file descriptor without `read` refuses reads, without `write` refuses writes,
 *   `set-size` and `set-times`: `bad-descriptor`, POSIX's EBADF for an fd not open for that.
 * - File operations on a directory are `bad-descriptor`; path operations on a file
 *   are `not-directory`.
 */

import {
  type BigIntStats,
  closeSync,
  type Dirent,
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
import { markTransientBytes } from '../../component/abi/lists.js';
import { ResultError } from '../../errors.js';
import { FSTFLAGS } from '../constants.js';
import { FileTimes } from '../file-times.js';
import { HandleCache, handlePath, isContainedTarget, type Resolved, resolvePath } from '../sandbox.js';
import { type Datetime, datetimeOfNs, wallNs } from './clocks.js';
import { type ErrorCode, errorCodeOfErrno, errorCodeOfHostError } from './error-code.js';
import { type ByteSink, type ByteSource, InputStream, IoError, OutputStream, READ_MAX } from './io-streams.js';
import { ALWAYS_READY } from './poll.js';
import { nodeCrypto } from './random.js';

export type { ErrorCode } from './error-code.js';

/** `descriptor-type`. */
export type DescriptorType =
  | 'unknown'
  | 'block-device'
  | 'character-device'
  | 'directory'
  | 'fifo'
  | 'symbolic-link'
  | 'regular-file'
  | 'socket';

/** `descriptor-flags`, as JS sees flags: one boolean per flag. */
export interface DescriptorFlags {
  readonly read?: boolean;
  readonly write?: boolean;
  readonly fileIntegritySync?: boolean;
  readonly dataIntegritySync?: boolean;
  readonly requestedWriteSync?: boolean;
  readonly mutateDirectory?: boolean;
}

/** `path-flags`. */
export interface PathFlags {
  readonly symlinkFollow?: boolean;
}

/** `open-flags`. */
export interface OpenFlags {
  readonly create?: boolean;
  readonly directory?: boolean;
  readonly exclusive?: boolean;
  readonly truncate?: boolean;
}

/** `new-timestamp`. */
export type NewTimestamp =
  | { readonly tag: 'no-change' }
  | { readonly tag: 'now' }
  | { readonly tag: 'timestamp'; readonly val: Datetime };

/** `descriptor-stat`. */
export interface DescriptorStat {
  readonly type: DescriptorType;
  readonly linkCount: bigint;
  readonly size: bigint;
  readonly dataAccessTimestamp: Datetime | undefined;
  readonly dataModificationTimestamp: Datetime | undefined;
  readonly statusChangeTimestamp: Datetime | undefined;
}

/** `directory-entry`. */
export interface DirectoryEntry {
  readonly type: DescriptorType;
  readonly name: string;
}

/** `metadata-hash-value`. */
export interface MetadataHashValue {
  readonly lower: bigint;
  readonly upper: bigint;
}

/** `advice`. */
export type Advice = 'normal' | 'sequential' | 'random' | 'will-need' | 'dont-need' | 'no-reuse';
const ADVICE: ReadonlySet<string> = new Set(['normal', 'sequential', 'random', 'will-need', 'dont-need', 'no-reuse']);

/**
 * A host fd shared by a descriptor and the streams made from it (the WIT lets streams
 * outlive their descriptor): closed when the last of them is dropped, or by `dispose`.
 */
class SharedFd {
  private refs = 1;
  constructor(
    readonly fd: number,
    private readonly open: Set<SharedFd>,
    /** Whether the file has positions (regular files, block devices) for pread/pwrite. */
    readonly seekable = true,
  ) {
    open.add(this);
  }

  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs > 0 || !this.open.delete(this)) return;
    closeSync(this.fd);
  }

  /** Closes the fd whoever still holds it (the host is done). */
  close(): void {
    if (this.open.delete(this)) closeSync(this.fd);
  }
}

/** What every descriptor of one host shares. */
export class FsContext {
  readonly handles = new HandleCache();
  readonly times = new FileTimes();
  readonly open = new Set<SharedFd>();
  /** Resolutions of the current call: their directory handles are closed when it returns. */
  readonly held: Resolved[] = [];
  private key: Uint8Array | null = null;

  /** @param anchor realtime minus monotonic (ns), for `now` timestamps. */
  constructor(readonly anchor: bigint) {}

  /** The secret mixed into metadata hashes, so that they do not give away inode numbers (drawn on first use). */
  get hashKey(): Uint8Array {
    this.key ??= nodeCrypto().randomBytes(32);
    return this.key;
  }

  /** Closes every host fd the guest's descriptors and streams still hold. */
  dispose(): void {
    for (const shared of [...this.open]) shared.close();
    this.handles.clear();
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function fail(code: ErrorCode, what: string): never {
  throw new ResultError(code, `wasi:filesystem: ${what}: ${code}`);
}

/** A u64 file offset or size as a number: past 2^53 our positions cannot follow (`overflow`). */
function position(offset: bigint, what: string): number {
  if (offset > MAX_SAFE) fail('overflow', `${what}: offset ${offset}`);
  return Number(offset);
}

function typeOfMode(mode: number): DescriptorType {
  switch (mode & fsc.S_IFMT) {
    case fsc.S_IFREG:
      return 'regular-file';
    case fsc.S_IFDIR:
      return 'directory';
    case fsc.S_IFLNK:
      return 'symbolic-link';
    case fsc.S_IFCHR:
      return 'character-device';
    case fsc.S_IFBLK:
      return 'block-device';
    case fsc.S_IFIFO:
      return 'fifo';
    case fsc.S_IFSOCK:
      return 'socket';
    default:
      return 'unknown';
  }
}

function typeOfDirent(d: Dirent): DescriptorType {
  if (d.isFile()) return 'regular-file';
  if (d.isDirectory()) return 'directory';
  if (d.isSymbolicLink()) return 'symbolic-link';
  if (d.isCharacterDevice()) return 'character-device';
  if (d.isBlockDevice()) return 'block-device';
  if (d.isFIFO()) return 'fifo';
  if (d.isSocket()) return 'socket';
  return 'unknown';
}

/** Writes all of `buffer[offset, offset + length)` at file position `at` (pwrite may write less). */
function writeAllAt(fd: number, buffer: Uint8Array, offset: number, length: number, at: number): void {
  let done = 0;
  while (done < length) done += writeSync(fd, buffer, offset + done, length - done, at + done);
}

/**
 * An input stream's source: the file from `at` on. A file without positions (a FIFO, a
 * terminal: pread would be ESPIPE) is read where it is, as a stream.
 */
function fileSource(shared: SharedFd, at: number): ByteSource {
  return {
    read(buffer, length) {
      if (!shared.seekable) return readSync(shared.fd, buffer, 0, length, null);
      const n = readSync(shared.fd, buffer, 0, length, at);
      at += n;
      return n;
    },
    poll: ALWAYS_READY,
    release: () => shared.release(),
  };
}

/** An output stream's sink: the file from `at` on, or its end at every write (`append`). */
function fileSink(shared: SharedFd, at: number, append: boolean): ByteSink {
  return {
    write(buffer, offset, length) {
      if (!shared.seekable) {
        let done = 0;
        while (done < length) done += writeSync(shared.fd, buffer, offset + done, length - done);
        return;
      }
      // The host fd is never O_APPEND (Node cannot set it later): the end is asked each time, as preview1 does.
      if (append) at = fstatSync(shared.fd).size;
      writeAllAt(shared.fd, buffer, offset, length, at);
      at += length;
    },
    release: () => shared.release(),
  };
}

/** `directory-entry-stream`: a listing taken when `read-directory` was called, without `.` and `..`. */
export class DirectoryEntryStream {
  private readonly entries: readonly DirectoryEntry[];
  private next = 0;

  /** @internal Made by the host only. */
  constructor(entries: readonly DirectoryEntry[]) {
    this.entries = entries;
  }

  /** `read-directory-entry -> result<option<directory-entry>, error-code>`: undefined after the last. */
  readDirectoryEntry(): DirectoryEntry | undefined {
    return this.entries[this.next++];
  }
}

/** Descriptor flags normalized: every flag a boolean. */
function flagsOf(f: DescriptorFlags): Required<DescriptorFlags> {
  return {
    read: f.read === true,
    write: f.write === true,
    fileIntegritySync: f.fileIntegritySync === true,
    dataIntegritySync: f.dataIntegritySync === true,
    requestedWriteSync: f.requestedWriteSync === true,
    mutateDirectory: f.mutateDirectory === true,
  };
}

/** `descriptor`: an open file or directory. */
export class Descriptor {
  private readonly ctx: FsContext;
  private readonly shared: SharedFd;
  private readonly isDir: boolean;
  /** For directories, the base of path resolution (`/proc/self/fd/N` on Linux, see sandbox.ts). */
  private readonly base: string;
  /** How many directories below its preopen this descriptor's directory (or file's directory) is. */
  private readonly depth: number;
  private readonly flags: Required<DescriptorFlags>;
  private released = false;

  /** @internal Made by the host only. */
  constructor(
    ctx: FsContext,
    shared: SharedFd,
    isDir: boolean,
    base: string,
    depth: number,
    flags: Required<DescriptorFlags>,
  ) {
    this.ctx = ctx;
    this.shared = shared;
    this.isDir = isDir;
    this.base = base;
    this.depth = depth;
    this.flags = flags;
  }

  /** @internal A preopen's descriptor: `read` and `mutate-directory`. */
  static preopen(ctx: FsContext, shared: SharedFd, hostPath: string): Descriptor {
    const flags = flagsOf({ read: true, mutateDirectory: true });
    return new Descriptor(ctx, shared.retain(), true, handlePath(shared.fd, hostPath), 0, flags);
  }

  // ---- data -------------------------------------------------------------------

  /** `read-via-stream(offset)`: an input stream from `offset`; the end of the file is `closed`. */
  readViaStream(offset: bigint): InputStream {
    return this.#run('read-via-stream', () => {
      this.#file('read', 'read-via-stream');
      return new InputStream(fileSource(this.shared.retain(), position(offset, 'read-via-stream')));
    });
  }

  /** `write-via-stream(offset)`. */
  writeViaStream(offset: bigint): OutputStream {
    return this.#run('write-via-stream', () => {
      this.#file('write', 'write-via-stream');
      return new OutputStream(fileSink(this.shared.retain(), position(offset, 'write-via-stream'), false));
    });
  }

  /** `append-via-stream`: each write goes to the end of the file as it is then. */
  appendViaStream(): OutputStream {
    return this.#run('append-via-stream', () => {
      this.#file('write', 'append-via-stream');
      return new OutputStream(fileSink(this.shared.retain(), 0, true));
    });
  }

  /** `advise(offset, length, advice)`: checked, then nothing (Node cannot pass posix_fadvise on; it is a hint). */
  advise(_offset: bigint, _length: bigint, advice: Advice): void {
    this.#run('advise', () => {
      this.#file(null, 'advise');
      if (!ADVICE.has(advice)) fail('invalid', `advise: ${String(advice)}`);
    });
  }

  /** `sync-data`: fdatasync. */
  syncData(): void {
    this.#run('sync-data', () => fdatasyncSync(this.shared.fd));
  }

  /** `sync`: fsync. */
  sync(): void {
    this.#run('sync', () => fsyncSync(this.shared.fd));
  }

  /** `get-flags`: the flags the descriptor was opened with (as granted). */
  getFlags(): Required<DescriptorFlags> {
    return { ...this.flags };
  }

  /** `get-type`. */
  getType(): DescriptorType {
    return this.#run('get-type', () => typeOfMode(fstatSync(this.shared.fd).mode));
  }

  /** `set-size(size)`: truncates or extends with zeros. */
  setSize(size: bigint): void {
    this.#run('set-size', () => {
      this.#file('write', 'set-size');
      if (size > MAX_SAFE) fail('file-too-large', `set-size: ${size}`);
      ftruncateSync(this.shared.fd, Number(size));
    });
  }

  /** `set-times(data-access-timestamp, data-modification-timestamp)`. */
  setTimes(atime: NewTimestamp, mtime: NewTimestamp): void {
    this.#run('set-times', () => {
      if (this.isDir) this.#mutating('set-times');
      else this.#file('write', 'set-times');
      const fd = this.shared.fd;
      this.#applyTimes(
        () => fstatSync(fd, { bigint: true }),
        (a, m) => futimesSync(fd, a, m),
        atime,
        mtime,
      );
    });
  }

  /** `read(length, offset) -> tuple<list<u8>, bool>`: pread; the bool is true at the end of the file. */
  read(length: bigint, offset: bigint): [Uint8Array, boolean] {
    return this.#run('read', () => {
      this.#file('read', 'read');
      const at = position(offset, 'read');
      const n = length > BigInt(READ_MAX) ? READ_MAX : Number(length);
      const buffer = new Uint8Array(n);
      const got = n === 0 ? 0 : readSync(this.shared.fd, buffer, 0, n, at);
      // A regular file reads short only at its end.
      return [got === n ? buffer : buffer.subarray(0, got), got < n];
    });
  }

  /** `write(buffer, offset) -> filesize`: pwrite of all of `buffer`; past the end fills the gap with zeros. */
  write(buffer: Uint8Array, offset: bigint): bigint {
    return this.#run('write', () => {
      this.#file('write', 'write');
      writeAllAt(this.shared.fd, buffer, 0, buffer.length, position(offset, 'write'));
      return BigInt(buffer.length);
    });
  }

  /** `read-directory`: the entries now, without `.` and `..`. */
  readDirectory(): DirectoryEntryStream {
    return this.#run('read-directory', () => {
      this.#dir('read-directory');
      const entries = readdirSync(this.base, { withFileTypes: true }).map(
        (d): DirectoryEntry => ({ type: typeOfDirent(d), name: d.name }),
      );
      return new DirectoryEntryStream(entries);
    });
  }

  /** `stat`. */
  stat(): DescriptorStat {
    return this.#run('stat', () => this.#statOf(fstatSync(this.shared.fd, { bigint: true })));
  }

  /** `is-same-object(other)`: same device and inode. */
  isSameObject(other: Descriptor): boolean {
    if (!(other instanceof Descriptor)) return false;
    const a = fstatSync(this.shared.fd, { bigint: true });
    const b = fstatSync(other.shared.fd, { bigint: true });
    return a.dev === b.dev && a.ino === b.ino;
  }

  /** `metadata-hash`: a keyed hash of device, inode, type, size and the times, per host. */
  metadataHash(): MetadataHashValue {
    return this.#run('metadata-hash', () => this.#hashOf(fstatSync(this.shared.fd, { bigint: true })));
  }

  // ---- paths ------------------------------------------------------------------

  /** `create-directory-at(path)`. */
  createDirectoryAt(path: string): void {
    this.#run('create-directory-at', () => {
      this.#mutating('create-directory-at');
      const r = this.#resolve(path, false, true);
      if (r.name === null) fail('exist', 'create-directory-at');
      mkdirSync(r.host);
    });
  }

  /** `stat-at(path-flags, path)`. */
  statAt(pathFlags: PathFlags, path: string): DescriptorStat {
    return this.#run('stat-at', () => {
      this.#dir('stat-at');
      const r = this.#resolve(path, pathFlags.symlinkFollow === true);
      return this.#statOf(lstatSync(r.host, { bigint: true }));
    });
  }

  /** `set-times-at(path-flags, path, data-access-timestamp, data-modification-timestamp)`. */
  setTimesAt(pathFlags: PathFlags, path: string, atime: NewTimestamp, mtime: NewTimestamp): void {
    this.#run('set-times-at', () => {
      this.#mutating('set-times-at');
      const r = this.#resolve(path, pathFlags.symlinkFollow === true);
      // The resolved path is never a symlink we were asked to follow, so lutimes is right either way.
      this.#applyTimes(
        () => lstatSync(r.host, { bigint: true }),
        (a, m) => lutimesSync(r.host, a, m),
        atime,
        mtime,
      );
    });
  }

  /** `link-at(old-path-flags, old-path, new-descriptor, new-path)`: a hard link; both directories must be mutable. */
  linkAt(oldPathFlags: PathFlags, oldPath: string, newDescriptor: Descriptor, newPath: string): void {
    this.#run('link-at', () => {
      this.#mutating('link-at');
      const target = Descriptor.#other(newDescriptor, 'link-at');
      target.#mutating('link-at');
      const from = this.#resolve(oldPath, oldPathFlags.symlinkFollow === true, true);
      const to = target.#resolve(newPath, false, true);
      if (from.name === null) fail('not-permitted', 'link-at: the source is a directory');
      if (to.name === null) fail('exist', 'link-at');
      const st = lstatSync(from.host);
      if (st.isDirectory()) fail('not-permitted', 'link-at: the source is a directory');
      // A symlink linked elsewhere must still point inside from there (see isContainedTarget).
      if (st.isSymbolicLink() && !isContainedTarget(readlinkSync(from.host, 'utf8'), target.depth + to.depth)) {
        fail('not-permitted', 'link-at: the symlink would point outside from its new place');
      }
      if (from.trailingSlash) fail('not-directory', 'link-at');
      if (to.trailingSlash) fail(lstatSync(to.host, { throwIfNoEntry: false }) ? 'exist' : 'no-entry', 'link-at');
      linkSync(from.host, to.host);
    });
  }

  /** `open-at(path-flags, path, open-flags, flags) -> descriptor`, with every flag (see the file's comment for permissions). */
  openAt(pathFlags: PathFlags, path: string, openFlags: OpenFlags, flags: DescriptorFlags): Descriptor {
    return this.#run('open-at', () => {
      this.#dir('open-at');
      const want = flagsOf(flags);
      const create = openFlags.create === true;
      const exclusive = openFlags.exclusive === true;
      const truncate = openFlags.truncate === true;
      const directory = openFlags.directory === true;
      if ((want.write || want.mutateDirectory || create || truncate) && !this.flags.mutateDirectory) {
        fail('read-only', 'open-at');
      }
      if (directory && (create || exclusive || truncate))
        fail('invalid', 'open-at: directory with create, exclusive or truncate');
      const r = this.#resolve(path, pathFlags.symlinkFollow === true);
      const st = lstatSync(r.host, { throwIfNoEntry: false });
      if (st === undefined) {
        if (!create) fail('no-entry', 'open-at');
      } else if (create && exclusive) {
        fail('exist', 'open-at');
      } else if (st.isSymbolicLink()) {
        // Not asked to follow (or it would have been resolved): O_NOFOLLOW semantics.
        fail('loop', 'open-at');
      } else if (st.isDirectory()) {
        if (want.write || truncate) fail('is-directory', 'open-at');
        const fd = openSync(r.host, fsc.O_RDONLY | fsc.O_DIRECTORY | fsc.O_NOFOLLOW);
        const shared = new SharedFd(fd, this.ctx.open);
        const depth = this.depth + r.depth + (r.name === null ? 0 : 1);
        // A directory inherits its parent's right to change it, as wasmtime gives: the right belongs to
        // the preopen, and the preview1 adapter opens directories without asking for it.
        const dirFlags = { ...want, read: true, write: false, mutateDirectory: this.flags.mutateDirectory };
        return new Descriptor(this.ctx, shared, true, handlePath(fd, r.host), depth, dirFlags);
      } else if (directory) {
        fail('not-directory', 'open-at');
      }
      let mode = fsc.O_NOFOLLOW;
      mode |= want.write ? (want.read ? fsc.O_RDWR : fsc.O_WRONLY) : fsc.O_RDONLY;
      if (create) mode |= fsc.O_CREAT;
      if (exclusive) mode |= fsc.O_EXCL;
      if (truncate) mode |= fsc.O_TRUNC;
      if (want.dataIntegritySync) mode |= fsc.O_DSYNC;
      if (want.fileIntegritySync || want.requestedWriteSync) mode |= fsc.O_SYNC;
      const fd = openSync(r.host, mode, 0o666);
      const opened = fstatSync(fd);
      const shared = new SharedFd(fd, this.ctx.open, opened.isFile() || opened.isBlockDevice());
      const fileFlags = { ...want, mutateDirectory: false };
      return new Descriptor(this.ctx, shared, false, '', this.depth + r.depth, fileFlags);
    });
  }

  /** `readlink-at(path) -> string`: an absolute target is `not-permitted`, as the WIT says. */
  readlinkAt(path: string): string {
    return this.#run('readlink-at', () => {
      this.#dir('readlink-at');
      const r = this.#resolve(path, false);
      const target = readlinkSync(r.host, 'utf8');
      if (target.startsWith('/')) fail('not-permitted', 'readlink-at: the link is absolute');
      return target;
    });
  }

  /** `remove-directory-at(path)`. */
  removeDirectoryAt(path: string): void {
    this.#run('remove-directory-at', () => {
      this.#mutating('remove-directory-at');
      const r = this.#resolve(path, false, true);
      if (r.name === null) fail('invalid', 'remove-directory-at: the path names the descriptor itself');
      rmdirSync(r.host);
    });
  }

  /** `rename-at(old-path, new-descriptor, new-path)`: both directories must be mutable. */
  renameAt(oldPath: string, newDescriptor: Descriptor, newPath: string): void {
    this.#run('rename-at', () => {
      this.#mutating('rename-at');
      const target = Descriptor.#other(newDescriptor, 'rename-at');
      target.#mutating('rename-at');
      const from = this.#resolve(oldPath, false, true);
      const to = target.#resolve(newPath, false, true);
      if (from.name === null || to.name === null) fail('busy', 'rename-at: a path names a descriptor itself');
      const st = lstatSync(from.host, { throwIfNoEntry: false });
      if (st === undefined) fail('no-entry', 'rename-at');
      if ((from.trailingSlash || to.trailingSlash) && !st.isDirectory()) fail('not-directory', 'rename-at');
      // A symlink moved to another depth must still point inside (see isContainedTarget).
      if (st.isSymbolicLink() && !isContainedTarget(readlinkSync(from.host, 'utf8'), target.depth + to.depth)) {
        fail('not-permitted', 'rename-at: the symlink would point outside from its new place');
      }
      renameSync(from.host, to.host);
    });
  }

  /**
   * `symlink-at(old-path, new-path)`: refused (`not-permitted`) for an absolute target,
   * as the WIT says, and for one that would lead out of the preopen when the host's
   * own programs follow it later (our resolver never would).
   */
  symlinkAt(oldPath: string, newPath: string): void {
    this.#run('symlink-at', () => {
      this.#mutating('symlink-at');
      if (oldPath.includes('\0')) fail('illegal-byte-sequence', 'symlink-at: NUL in the target');
      if (oldPath.startsWith('/')) fail('not-permitted', 'symlink-at: absolute target');
      const r = this.#resolve(newPath, false, true);
      if (r.name === null) fail('exist', 'symlink-at');
      if (r.trailingSlash) fail(lstatSync(r.host, { throwIfNoEntry: false }) ? 'exist' : 'no-entry', 'symlink-at');
      if (!isContainedTarget(oldPath, this.depth + r.depth)) fail('not-permitted', 'symlink-at: target leads outside');
      symlinkSync(oldPath, r.host);
    });
  }

  /** `unlink-file-at(path)`: a directory is `is-directory`. */
  unlinkFileAt(path: string): void {
    this.#run('unlink-file-at', () => {
      this.#mutating('unlink-file-at');
      const r = this.#resolve(path, false, true);
      if (r.name === null) fail('is-directory', 'unlink-file-at');
      const st = lstatSync(r.host, { throwIfNoEntry: false });
      if (st?.isDirectory() === true) fail('is-directory', 'unlink-file-at');
      if (r.trailingSlash) fail(st === undefined ? 'no-entry' : 'not-directory', 'unlink-file-at');
      unlinkSync(r.host);
    });
  }

  /** `metadata-hash-at(path-flags, path)`. */
  metadataHashAt(pathFlags: PathFlags, path: string): MetadataHashValue {
    return this.#run('metadata-hash-at', () => {
      this.#dir('metadata-hash-at');
      const r = this.#resolve(path, pathFlags.symlinkFollow === true);
      return this.#hashOf(lstatSync(r.host, { bigint: true }));
    });
  }

  /** Dropping the descriptor: its host fd closes once no stream made from it is open either. */
  [Symbol.dispose](): void {
    if (this.released) return;
    this.released = true;
    this.shared.release();
  }

  // ---- helpers ----------------------------------------------------------------

  /**
   * Runs one operation: a host failure becomes `ResultError` with its error-code (a
   * `ResultError` passes as it is; anything else, a bug, is rethrown), and the directory
   * handles its path resolutions opened are closed.
   */
  #run<T>(what: string, body: () => T): T {
    try {
      return body();
    } catch (err) {
      if (err instanceof ResultError) throw err;
      const code = errorCodeOfHostError(err);
      if (code === null) throw err;
      throw new ResultError(code, `wasi:filesystem: ${what}: ${code} (${(err as { code: string }).code})`);
    } finally {
      const held = this.ctx.held;
      for (const r of held) r.release();
      held.length = 0;
    }
  }

  static #other(value: unknown, what: string): Descriptor {
    if (!(value instanceof Descriptor)) fail('bad-descriptor', `${what}: the new descriptor is not a descriptor`);
    return value;
  }

  #dir(what: string): void {
    if (!this.isDir) fail('not-directory', what);
  }

  #mutating(what: string): void {
    this.#dir(what);
    if (!this.flags.mutateDirectory) fail('read-only', what);
  }

  /** A file descriptor with the `need`ed flag, else `bad-descriptor`. */
  #file(need: 'read' | 'write' | null, what: string): void {
    if (this.isDir) fail('bad-descriptor', `${what}: a directory`);
    if (need !== null && !this.flags[need])
      fail('bad-descriptor', `${what}: the descriptor was not opened for ${need}`);
  }

  #resolve(path: string, follow: boolean, strip = false): Resolved {
    const r = resolvePath(this.base, path, { follow, stripTrailingSlash: strip }, this.ctx.handles);
    if (typeof r === 'number') fail(errorCodeOfErrno(r), 'path resolution');
    this.ctx.held.push(r);
    return r;
  }

  #statOf(st: BigIntStats): DescriptorStat {
    const times = this.ctx.times;
    return {
      type: typeOfMode(Number(st.mode)),
      linkCount: st.nlink,
      size: st.size,
      dataAccessTimestamp: datetimeOfNs(times.atim(st)),
      dataModificationTimestamp: datetimeOfNs(times.mtim(st)),
      statusChangeTimestamp: datetimeOfNs(st.ctimeNs),
    };
  }

  #hashOf(st: BigIntStats): MetadataHashValue {
    const mac = nodeCrypto().createHmac('sha256', this.ctx.hashKey);
    mac.update(`${st.dev}:${st.ino}:${st.mode}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.birthtimeNs}`);
    const digest = mac.digest();
    return { lower: digest.readBigUInt64LE(0), upper: digest.readBigUInt64LE(8) };
  }

  /** Sets times through preview1's FileTimes (exact nanoseconds kept while the host shows what we wrote). */
  #applyTimes(
    stat: () => BigIntStats,
    set: (a: number, m: number) => void,
    atime: NewTimestamp,
    mtime: NewTimestamp,
  ): void {
    let fst = 0;
    const ns = (t: NewTimestamp, exact: number, now: number): bigint => {
      if (t.tag === 'now') fst |= now;
      else if (t.tag === 'timestamp') {
        if (!(t.val.nanoseconds >= 0 && t.val.nanoseconds < 1e9)) {
          fail('invalid', `set-times: ${t.val.nanoseconds} nanoseconds`);
        }
        fst |= exact;
        return t.val.seconds * 1_000_000_000n + BigInt(t.val.nanoseconds);
      } else if (t.tag !== 'no-change') fail('invalid', 'set-times: not a new-timestamp');
      return 0n;
    };
    const a = ns(atime, FSTFLAGS.ATIM, FSTFLAGS.ATIM_NOW);
    const m = ns(mtime, FSTFLAGS.MTIM, FSTFLAGS.MTIM_NOW);
    this.ctx.times.set(stat, set, a, m, fst, wallNs(this.ctx.anchor));
  }
}

/** The `wasi:filesystem/*` interfaces for `preopens` (`[guestPath, absoluteHostPath]`, checked). */
export function filesystemInterfaces(
  ctx: FsContext,
  preopens: readonly (readonly [string, string])[],
): Record<string, object> {
  // Opened now, as preview1 does: a preopen that vanished since the options were checked fails here, not in the guest.
  const opened = preopens.map(([guest, host]) => {
    const shared = new SharedFd(openSync(host, fsc.O_RDONLY | fsc.O_DIRECTORY), ctx.open);
    return { guest, host, shared };
  });
  return {
    'wasi:filesystem/preopens': {
      /** `get-directories -> list<tuple<descriptor, string>>`: new descriptors each call, over the same host fds. */
      getDirectories: (): [Descriptor, string][] =>
        opened.map(({ guest, host, shared }) => [Descriptor.preopen(ctx, shared, host), guest]),
    },
    'wasi:filesystem/types': {
      Descriptor,
      DirectoryEntryStream,
      /** `filesystem-error-code(err: borrow<error>) -> option<error-code>`. */
      filesystemErrorCode: (err: IoError): ErrorCode | undefined =>
        err instanceof IoError ? (err.code ?? undefined) : undefined,
    },
  };
}

// pwrite of `buffer` before it returns: the canonical ABI may lend a view instead of a copy.
markTransientBytes(Descriptor.prototype.write);
