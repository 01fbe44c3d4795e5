/**
 * `wasi:io/error` and `wasi:io/streams`: byte streams over stdio channels and files.
 *
 * Everything is synchronous (the guest is blocked in the host call anyway): a write
 * is done by the time `write` returns, so `flush` has nothing left to wait for and
 * `check-write` always grants `WRITE_BUDGET` bytes. A read that would wait (stdin on a
 * pipe or terminal with nothing typed yet) returns no bytes from `read` and waits in
 * `blocking-read`. Errors follow the WIT: the end of input is `closed`; a failed
 * read or write is `last-operation-failed` with an `error` resource, and the stream is
 * `closed` from then on. Both are thrown as `ResultError` with the `stream-error` as payload.
 */
import { markTransientBytes } from '../../component/abi/lists.js';
import { ResultError, Trap } from '../../errors.js';
import { type ErrorCode, errorCodeOfHostError } from './error-code.js';
import { ALWAYS_READY, Pollable, type PollSource } from './poll.js';

/** `check-write` grants this many bytes each time: one write of ours is one syscall. */
export const WRITE_BUDGET = 1 << 20;
/** The most a `read` returns at once (it may return fewer than asked, the WIT says). */
export const READ_MAX = 1 << 20;
/** `blocking-write-and-flush` and `blocking-write-zeroes-and-flush` take at most this many bytes (WIT). */
export const BLOCKING_WRITE_MAX = 4096;

/** `error` (wasi:io/error): what a failed stream operation reports. */
export class IoError {
  /** @internal The filesystem's error-code, for `filesystem-error-code`, or null. */
  readonly code: ErrorCode | null;
  private readonly message: string;

  /** @internal Made by the host only. */
  constructor(message: string, code: ErrorCode | null) {
    this.message = message;
    this.code = code;
  }

  /** `to-debug-string`: for people, not for programs to parse. */
  toDebugString(): string {
    return this.message;
  }
}

/** The `stream-error` payloads. */
export type StreamError = { readonly tag: 'closed' } | { readonly tag: 'last-operation-failed'; readonly val: IoError };

const CLOSED: StreamError = { tag: 'closed' };

function closedError(): ResultError {
  return new ResultError(CLOSED, 'the stream is closed');
}

/** `last-operation-failed` for a host failure; anything but a host error (a bug) is rethrown. */
function failedError(err: unknown, what: string): ResultError {
  const code = errorCodeOfHostError(err);
  if (code === null) throw err;
  const val = new IoError(`${what} failed: ${(err as Error).message}`, code);
  return new ResultError({ tag: 'last-operation-failed', val } satisfies StreamError, val.toDebugString());
}

/** Turns a u64 length argument into a number no larger than `max`. */
function clampLength(len: bigint, max: number): number {
  return len > BigInt(max) ? max : Number(len);
}

/** Where an input stream's bytes come from. */
export interface ByteSource {
  /** Reads up to `length` bytes into `buffer` from 0 (may block); 0 means the end of input. */
  read(buffer: Uint8Array, length: number): number;
  /** Ready when a read would not wait. */
  readonly poll: PollSource;
  /** Called when the stream is dropped (files: releases the descriptor's host fd). */
  release?(): void;
}

/** Where an output stream's bytes go. */
export interface ByteSink {
  /** Writes all `length` bytes of `buffer` from `offset` (may block). */
  write(buffer: Uint8Array, offset: number, length: number): void;
  /** Called when the stream is dropped. */
  release?(): void;
}

/** `input-stream`. */
export class InputStream {
  private readonly source: ByteSource;
  private closed = false;
  private released = false;

  /** @internal Made by the host only. */
  constructor(source: ByteSource) {
    this.source = source;
  }

  /** `read(len: u64) -> result<list<u8>, stream-error>`: what is there now, possibly nothing. */
  read(len: bigint): Uint8Array {
    return this.#take(len, false);
  }

  /** `blocking-read`: waits for at least one byte (or the end). */
  blockingRead(len: bigint): Uint8Array {
    return this.#take(len, true);
  }

  /** `skip(len: u64) -> result<u64, stream-error>`. */
  skip(len: bigint): bigint {
    return BigInt(this.#take(len, false).length);
  }

  /** `blocking-skip`. */
  blockingSkip(len: bigint): bigint {
    return BigInt(this.#take(len, true).length);
  }

  /** `subscribe`: ready when a read would not wait (also at the end of input). */
  subscribe(): Pollable {
    return new Pollable(this.closed ? ALWAYS_READY : this.source.poll);
  }

  [Symbol.dispose](): void {
    if (this.released) return;
    this.released = true;
    this.closed = true;
    this.source.release?.();
  }

  #take(len: bigint, blocking: boolean): Uint8Array {
    if (this.closed) throw closedError();
    const length = clampLength(len, READ_MAX);
    if (length === 0 || (!blocking && !this.source.poll.ready())) return new Uint8Array(0);
    const buffer = new Uint8Array(length);
    let n: number;
    try {
      n = this.source.read(buffer, length);
    } catch (err) {
      this.closed = true;
      throw failedError(err, 'read');
    }
    if (n === 0) {
      this.closed = true;
      throw closedError();
    }
    return n === length ? buffer : buffer.subarray(0, n);
  }
}

/** `output-stream`. */
export class OutputStream {
  private readonly sink: ByteSink;
  private closed = false;
  private released = false;
  /** Bytes the last `check-write` allowed and no write has used yet. */
  private permit = 0;

