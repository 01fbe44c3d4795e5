/**
 * `runProgram`: run a WASI command (or call one export) with limits. With
 * `timeoutMs` the program runs in a worker thread that is terminated at the
 * deadline; errors come back across the thread boundary and are rebuilt as our
 * error classes. The worker's entry point is program/worker.ts.
 */
import { Worker } from 'node:worker_threads';
import { describe } from '../describe.js';
import { capMemoryMaximum } from '../encoder/cap-memory.js';
import { builtScript } from '../engine/paths.js';
import { COMPILER_CHOICES, type CompilerChoice } from '../engine/tiering.js';
import { ArgumentError, OutOfMemoryError, TimeoutError, WasiError } from '../errors.js';
import { Module } from '../module.js';
import { PAGE_SIZE } from '../parser/limits.js';
import { Wasi, type WasiOptions } from '../wasi/index.js';
import { concat } from '../wasi/stdio.js';
import { type RunProgramResult, runHere } from './run-here.js';

export type { RunProgramResult };

import { rebuildError, WORKER_MARK, type WorkerInput, type WorkerMessage } from './worker-protocol.js';

export interface RunProgramOptions {
  /** The compiled module. */
  readonly module: Module;
  /** WASI setup (args, env, preopens, stdio). Omit for a module that imports no WASI. */
  readonly wasi?: WasiOptions;
  /**
   * Call this export (after WASI is set up: `_initialize` runs first when exported)
   * instead of `_start`. `args` are already typed (numbers, bigints for i64...).
   */
  readonly invoke?: { readonly name: string; readonly args: readonly unknown[] };
  /** Stop the program after this many milliseconds: it runs in a worker thread, and `TimeoutError` is thrown. */
  readonly timeoutMs?: number;
  /** Cap every memory of the module (and memories it imports) at this many bytes: `memory.grow` returns -1 past it. */
  readonly maxMemoryBytes?: number;
  /** How V8 compiles a module rebuilt for `maxMemoryBytes`. Default: the module's own choice. */
  readonly compiler?: CompilerChoice;
}

/**
 * Runs `module` as a WASI command (`_start`), or calls `invoke.name`.
 * Throws: `Trap` (the guest trapped), `LinkError` (imports other than WASI),
 * `TimeoutError` (`timeoutMs` passed; the worker is terminated), `WasiError`
 * (bad WASI options, `ERR_WASI_NO_START`), `ArgumentError` (bad options,
 * `ERR_NO_EXPORT`). `proc_exit(n)` is not an error: it gives `exitCode: n`.
 */
export async function runProgram(options: RunProgramOptions): Promise<RunProgramResult> {
  if (typeof options !== 'object' || options === null || !(options.module instanceof Module)) {
    throw new ArgumentError('ERR_INVALID_OPTION', 'runProgram: options.module must be a Module');
  }
  const { timeoutMs, maxMemoryBytes } = options;
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0 && Number.isFinite(timeoutMs))) {
    throw new ArgumentError(
      'ERR_INVALID_OPTION',
      `runProgram: options.timeoutMs must be a positive number, got ${timeoutMs}`,
    );
  }
  if (
    maxMemoryBytes !== undefined &&
    !(typeof maxMemoryBytes === 'number' && maxMemoryBytes >= 0 && Number.isFinite(maxMemoryBytes))
  ) {
    throw new ArgumentError(
      'ERR_INVALID_OPTION',
      `runProgram: options.maxMemoryBytes must be a non-negative number, got ${maxMemoryBytes}`,
    );
  }
  const { invoke, compiler } = options;
  if (
    invoke !== undefined &&
    !(typeof invoke === 'object' && invoke !== null && typeof invoke.name === 'string' && Array.isArray(invoke.args))
  ) {
    throw new ArgumentError(
      'ERR_INVALID_OPTION',
      `runProgram: options.invoke must be { name: string, args: unknown[] }, got ${describe(invoke)}`,
    );
  }
  if (compiler !== undefined && !COMPILER_CHOICES.includes(compiler)) {
    throw new ArgumentError(
      'ERR_INVALID_OPTION',
      `runProgram: options.compiler must be one of ${COMPILER_CHOICES.join(', ')}, got ${describe(compiler)}`,
    );
  }
  let module = options.module;
  const maxPages = maxMemoryBytes === undefined ? null : Math.floor(maxMemoryBytes / PAGE_SIZE);
  if (maxPages !== null) module = capModule(module, maxPages, options.compiler ?? module.compiler);
  // Validate WASI options here, on the caller's thread, so errors name the caller's values.
  const wasiOptions = options.wasi ?? {};
  new Wasi(wasiOptions);
  if (timeoutMs === undefined) return runHere(module, wasiOptions, options.invoke ?? null, maxPages);
  return runInWorker(module, wasiOptions, options.invoke ?? null, maxPages, timeoutMs);
}

