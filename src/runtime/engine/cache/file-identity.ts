/**
 * A module file's identity (device, inode, size, modification and change times in
 * nanoseconds), read with its bytes, so that the cache can take the file's SHA-256 from a
 * record an earlier run left instead of hashing it again (./identity.ts says when that is
 * safe). Apart from the records, so that the CLI's reader loads only this and ./files.ts.
 */
import { type BigIntStats, fstatSync } from 'node:fs';
import { readAt } from './files.js';

/** What names a file's bytes without reading them. */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  /** Whether its times were old enough at the read for the identity to stand for the bytes. */
  readonly settled: boolean;
}

/** How old (ms) a file's mtime and ctime must be for a later write to be sure to change them. */
export const SETTLED_MS = 2000;

const identities = new WeakMap<Uint8Array, FileIdentity>();

/** Records that `bytes` are the whole content of a file with `identity` (the CLI's input). */
export function rememberFileIdentity(bytes: Uint8Array, identity: FileIdentity): void {
  identities.set(bytes, identity);
}

/** The identity of the file `bytes` were read from, when the reader recorded one. */
export function fileIdentityOf(bytes: Uint8Array): FileIdentity | null {
  return identities.get(bytes) ?? null;
}

function identityOf(st: BigIntStats, settled: boolean): FileIdentity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, settled };
}

function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * Reads the regular file open as `fd` whole, with its identity when it did not change
 * during the read (else null), `settled` when its times were SETTLED_MS old as the read
 * began (`nowMs`, the wall clock: tests move it on). Throws what the reads throw.
 */
export function readWithIdentity(
  fd: number,
  nowMs: number = Date.now(),
): { bytes: Uint8Array; identity: FileIdentity | null } {
  const startedNs = BigInt(Math.floor(nowMs)) * 1_000_000n;
  const before = fstatSync(fd, { bigint: true });
  const size = Number(before.size);
  const bytes = readAt(fd, 0, size);
  const after = fstatSync(fd, { bigint: true });
  if (bytes.length < size) return { bytes, identity: null };
  if (!sameFile(before, after) || !after.isFile()) return { bytes, identity: null };
  const settledNs = BigInt(SETTLED_MS) * 1_000_000n;
  const settled = startedNs - after.mtimeNs >= settledNs && startedNs - after.ctimeNs >= settledNs;
  return { bytes, identity: identityOf(after, settled) };
}
