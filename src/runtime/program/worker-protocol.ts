/**
 * What crosses the thread boundary between `runProgram` and its worker: the
 * input, the messages back, and errors as plain data rebuilt as our classes.
 */

import type { CompilerChoice } from '../engine/tiering.js';
import { type ErrorData, errorFromData, errorToData, WasmerError } from '../errors.js';
import type { WasiOptions } from '../wasi/index.js';

/** Marks the worker's input, so the entry point runs only in a worker we started. */
export const WORKER_MARK = 'wasmer-ts:run-program';

export interface WorkerInput {
  readonly mark: typeof WORKER_MARK;
  /** What `bytes` holds: a core module, or a component (run with the WASI 0.2 host). */
  readonly kind: 'module' | 'component';
  readonly bytes: Uint8Array;
  readonly compiler: CompilerChoice;
  readonly wasi: WasiOptions;
  readonly stdout: 'pipe' | 'call' | null;
  readonly stderr: 'pipe' | 'call' | null;
  readonly invoke: { readonly name: string; readonly args: readonly unknown[] } | null;
  readonly maxPages: number | null;
  /** Whether to send a `memory-cap` message when a memory reaches `maxPages`. */
  readonly watchMemoryCap: boolean;
}

export type WorkerMessage =
  | { readonly t: 'out'; readonly fd: 1 | 2; readonly chunk: Uint8Array }
  | { readonly t: 'memory-cap'; readonly capBytes: number }
  | { readonly t: 'done'; readonly exitCode: number; readonly results: unknown[] | null }
  | { readonly t: 'error'; readonly error: SerializedError };

/** An error crossing the boundary: errors.ts describes every class of ours as data. */
export type SerializedError = ErrorData;

export function serializeError(err: unknown): SerializedError {
  return errorToData(err);
}

/** The worker's error as its own class; an error not of ours keeps its stack and says where it came from. */
export function rebuildError(e: SerializedError): Error {
  const ours = errorFromData(e);
  if (ours !== null) return ours;
  if (e.code !== null) return new WasmerError(e.code, e.message);
  const err = new Error(`in the program's worker thread: ${e.message}`);
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}
