/**
 * What commands write: one JSON document or text on stdout (`printJson`), and
 * files (`compile -o`: `checkOutput` before the work, `writeOutput` after, both
 * failing with an `InputError` ERR_OUTPUT_UNWRITABLE that names the path).
 */

import { dirname } from 'node:path';
import { ArgumentError, InputError } from '../runtime/errors.js';
import { memoryCapNote } from './format.js';
import { printErr, printOut } from './print.js';

/** Prints `value` as one JSON document (2-space indented) and a newline. */
export function printJson(value: unknown): void {
  printOut(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Writes `bytes` to `path` atomically (a temp file beside it, then rename), so a
 * reader never sees half an artifact. Returns `'stream'` when `path` is a device or
 * FIFO written in place (-o /dev/stdout), `'file'` otherwise.
 * @throws InputError ERR_OUTPUT_UNWRITABLE naming the path.
 */
export async function writeOutput(path: string, bytes: Uint8Array): Promise<'file' | 'stream'> {
  const { lstat, stat, writeFile } = await import('node:fs/promises');
  if (path === '-') {
    await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (e) => (e ? reject(e) : resolve())));
    return 'stream';
  }
  await checkOutput(path);
  try {
    const info = await stat(path).catch(() => null);
    // A device, FIFO or symlink (-o /dev/null, -o /dev/stdout, a named pipe) is written in
    // place: renaming a temp file over it would replace the device or link itself (as root,
    // /dev/null became a regular file).
    const link = await lstat(path).catch(() => null);
    if ((info !== null && !info.isFile()) || link?.isSymbolicLink() === true) {
      await writeFile(path, bytes);
      return 'stream';
    }
    const { writeFileAtomic } = await import('../runtime/engine/atomic-write.js');
    await writeFileAtomic(path, bytes, { hidden: true });
    return 'file';
  } catch (error) {
    throw await outputError(path, error);
  }
}

/**
 * Fails fast when `path` clearly cannot be written (empty, a directory, a missing or
 * read-only folder), so that `compile` says so before a TurboFan compile that can take
 * tens of seconds. `writeOutput` still reports what the write itself meets.
 */
export async function checkOutput(path: string): Promise<void> {
  const { access, constants, stat } = await import('node:fs/promises');
  if (path === '-') return; // stdout
  if (path === '')
    throw new InputError('ERR_OUTPUT_UNWRITABLE', 'the output path is empty: give a file name to -o', path);
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory()) {
    throw new InputError('ERR_OUTPUT_UNWRITABLE', `${path} is a directory: give a file name to -o`, path);
  }
  try {
    // A new file needs a folder to hold it (a file in the way is ENOTDIR, as for open).
    if (info === null && !(await stat(dirname(path))).isDirectory()) {
      throw Object.assign(new Error(`${dirname(path)} is not a directory`), { code: 'ENOTDIR' });
    }
    await access(info === null ? dirname(path) : path, constants.W_OK);
  } catch (error) {
    throw await outputError(path, error);
  }
}

/**
 * Refuses an output that is the input file itself (`compile prog.wasm -o prog.wasm`,
 * or another path or hard link to it), which the write would replace before anyone
 * noticed. Regular files only: `-` and devices are streams, not the input's bytes.
 * @throws ArgumentError ERR_INVALID_OPTION (a usage error, exit 2).
 */
export async function checkOutputIsNotInput(input: string, output: string, suggestion: string): Promise<void> {
  const { stat } = await import('node:fs/promises');
  if (input === '-' || output === '-') return;
  const [a, b] = await Promise.all([stat(input).catch(() => null), stat(output).catch(() => null)]);
  if (a === null || b === null || !a.isFile() || a.dev !== b.dev || a.ino !== b.ino) return;
  const same = input === output ? 'is the input file' : `is the same file as the input ${input}`;
  throw new ArgumentError(
    'ERR_INVALID_OPTION',
    `-o ${output} ${same}: writing it would destroy the input; give another file (the default is ${suggestion})`,
  );
}

/** Why `path` cannot be written, as one line that names the part of the path at fault. */
async function outputError(path: string, error: unknown): Promise<unknown> {
  const { stat } = await import('node:fs/promises');
  if (error instanceof InputError) return error;
  const dir = dirname(path);
  const code = (error as NodeJS.ErrnoException).code;
  const dirInfo = await stat(dir).catch(() => null);
  const isMissing = code === 'ENOENT' || code === 'ENOTDIR';
  const why =
    isMissing && dirInfo === null
      ? `directory ${dir} does not exist`
      : isMissing && !dirInfo?.isDirectory()
        ? `${dir} is not a directory`
        : isMissing
          ? `no file can be created in ${dir}`
          : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
            ? 'permission denied'
            : code === 'ENOSPC'
              ? 'no space left on the device'
              : (code ?? String(error));
  return new InputError('ERR_OUTPUT_UNWRITABLE', `cannot write ${path}: ${why}`, path, { cause: error });
}

/** Prints `memoryCapNote` on stderr: `runProgram`'s `onMemoryCap` for `run` and `--invoke`. */
export function noteMemoryCap(capBytes: number): void {
  printErr(memoryCapNote(capBytes));
}
