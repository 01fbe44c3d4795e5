/**
 * The one atomic file write: a temp file beside the target, then a rename, so
 * a reader sees the old file or the whole new one, never half of it (rename is
 * atomic within a file system, and the temp file is in the same directory).
 * Used by the cache for its entries and by `compile -o` for artifacts.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0o644, before the umask). */
  readonly mode?: number;
  /**
   * A hidden temp name (`.app.wasmu.<pid>.<unique>.tmp`) instead of the target's
   * name plus a suffix (`app.wasmu.<pid>.<unique>.tmp`, which the cache's
   * eviction recognizes as its own).
   */
  readonly hidden?: boolean;
}

/** Files up to this size are written with synchronous calls; larger ones without blocking the thread. */
export const SYNC_WRITE_MAX_BYTES = 4 << 20;

let written = 0;

/**
 * Writes `bytes` to `file` atomically. The temp file is removed when the write fails.
 * A small file is written with synchronous calls: node:fs/promises loads a dozen Node
 * modules, compiled from source under --no-liftoff (6 ms of a hello world's first run,
 * which writes its cache entry), for a write that takes microseconds.
 */
export async function writeFileAtomic(
  file: string,
  bytes: Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  // Unique among this machine's writers: the pid, and a count within the process. The
  // exclusive create below refuses a name left by a dead process that had this pid.
  const suffix = `${process.pid}.${Date.now().toString(36)}${(written++).toString(36)}.tmp`;
  const temp = options.hidden === true ? join(dirname(file), `.${basename(file)}.${suffix}`) : `${file}.${suffix}`;
  const mode = options.mode ?? 0o644;
  if (bytes.length <= SYNC_WRITE_MAX_BYTES) {
    try {
      writeFileSync(temp, bytes, { mode, flag: 'wx' });
      renameSync(temp, file);
    } catch (error) {
      try {
        rmSync(temp, { force: true });
      } catch {
        // The write's error is the one to report.
      }
      throw error;
    }
    return;
  }
  const { rename, rm, writeFile } = await import('node:fs/promises');
  try {
    await writeFile(temp, bytes, { mode, flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}
