/**
 * How the cache opens and reads its own files (entries, component parses, identity
 * records): without following a symlink or waiting on a FIFO, and only a regular file of a
 * sane size. Trusts nothing about what it finds there.
 */
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { formatBytes } from '../../units.js';

// O_NOFOLLOW and O_NONBLOCK do not exist on Windows (0 there: fstat still checks the type).
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0) | (fsConstants.O_NONBLOCK ?? 0);

/**
 * Opens a cache file without following a symlink or waiting on a FIFO, if it is a
 * regular file of at most `limit` bytes: a descriptor the caller closes. Otherwise
 * `missing`, or `skip` with why (for a notice); never throws.
 */
export function openCacheFile(
  file: string,
  limit: number,
): { kind: 'missing' } | { kind: 'skip'; why: string } | { kind: 'open'; fd: number; info: Stats } {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    return openFailure(error);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) {
      closeSync(fd);
      return { kind: 'skip', why: `it is ${fileKind(info)}, not a file the cache wrote` };
    }
    if (info.size > limit) {
      closeSync(fd);
      return {
        kind: 'skip',
        why: `it is ${formatBytes(info.size)}, larger than the cache's size limit of ${formatBytes(limit)}`,
      };
    }
    return { kind: 'open', fd, info };
  } catch (error) {
    ignoreErrors(() => closeSync(fd));
    return openFailure(error);
  }
}

/** Up to `length` bytes at `position` (fewer only at the end of the file). */
export function readAt(fd: number, position: number, length: number): Uint8Array {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const bytesRead = readSync(fd, buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

/** Runs `f`, ignoring what it throws: closing or touching a file we are done with. */
export function ignoreErrors(f: () => void): void {
  try {
    f();
  } catch {
    // Nothing to do: the entry was read.
  }
}

export function openFailure(error: unknown): { kind: 'missing' } | { kind: 'skip'; why: string } {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { kind: 'missing' };
    case 'ELOOP':
    case 'EMLINK': // FreeBSD's O_NOFOLLOW error
      return { kind: 'skip', why: 'it is a symbolic link, not a file the cache wrote' };
    case 'EACCES':
    case 'EPERM':
      return { kind: 'skip', why: 'permission denied' };
    case 'ENXIO':
      return { kind: 'skip', why: 'it is a socket or device, not a file the cache wrote' };
    default:
      return {
        kind: 'skip',
        why: `it cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`,
      };
  }
}

/** "a FIFO", "a directory"...: what a non-regular file is, for notices. */
export function fileKind(info: Stats): string {
  if (info.isFile()) return 'a file';
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}
