/**
 * WASI preview1 numbers: errnos, rights, flags, filetypes, from
 * https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/witx/typenames.witx
 * (the older `wasi_unstable` witx differs in record layouts and whence values:
 * see `Abi` in guest-memory.ts). Also the one Stats -> FILETYPE mapping.
 */
import { type BigIntStats, constants as fsc, type Stats } from 'node:fs';

export const ERRNO = {
  SUCCESS: 0,
  TOOBIG: 1,
  ACCES: 2,
  AGAIN: 6,
  BADF: 8,
  BUSY: 10,
  EXIST: 20,
  FAULT: 21,
  FBIG: 22,
  ILSEQ: 25,
  INTR: 27,
  INVAL: 28,
  IO: 29,
  ISDIR: 31,
  LOOP: 32,
  MFILE: 33,
  MLINK: 34,
  NAMETOOLONG: 37,
  NFILE: 41,
  NODEV: 43,
  NOENT: 44,
  NOMEM: 48,
  NOSPC: 51,
  NOSYS: 52,
  NOTDIR: 54,
  NOTEMPTY: 55,
  NOTSOCK: 57,
  NOTSUP: 58,
  NOTTY: 59,
  NXIO: 60,
  OVERFLOW: 61,
  PERM: 63,
  PIPE: 64,
  RANGE: 68,
  ROFS: 69,
  SPIPE: 70,
  TXTBSY: 74,
  XDEV: 75,
  NOTCAPABLE: 76,
} as const;

/** Host `err.code` (libuv names) -> WASI errno. Anything unknown becomes EIO. */
export const HOST_ERRNO: Readonly<Record<string, number>> = {
  E2BIG: 1,
  EACCES: 2,
  EADDRINUSE: 3,
  EADDRNOTAVAIL: 4,
  EAFNOSUPPORT: 5,
  EAGAIN: 6,
  EWOULDBLOCK: 6,
  EALREADY: 7,
  EBADF: 8,
  EBUSY: 10,
  ECANCELED: 11,
  ECONNABORTED: 13,
  ECONNREFUSED: 14,
  ECONNRESET: 15,
  EDQUOT: 19,
  EEXIST: 20,
  EFAULT: 21,
  EFBIG: 22,
  EHOSTUNREACH: 23,
  EILSEQ: 25,
  EINTR: 27,
  EINVAL: 28,
  EIO: 29,
  EISDIR: 31,
  ELOOP: 32,
  EMFILE: 33,
  EMLINK: 34,
  ENAMETOOLONG: 37,
  ENFILE: 41,
  ENODEV: 43,
  ENOENT: 44,
  ENOMEM: 48,
  ENOSPC: 51,
  ENOSYS: 52,
  ENOTDIR: 54,
  ENOTEMPTY: 55,
  ENOTSOCK: 57,
  ENOTSUP: 58,
  EOPNOTSUPP: 58,
  ENOTTY: 59,
  ENXIO: 60,
  EOVERFLOW: 61,
  EPERM: 63,
  EPIPE: 64,
  ERANGE: 68,
  EROFS: 69,
  ESPIPE: 70,
  ETIMEDOUT: 73,
  ETXTBSY: 74,
  EXDEV: 75,
};

export const FILETYPE = {
  UNKNOWN: 0,
  BLOCK_DEVICE: 1,
  CHARACTER_DEVICE: 2,
  DIRECTORY: 3,
  REGULAR_FILE: 4,
  SOCKET_DGRAM: 5,
  SOCKET_STREAM: 6,
  SYMBOLIC_LINK: 7,
} as const;

export const FDFLAGS = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;
export const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
export const LOOKUP_SYMLINK_FOLLOW = 1;
export const FSTFLAGS = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;
export const CLOCK = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME: 2, THREAD_CPUTIME: 3 } as const;
export const EVENTTYPE = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;
export const SUBCLOCKFLAGS_ABSTIME = 1;
export const PREOPENTYPE_DIR = 0;

/**
 * Rights, one bit each (witx `rights`, a u64). Every right preview1 defines fits in 30 bits,
 * so we keep them as numbers (small integers: no BigInt to allocate on every check); a
 * guest value with higher bits set asks for rights that do not exist.
 */
