/**
 * The guest's fds 0, 1 and 2: the host's own (unbuffered, synchronous), bytes
 * given up front, captured output, or a callback per write. Reads and writes take
 * (buffer, offset, length) on the host's one view of guest memory, so a call makes
 * no view of its own.
 */
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { requireBuiltin } from '../builtin.js';
import { FILETYPE, filetypeOf } from './constants.js';

/** Where the guest's stdin comes from. A string is encoded as UTF-8. */
export type StdinOption = 'inherit' | 'ignore' | string | Uint8Array | { readonly fd: number };
/**
 * Where the guest's stdout or stderr goes: `'inherit'` writes straight to the
 * host process's fd 1/2, `'pipe'` captures into `wasi.stdout`/`wasi.stderr`,
 * `'ignore'` drops it, a function receives each write (a copy), `{ fd }` writes to a host fd.
 */
export type OutputOption = 'inherit' | 'ignore' | 'pipe' | ((chunk: Uint8Array) => void) | { readonly fd: number };

/** Made on first use: a standalone executable's snapshot is built where SharedArrayBuffer does not exist. */
let sleeper: Int32Array | undefined;

/** Blocks the thread for `ms` milliseconds without spinning (host calls from Wasm are synchronous). */
export function sleepMs(ms: number): void {
  if (ms <= 0) return;
  sleeper ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, ms);
}

export interface InputChannel {
  /** Reads up to `length` bytes into `buffer` at `offset`; 0 means end of input. */
  read(buffer: Uint8Array, offset: number, length: number): number;
  /** The host fd behind the channel, if any (for fstat and isatty). */
  readonly hostFd: number | null;
  readonly filetype: number;
  /** Releases what the channel opened. */
  close?(): void;
  /**
   * For poll_oneoff: bytes ready to read (0 at end of input), or null when a
   * read would wait. Channels without it are always ready.
   */
  poll?(): number | null;
}

export interface OutputChannel {
  /** Writes all `length` bytes of `buffer` from `offset`. */
  write(buffer: Uint8Array, offset: number, length: number): void;
  readonly hostFd: number | null;
  readonly filetype: number;
  /** Captured bytes (`'pipe'` only). */
  readonly chunks: Uint8Array[] | null;
}

/** The filetype of a host fd (UNKNOWN when it cannot be stat'ed). */
function hostFiletype(fd: number): number {
  try {
    return filetypeOf(fstatSync(fd));
  } catch {
    return FILETYPE.UNKNOWN;
  }
}

/**
 * Whether `fd` is a terminal, asked only of character devices (a pipe or file never is):
 * node:tty loads node:net and the streams, which Node compiles from source when V8's
 * flags are not its defaults, and a program whose output is piped should not pay that.
 * Neither should one run with /dev/null for stdin (a service, hyperfine): Linux's memory
 * devices (major number 1: null, zero, full, random, urandom) are never terminals.
 */
export function isTerminal(fd: number): boolean {
  if (process.platform === 'linux' && isMemoryDevice(fd)) return false;
  return requireBuiltin<typeof import('node:tty')>('node:tty').isatty(fd);
}

const LINUX_MEM_MAJOR = 1;

function isMemoryDevice(fd: number): boolean {
  try {
    const info = fstatSync(fd);
    // Linux's dev_t: the major number is bits 8-19 (and 32-43, zero for major 1).
    return info.isCharacterDevice() && ((info.rdev >> 8) & 0xfff) === LINUX_MEM_MAJOR && info.rdev < 2 ** 32;
  } catch {
    return false;
  }
}

function isFifo(fd: number): boolean {
  try {
    return fstatSync(fd).isFIFO();
  } catch {
    return false;
  }
}

function isAgain(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
}

/**
 * Reads a terminal or a pipe without blocking the thread in read(2): through a
 * second, non-blocking open of the same file (`/proc/self/fd/N`), sleeping with
 * Atomics.wait while nothing is there. So a worker running the program can be
 * terminated at its deadline even while it waits for input, and (terminals
 * only, when `notice` is set) after `WAIT_NOTICE_MS` without input the notice
 * goes to stderr once per read: a program waiting on the keyboard must not look
 * hung. Falls back to a blocking read if the reopen is refused (a socket).
 */
