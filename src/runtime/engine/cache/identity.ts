/**
 * The hash of a module file, known without hashing its bytes again (issue 10). The
 * cache names an entry by its Wasm's hash, and hashing clang's 72 MiB took 70-80 ms of
 * every run that used the cache while that was SHA-256 (SHA-NI; plain node:wasi hashes
 * nothing), a fifth of what a warm run of `clang --version` costs in all; BLAKE3 takes
 * 14 ms, still worth skipping. So a run that hashed a file records the
 * hash with the file's identity (device, inode, size, and modification and change times
 * in nanoseconds) in `<cache>/<dev>-<ino>.wid`, and a later run that reads the same file
 * under the same identity takes the hash from there.
 *
 * When the identity can stand for the bytes (git's rule for "racily clean" files): only a
 * file whose mtime and ctime were both SETTLED_MS old (./file-identity.ts) when its read began is recorded, so a
 * later write, which sets both to its own time, changes the identity. Nobody but the
 * clock's owner sets a ctime (utimes sets it to now, whatever mtime it is given), and a new
 * file on a reused inode has a new one. The file is read through one descriptor, fstat'ed
 * before and after the read: a file that changed meanwhile gets no identity. A record
 * carries a checksum of its own text, and one that does not match, or describes another
 * identity, is no answer: the bytes are hashed, as without the record. A record is trusted
 * as far as an entry is: whoever can write the cache directory can put machine code in it.
 */
import { closeSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { blake3Hex } from '../hash.js';
import type { FileIdentity } from './file-identity.js';
import { ignoreErrors, openCacheFile, readAt } from './files.js';

/** The name ending of identity records in the cache directory. */
const IDENTITY_EXTENSION = '.wid';

/** `<dev>-<ino>.wid` and its temp files, for eviction and `cache clean`. */
export const IDENTITY_FILE = /^\d+-\d+\.wid(?:\.[^/]+\.tmp)?$/;

/** A record is a few hundred bytes: anything larger is not one. */
const MAX_RECORD_BYTES = 1024;

/**
 * The record of `id`: one line of its fields and BLAKE3 hash, then the line's own. Version 2
 * (version 1 held SHA-256s, which no lookup uses now: such a record is no answer).
 */
function recordText(id: FileIdentity, hash: string): string {
  const line = `wasmer-ts identity 2 ${id.dev} ${id.ino} ${id.size} ${id.mtimeNs} ${id.ctimeNs} ${hash}`;
  return `${line}\n${blake3Hex(new TextEncoder().encode(line))}\n`;
}

function recordFile(dir: string, id: FileIdentity): string {
  return join(dir, `${id.dev}-${id.ino}${IDENTITY_EXTENSION}`);
}

/**
 * The BLAKE3 hash recorded in `dir` for a file of identity `id`, or null (no record, another
 * identity, a damaged record, anything but a regular file of a record's size). Never throws.
 */
export function lookupHash(dir: string, id: FileIdentity): string | null {
  const opened = openCacheFile(recordFile(dir, id), MAX_RECORD_BYTES);
  if (opened.kind !== 'open') return null;
  try {
    const text = new TextDecoder().decode(readAt(opened.fd, 0, opened.info.size));
    const end = text.indexOf('\n');
    const hash = text.slice(text.lastIndexOf(' ', end) + 1, end);
    return /^[0-9a-f]{64}$/.test(hash) && text === recordText(id, hash) ? hash : null;
  } catch {
    return null;
  } finally {
    ignoreErrors(() => closeSync(opened.fd));
  }
}

/** Records `hash` for a settled identity `id` in `dir`. Never throws: a record is only a shortcut. */
export async function recordHash(dir: string, id: FileIdentity, hash: string): Promise<void> {
  if (!id.settled) return;
  try {
    mkdirSync(dir, { recursive: true });
    await writeFileAtomic(recordFile(dir, id), new TextEncoder().encode(recordText(id, hash)), { mode: 0o600 });
  } catch {
    // A cache directory that cannot be written: the next run hashes again.
  }
}