export const RIGHTS = {
  FD_DATASYNC: 1 << 0,
  FD_READ: 1 << 1,
  FD_SEEK: 1 << 2,
  FD_FDSTAT_SET_FLAGS: 1 << 3,
  FD_SYNC: 1 << 4,
  FD_TELL: 1 << 5,
  FD_WRITE: 1 << 6,
  FD_ADVISE: 1 << 7,
  FD_ALLOCATE: 1 << 8,
  PATH_CREATE_DIRECTORY: 1 << 9,
  PATH_CREATE_FILE: 1 << 10,
  PATH_LINK_SOURCE: 1 << 11,
  PATH_LINK_TARGET: 1 << 12,
  PATH_OPEN: 1 << 13,
  FD_READDIR: 1 << 14,
  PATH_READLINK: 1 << 15,
  PATH_RENAME_SOURCE: 1 << 16,
  PATH_RENAME_TARGET: 1 << 17,
  PATH_FILESTAT_GET: 1 << 18,
  PATH_FILESTAT_SET_SIZE: 1 << 19,
  PATH_FILESTAT_SET_TIMES: 1 << 20,
  FD_FILESTAT_GET: 1 << 21,
  FD_FILESTAT_SET_SIZE: 1 << 22,
  FD_FILESTAT_SET_TIMES: 1 << 23,
  PATH_SYMLINK: 1 << 24,
  PATH_REMOVE_DIRECTORY: 1 << 25,
  PATH_UNLINK_FILE: 1 << 26,
  POLL_FD_READWRITE: 1 << 27,
  SOCK_SHUTDOWN: 1 << 28,
  SOCK_ACCEPT: 1 << 29,
} as const;

/** Every preview1 right (bits 0-29): rights arguments are cut to these bits, and a right beyond them no fd has. */
export const RIGHTS_ALL = (1 << 30) - 1;

/** What a regular file can do. */
export const RIGHTS_FILE =
  RIGHTS.FD_DATASYNC |
  RIGHTS.FD_READ |
  RIGHTS.FD_SEEK |
  RIGHTS.FD_FDSTAT_SET_FLAGS |
  RIGHTS.FD_SYNC |
  RIGHTS.FD_TELL |
  RIGHTS.FD_WRITE |
  RIGHTS.FD_ADVISE |
  RIGHTS.FD_ALLOCATE |
  RIGHTS.FD_FILESTAT_GET |
  RIGHTS.FD_FILESTAT_SET_SIZE |
  RIGHTS.FD_FILESTAT_SET_TIMES |
  RIGHTS.POLL_FD_READWRITE;

/** What a directory can do (its own rights; files opened below it inherit RIGHTS_FILE | RIGHTS_DIR). */
export const RIGHTS_DIR =
  RIGHTS.FD_FDSTAT_SET_FLAGS |
  RIGHTS.FD_SYNC |
  RIGHTS.FD_DATASYNC |
  RIGHTS.PATH_CREATE_DIRECTORY |
  RIGHTS.PATH_CREATE_FILE |
  RIGHTS.PATH_LINK_SOURCE |
  RIGHTS.PATH_LINK_TARGET |
  RIGHTS.PATH_OPEN |
  RIGHTS.FD_READDIR |
  RIGHTS.PATH_READLINK |
  RIGHTS.PATH_RENAME_SOURCE |
  RIGHTS.PATH_RENAME_TARGET |
  RIGHTS.PATH_FILESTAT_GET |
  RIGHTS.PATH_FILESTAT_SET_SIZE |
  RIGHTS.PATH_FILESTAT_SET_TIMES |
  RIGHTS.FD_FILESTAT_GET |
  RIGHTS.FD_FILESTAT_SET_TIMES |
  RIGHTS.PATH_SYMLINK |
  RIGHTS.PATH_REMOVE_DIRECTORY |
  RIGHTS.PATH_UNLINK_FILE |
  RIGHTS.POLL_FD_READWRITE;

/** What stdin/stdout/stderr can do: no seek or tell (they are streams). */
export const RIGHTS_STDIO =
  RIGHTS.FD_READ |
  RIGHTS.FD_WRITE |
  RIGHTS.FD_FDSTAT_SET_FLAGS |
  RIGHTS.FD_FILESTAT_GET |
  RIGHTS.POLL_FD_READWRITE |
  RIGHTS.FD_SYNC |
  RIGHTS.FD_DATASYNC;

/** Symlink resolution gives up after this many links, like Linux's MAXSYMLINKS. */
export const MAX_SYMLINKS = 40;

/** A WASI errno thrown inside a syscall body; cheaper than an Error (no stack). */
export class Errno {
  constructor(readonly errno: number) {}
}

/**
 * The WASI filetype of a stat result, from its mode bits (a FIFO is UNKNOWN: preview1
 * has no type for it). BigIntStats' isFile() and friends each make three BigInts;
 * a regular file needs one check here, a socket six.
 */
export function filetypeOf(st: Stats | BigIntStats): number {
  return filetypeOfType(Number(st.mode) & fsc.S_IFMT);
}

/** The WASI filetype of a mode's S_IFMT bits (file-type.ts's lstatType and fstatType give them). */
export function filetypeOfType(type: number): number {
  switch (type) {
    case fsc.S_IFREG:
      return FILETYPE.REGULAR_FILE;
    case fsc.S_IFDIR:
      return FILETYPE.DIRECTORY;
    case fsc.S_IFLNK:
      return FILETYPE.SYMBOLIC_LINK;
    case fsc.S_IFCHR:
      return FILETYPE.CHARACTER_DEVICE;
    case fsc.S_IFBLK:
      return FILETYPE.BLOCK_DEVICE;
    case fsc.S_IFSOCK:
      return FILETYPE.SOCKET_STREAM;
    default:
      return FILETYPE.UNKNOWN;
  }
}
