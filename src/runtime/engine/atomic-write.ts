/**
 * The one atomic file write: a temp file beside the target, then a rename, so
 * a reader sees the old file or the whole new one, never half of it (rename is
 * atomic within a file system, and the temp file is in the same directory).
 * Used by the cache for its entries and by `compile -o` for artifacts.
 */
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0o644, before the umask). */
  readonly mode?: number;
  /**
   * A hidden temp name (`.app.wasmu.<pid>.<random>.tmp`) instead of the target's
   * name plus a suffix (`app.wasmu.<pid>.<random>.tmp`, which the cache's
   * eviction recognizes as its own).
   */
  readonly hidden?: boolean;
}

/** Writes `bytes` to `file` atomically. The temp file is removed when the write fails. */
export async function writeFileAtomic(
  file: string,
  bytes: Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const suffix = `${process.pid}.${globalThis.crypto.randomUUID().slice(0, 12)}.tmp`;
  const temp = options.hidden === true ? join(dirname(file), `.${basename(file)}.${suffix}`) : `${file}.${suffix}`;
  // Loaded here: fs/promises costs start-up to every command that imports this file (cache/index.ts).
  const { rename, rm, writeFile } = await import('node:fs/promises');
  try {
    await writeFile(temp, bytes, { mode: options.mode ?? 0o644 });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}