/** Rebuilds `module` with its own memories capped (imported ones are capped where we create them). */
function capModule(module: Module, maxPages: number, compiler: CompilerChoice): Module {
  if (module.info.memories.length === 0) return module;
  return new Module(capMemoryMaximum(module.bytes, maxPages), { compiler });
}

function withoutCallbacks(o: WasiOptions): {
  options: WasiOptions;
  stdout: 'pipe' | 'call' | null;
  stderr: 'pipe' | 'call' | null;
} {
  const kind = (v: unknown) => (v === 'pipe' ? 'pipe' : typeof v === 'function' ? 'call' : null);
  const { stdout, stderr, ...rest } = o;
  const out: { -readonly [K in keyof WasiOptions]: WasiOptions[K] } = { ...rest };
  if (stdout !== undefined && kind(stdout) === null) out.stdout = stdout;
  if (stderr !== undefined && kind(stderr) === null) out.stderr = stderr;
  return { options: out, stdout: kind(stdout), stderr: kind(stderr) };
}

/** The worker script: this file, built. Under a TypeScript test runner, the built copy in dist/. */
function workerUrl(): URL {
  return builtScript('program/worker.js');
}

/**
 * A worker that could not get memory (V8 14 reports a worker whose heap or Wasm memory
 * cannot be reserved under `ulimit -v` as ERR_WORKER_OUT_OF_MEMORY) is our typed error.
 */
function workerError(err: unknown): unknown {
  if ((err as { code?: unknown } | null)?.code !== 'ERR_WORKER_OUT_OF_MEMORY') return err;
  return new OutOfMemoryError(
    "the program's worker thread ran out of memory (its JS heap or Wasm memory could not be allocated); " +
      'lower the memory it needs (--max-memory, a smaller module), raise the address-space limit (ulimit -v), ' +
      'or run without --timeout, in this thread',
    { cause: err },
  );
}

function runInWorker(
  module: Module,
  wasiOptions: WasiOptions,
  invoke: { readonly name: string; readonly args: readonly unknown[] } | null,
  maxPages: number | null,
  timeoutMs: number,
): Promise<RunProgramResult> {
  const { options, stdout, stderr } = withoutCallbacks(wasiOptions);
  const input: WorkerInput = {
    mark: WORKER_MARK,
    bytes: module.bytes,
    compiler: module.compiler,
    wasi: options,
    stdout,
    stderr,
    invoke,
    maxPages,
  };
  const chunks: { 1: Uint8Array[]; 2: Uint8Array[] } = { 1: [], 2: [] };
  return new Promise<RunProgramResult>((resolvePromise, reject) => {
    const worker = new Worker(workerUrl(), { workerData: input });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new TimeoutError(timeoutMs)));
      void worker.terminate();
    }, timeoutMs);
    const captured = () => ({
      ...(stdout === 'pipe' ? { stdout: concat(chunks[1]) } : {}),
      ...(stderr === 'pipe' ? { stderr: concat(chunks[2]) } : {}),
    });
    worker.on('message', (m: WorkerMessage) => {
      if (m.t === 'out') {
        const option = m.fd === 1 ? wasiOptions.stdout : wasiOptions.stderr;
        if (typeof option === 'function') option(m.chunk);
        else chunks[m.fd].push(m.chunk);
      } else if (m.t === 'done') {
        finish(() => resolvePromise({ exitCode: m.exitCode, results: m.results, ...captured() }));
      } else {
        finish(() => reject(rebuildError(m.error)));
      }
    });
    worker.on('error', (err) => finish(() => reject(workerError(err))));
    worker.on('exit', (code) =>
      finish(() =>
        reject(
          new WasiError('ERR_WORKER_EXIT', `the program's worker thread stopped unexpectedly (exit code ${code})`),
        ),
      ),
    );
  });
}