  /** @internal Made by the host only. */
  constructor(sink: ByteSink) {
    this.sink = sink;
  }

  /** `check-write -> result<u64, stream-error>`: how many bytes the next `write` may take. */
  checkWrite(): bigint {
    if (this.closed) throw closedError();
    this.permit = WRITE_BUDGET;
    return BigInt(WRITE_BUDGET);
  }

  /**
   * `write(contents: list<u8>)`: never waits. More bytes than `check-write` granted
   * is a `Trap`, as the WIT says.
   */
  write(contents: Uint8Array): void {
    if (this.closed) throw closedError();
    this.#usePermit(contents.length, 'write');
    this.#put(contents, contents.length);
  }

  /** `blocking-write-and-flush(contents)`: at most 4096 bytes (more is a `Trap`, as in wasmtime). */
  blockingWriteAndFlush(contents: Uint8Array): void {
    if (contents.length > BLOCKING_WRITE_MAX) {
      throw new Trap(
        `wasi:io/streams.blocking-write-and-flush: ${contents.length} bytes, more than the ${BLOCKING_WRITE_MAX} it takes`,
        [],
      );
    }
    if (this.closed) throw closedError();
    this.#put(contents, contents.length);
  }

  /** `flush`: writes are done when `write` returns, so there is nothing to wait for. */
  flush(): void {
    if (this.closed) throw closedError();
  }

  /** `blocking-flush`. */
  blockingFlush(): void {
    if (this.closed) throw closedError();
  }

  /** `subscribe`: always ready (a closed stream too, as the WIT says). */
  subscribe(): Pollable {
    return new Pollable(ALWAYS_READY);
  }

  /** `write-zeroes(len: u64)`: as `write`, with the same permit rule. */
  writeZeroes(len: bigint): void {
    if (this.closed) throw closedError();
    const length = this.#usePermit(len, 'write-zeroes');
    this.#put(new Uint8Array(length), length);
  }

  /** `blocking-write-zeroes-and-flush(len: u64)`: at most 4096, as `blocking-write-and-flush`. */
  blockingWriteZeroesAndFlush(len: bigint): void {
    if (len > BigInt(BLOCKING_WRITE_MAX)) {
      throw new Trap(
        `wasi:io/streams.blocking-write-zeroes-and-flush: ${len} bytes, more than the ${BLOCKING_WRITE_MAX} it takes`,
        [],
      );
    }
    if (this.closed) throw closedError();
    const length = Number(len);
    this.#put(new Uint8Array(length), length);
  }

  /** `splice(src: borrow<input-stream>, len: u64) -> result<u64, stream-error>`: check-write, read, write. */
  splice(src: InputStream, len: bigint): bigint {
    return this.#transfer(src, len, false);
  }

  /** `blocking-splice`: waits for the input to have at least one byte (or end). */
  blockingSplice(src: InputStream, len: bigint): bigint {
    return this.#transfer(src, len, true);
  }

  [Symbol.dispose](): void {
    if (this.released) return;
    this.released = true;
    this.closed = true;
    this.sink.release?.();
  }

  #transfer(src: InputStream, len: bigint, blocking: boolean): bigint {
    if (!(src instanceof InputStream)) throw new Trap('wasi:io/streams.splice: the source is not an input-stream', []);
    if (this.closed) throw closedError();
    const limit = len > BigInt(WRITE_BUDGET) ? BigInt(WRITE_BUDGET) : len;
    const bytes = blocking ? src.blockingRead(limit) : src.read(limit);
    this.#put(bytes, bytes.length);
    return BigInt(bytes.length);
  }

  /** Spends `length` bytes of the permit; a `Trap` when it is not that large. Returns the length as a number. */
  #usePermit(length: number | bigint, what: string): number {
    if (length > this.permit) {
      throw new Trap(
        `wasi:io/streams.${what}: ${length} bytes, but check-write permitted ${this.permit} (call check-write first)`,
        [],
      );
    }
    const n = Number(length);
    this.permit -= n;
    return n;
  }

  #put(bytes: Uint8Array, length: number): void {
    if (length === 0) return;
    try {
      this.sink.write(bytes, 0, length);
    } catch (err) {
      this.closed = true;
      throw failedError(err, 'write');
    }
  }
}

// Both write `contents` out before they return (a capture copies it): the canonical ABI
// may lend them a view of the guest's memory instead of a copy per call.
markTransientBytes(OutputStream.prototype.write);
markTransientBytes(OutputStream.prototype.blockingWriteAndFlush);