function pollingChannel(fd: number, notice: string | null, filetype: number): InputChannel {
  let nonBlocking: number | null = null;
  let blocking = false;
  // Bytes poll() read ahead (ahead[start, end)), handed out by the next reads.
  let ahead: Uint8Array | null = null;
  let start = 0;
  let end = 0;
  let pendingEof = false;
  const open = () => {
    if (nonBlocking === null && !blocking) {
      try {
        nonBlocking = openSync(`/proc/self/fd/${fd}`, constants.O_RDONLY | constants.O_NONBLOCK);
      } catch {
        blocking = true;
      }
    }
  };
  const poll = (): number | null => {
    if (end > start) return end - start;
    if (pendingEof) return 0;
    open();
    if (nonBlocking === null) return 1; // cannot tell: say ready, the read will block
    // One buffer per channel: poll only reads ahead when nothing is pending.
    ahead ??= new Uint8Array(65536);
    try {
      const n = readSync(nonBlocking, ahead, 0, ahead.length, null);
      if (n === 0) pendingEof = true;
      start = 0;
      end = n;
      return n;
    } catch (err) {
      if (isAgain(err)) return null;
      throw err;
    }
  };
  const read = (buffer: Uint8Array, offset: number, length: number): number => {
    if (end > start) {
      const n = Math.min(length, end - start);
      buffer.set(ahead!.subarray(start, start + n), offset);
      start += n;
      return n;
    }
    if (pendingEof) {
      pendingEof = false;
      return 0;
    }
    open();
    if (nonBlocking === null) return readSync(fd, buffer, offset, length, null);
    const started = Date.now();
    let noticed = notice === null;
    let pause = 1;
    for (;;) {
      try {
        return readSync(nonBlocking, buffer, offset, length, null);
      } catch (err) {
        if (!isAgain(err)) throw err;
        if (!noticed && Date.now() - started >= WAIT_NOTICE_MS) {
          noticed = true;
          writeSync(2, `${notice}\n`);
        }
        sleepMs(pause);
        pause = Math.min(pause * 2, 20);
      }
    }
  };
  const close = () => {
    if (nonBlocking !== null) closeSync(nonBlocking);
    nonBlocking = null;
  };
  return { read, close, poll, hostFd: fd, filetype };
}

const WAIT_NOTICE_MS = 1000;

export function inputChannel(option: StdinOption, waitNotice: string | null = null): InputChannel {
  if (option === 'ignore') return { read: () => 0, hostFd: null, filetype: FILETYPE.UNKNOWN };
  if (option !== 'inherit' && (typeof option === 'string' || option instanceof Uint8Array)) {
    const bytes = typeof option === 'string' ? new TextEncoder().encode(option) : option;
    let at = 0;
    return {
      read(buffer, offset, length) {
        const n = Math.min(length, bytes.length - at);
        buffer.set(bytes.subarray(at, at + n), offset);
        at += n;
        return n;
      },
      hostFd: null,
      filetype: FILETYPE.UNKNOWN,
    };
  }
  const fd = option === 'inherit' ? 0 : option.fd;
  const filetype = hostFiletype(fd);
  const tty = filetype === FILETYPE.CHARACTER_DEVICE && isTerminal(fd);
  if (process.platform === 'linux' && (tty || isFifo(fd))) return pollingChannel(fd, tty ? waitNotice : null, filetype);
  return {
    read(buffer, offset, length) {
      for (;;) {
        try {
          return readSync(fd, buffer, offset, length, null);
        } catch (err) {
          // A non-blocking stdin (a pipe Node or the parent set O_NONBLOCK on): wait a little, retry.
          if (isAgain(err)) sleepMs(5);
          else if ((err as { code?: unknown }).code === 'EOF') return 0;
          else throw err;
        }
      }
    },
    hostFd: fd,
    filetype,
  };
}

export function outputChannel(option: OutputOption, inheritFd: number): OutputChannel {
  // Captured and dropped streams are not terminals: FILETYPE_UNKNOWN, like a pipe,
  // so wasi-libc's isatty() is false and programs do not print terminal escapes.
  if (option === 'ignore') return { write() {}, hostFd: null, filetype: FILETYPE.UNKNOWN, chunks: null };
  if (option === 'pipe') {
    const chunks: Uint8Array[] = [];
    // The copy is what is kept (guest memory changes under it).
    const write = (b: Uint8Array, offset: number, length: number) => chunks.push(b.slice(offset, offset + length));
    return { write, hostFd: null, filetype: FILETYPE.UNKNOWN, chunks };
  }
  if (typeof option === 'function') {
    const write = (b: Uint8Array, offset: number, length: number) => option(b.slice(offset, offset + length));
    return { write, hostFd: null, filetype: FILETYPE.UNKNOWN, chunks: null };
  }
  const fd = option === 'inherit' ? inheritFd : option.fd;
  const write = (buffer: Uint8Array, offset: number, length: number) => {
    const stop = offset + length;
    while (offset < stop) {
      try {
        offset += writeSync(fd, buffer, offset, stop - offset);
      } catch (err) {
        if (isAgain(err)) sleepMs(1);
        else throw err;
      }
    }
  };
  return {
    write,
    hostFd: fd,
    filetype: hostFiletype(fd),
    chunks: null,
  };
}

/** Concatenates captured chunks. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
