/**
 * Writes the executable's native addon out of it, so that Node can load it
 * (`dlopen` needs a file). The file goes to a directory only this user can
 * write (created 0700; refused when it is a symlink, another user's, or open to
 * others), named by the addon's SHA-256, and its content is compared with the
 * executable's copy before every load: a file someone swapped or truncated is
 * replaced, never loaded. The copy inside is checked against the hash when it is
 * written out. Any failure is a reason, and the executable runs without the
 * machine-code cache.
 */
import type NodeCrypto from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The private directory: $XDG_RUNTIME_DIR (private by definition) or the temp directory, per user. */
export function privateDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const uid = process.getuid?.() ?? 0;
  const base = env.XDG_RUNTIME_DIR !== undefined && env.XDG_RUNTIME_DIR !== '' ? env.XDG_RUNTIME_DIR : tmpdir();
  return join(base, `wasmer-ts-${uid}`);
}

function sha256(bytes: Uint8Array): string {
  // node:crypto loads here, when the addon is written out, not at every start: in a
  // process started with --no-liftoff it takes 10-20 ms (src/runtime/engine/hash.ts).
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof NodeCrypto;
  return createHash('sha256').update(bytes).digest('hex');
}

/** Why `dir` is not a directory only this user can write to, or null when it is. */
function notPrivate(dir: string): string | null {
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!stat.isDirectory()) return `${dir} is not a directory`;
  if (process.getuid !== undefined && stat.uid !== process.getuid()) return `${dir} belongs to another user`;
  if ((stat.mode & 0o077) !== 0) return `${dir} is open to other users (mode ${(stat.mode & 0o777).toString(8)})`;
  return null;
}

/** Whether `file` holds exactly `bytes`: a comparison, cheaper than hashing the file. */
function holds(file: string, bytes: Uint8Array): boolean {
  try {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(readFileSync(file));
  } catch {
    return false;
  }
}

/**
 * The path of a checked copy of the addon whose SHA-256 is `hash`, written to
 * `dir` from `read()` (the executable's asset) when no good copy is there, or
 * why there is none.
 */
export function extractAddon(
  read: () => Uint8Array,
  hash: string,
  dir: string = privateDirectory(),
): { path: string } | { reason: string } {
  const file = join(dir, `native-${hash.slice(0, 16)}.node`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const problem = notPrivate(dir);
    if (problem !== null) return { reason: `the native addon was not written out: ${problem}` };
    const bytes = read();
    if (holds(file, bytes)) return { path: file };
    if (sha256(bytes) !== hash) return { reason: 'the native addon inside this executable is damaged (hash mismatch)' };
    const temporary = `${file}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', 0o700);
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
    return holds(file, bytes) ? { path: file } : { reason: `the native addon written to ${file} did not read back` };
  } catch (error) {
    return { reason: `the native addon was not written out: ${error instanceof Error ? error.message : error}` };
  }
}
