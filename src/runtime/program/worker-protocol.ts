/**
 * What crosses the thread boundary between `runProgram` and its worker: the
 * input, the messages back, and errors as plain data rebuilt as our classes.
 */

import type { CompilerChoice } from '../engine/tiering.js';
import {
  ArgumentError,
  CompileError,
  LinkError,
  type LinkErrorCode,
  Trap,
  type TrapFrame,
  WasiError,
  type WasiErrorCode,
  WasiExit,
  WasmerError,
} from '../errors.js';
import type { WasiOptions } from '../wasi/index.js';

/** Marks the worker's input, so the entry point runs only in a worker we started. */
export const WORKER_MARK = 'wasmer-ts:run-program';

export interface WorkerInput {
  readonly mark: typeof WORKER_MARK;
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

export interface SerializedError {
  readonly name: string;
  readonly code: string | null;
  readonly message: string;
  readonly reason?: string;
  readonly frames?: readonly TrapFrame[];
  readonly offset?: number | null;
  readonly exitCode?: number;
  readonly stack?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Trap)
    return { name: 'Trap', code: err.code, message: err.message, reason: err.reason, frames: err.frames };
  if (err instanceof WasiExit) return { name: 'WasiExit', code: null, message: err.message, exitCode: err.exitCode };
  if (err instanceof CompileError)
    return { name: 'CompileError', code: err.code, message: err.message, offset: err.offset };
  if (err instanceof WasmerError) return { name: err.name, code: err.code, message: err.message };
  if (err instanceof Error)
    return { name: err.name, code: null, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { name: 'Error', code: null, message: String(err) };
}

export function rebuildError(e: SerializedError): Error {
  switch (e.name) {
    case 'Trap':
      return new Trap(e.reason ?? e.message, e.frames ?? []);
    case 'WasiExit':
      return new WasiExit(e.exitCode ?? 1);
    case 'CompileError':
      return new CompileError(e.message, e.offset ?? null);
    case 'LinkError':
      return new LinkError((e.code ?? 'ERR_LINK') as LinkErrorCode, e.message);
    case 'ArgumentError':
      return new ArgumentError((e.code ?? 'ERR_INVALID_OPTION') as never, e.message);
    case 'WasiError':
      return new WasiError(e.code as WasiErrorCode, e.message);
    default: {
      if (e.code !== null) return new WasmerError(e.code, e.message);
      const err = new Error(`in the program's worker thread: ${e.message}`);
      if (e.stack !== undefined) err.stack = e.stack;
      return err;
    }
  }
}
