/**
 * `wasi:filesystem/types.error-code` from the errnos preview1 already knows: a host
 * error goes through preview1's one table (`HOST_ERRNO`, libuv names to errnos) and then
 * here, so both WASI versions map a host failure the same way. The sandbox's refusals
 * (preview1's ENOTCAPABLE) are `not-permitted`, as the WIT says for a path that leaves
 * its base directory.
 */
import { ERRNO, HOST_ERRNO } from '../constants.js';

/** The cases of `error-code` (kebab-case, as in the WIT and as the enum's JS value). */
export type ErrorCode =
  | 'access'
  | 'would-block'
  | 'already'
  | 'bad-descriptor'
  | 'busy'
  | 'deadlock'
  | 'quota'
  | 'exist'
  | 'file-too-large'
  | 'illegal-byte-sequence'
  | 'in-progress'
  | 'interrupted'
  | 'invalid'
  | 'io'
  | 'is-directory'
  | 'loop'
  | 'too-many-links'
  | 'message-size'
  | 'name-too-long'
  | 'no-device'
  | 'no-entry'
  | 'no-lock'
  | 'insufficient-memory'
  | 'insufficient-space'
  | 'not-directory'
  | 'not-empty'
  | 'not-recoverable'
  | 'unsupported'
  | 'no-tty'
  | 'no-such-device'
  | 'overflow'
  | 'not-permitted'
  | 'pipe'
  | 'read-only'
  | 'invalid-seek'
  | 'text-file-busy'
  | 'cross-device';

/** preview1 errno -> error-code; an errno not listed is `io`. */
const BY_ERRNO: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [ERRNO.TOOBIG, 'invalid'],
  [ERRNO.ACCES, 'access'],
  [ERRNO.AGAIN, 'would-block'],
  [7 /* EALREADY */, 'already'],
  [ERRNO.BADF, 'bad-descriptor'],
  [ERRNO.BUSY, 'busy'],
  [16 /* EDEADLK */, 'deadlock'],
  [19 /* EDQUOT */, 'quota'],
  [ERRNO.EXIST, 'exist'],
  [ERRNO.FAULT, 'invalid'],
  [ERRNO.FBIG, 'file-too-large'],
  [ERRNO.ILSEQ, 'illegal-byte-sequence'],
  [26 /* EINPROGRESS */, 'in-progress'],
  [ERRNO.INTR, 'interrupted'],
  [ERRNO.INVAL, 'invalid'],
  [ERRNO.IO, 'io'],
  [ERRNO.ISDIR, 'is-directory'],
  [ERRNO.LOOP, 'loop'],
  // Too many open files: the nearest case is running out of a resource.
  [ERRNO.MFILE, 'insufficient-memory'],
  [ERRNO.NFILE, 'insufficient-memory'],
  [ERRNO.MLINK, 'too-many-links'],
  [35 /* EMSGSIZE */, 'message-size'],
  [ERRNO.NAMETOOLONG, 'name-too-long'],
  [ERRNO.NODEV, 'no-device'],
  [ERRNO.NOENT, 'no-entry'],
  [46 /* ENOLCK */, 'no-lock'],
  [ERRNO.NOMEM, 'insufficient-memory'],
  [ERRNO.NOSPC, 'insufficient-space'],
  [ERRNO.NOSYS, 'unsupported'],
  [ERRNO.NOTDIR, 'not-directory'],
  [ERRNO.NOTEMPTY, 'not-empty'],
  [56 /* ENOTRECOVERABLE */, 'not-recoverable'],
  [ERRNO.NOTSUP, 'unsupported'],
  [ERRNO.NOTTY, 'no-tty'],
  [ERRNO.NXIO, 'no-such-device'],
  [ERRNO.OVERFLOW, 'overflow'],
  [ERRNO.PERM, 'not-permitted'],
  [ERRNO.PIPE, 'pipe'],
  [ERRNO.RANGE, 'overflow'],
  [ERRNO.ROFS, 'read-only'],
  [ERRNO.SPIPE, 'invalid-seek'],
  [ERRNO.TXTBSY, 'text-file-busy'],
  [ERRNO.XDEV, 'cross-device'],
  [ERRNO.NOTCAPABLE, 'not-permitted'],
]);

/** The error-code for a preview1 errno (the sandbox resolver returns those). */
export function errorCodeOfErrno(errno: number): ErrorCode {
  return BY_ERRNO.get(errno) ?? 'io';
}

/**
 * The error-code for a failed host call (an error with a libuv `code`, as node:fs
 * throws), or null when `err` is not one (a bug of ours, which must not be turned
 * into an error code the guest would take for an answer).
 */
export function errorCodeOfHostError(err: unknown): ErrorCode | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return null;
  return errorCodeOfErrno(HOST_ERRNO[code] ?? ERRNO.IO);
}
