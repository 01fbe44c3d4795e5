/**
 * `runProgram`: run a WASI command (or call one export) with limits. With
 * `timeoutMs` the program runs in a worker thread that is terminated at the
 * deadline; errors come back across the thread boundary and are rebuilt as our
 * error classes. The worker's entry point is program/worker.ts.
 */
import type { Component } from '../component/component.js';
import { capMemoryMaximum } from '../encoder/cap-memory.js';
import { workerScript } from '../engine/paths.js';
import { COMPILER_CHOICES, type CompilerChoice } from '../engine/tiering.js';
import { OutOfMemoryError, TimeoutError, WasmerError } from '../errors.js';
import { Module } from '../module.js';
import { PAGE_SIZE } from '../parser/limits.js';
import {
  checkFunction,
  checkNonNegativeNumber,
  checkObject,
  checkOneOf,
  checkPositiveNumber,
  invalidOption,
} from '../validate.js';
import type { WasiOptions } from '../wasi/index.js';
import { checkWasiOptions } from '../wasi/options.js';
import { concat } from '../wasi/stdio.js';
import { type RunProgramResult, runHere } from './run-here.js';

export type { RunProgramResult };

import { rebuildError, WORKER_MARK, type WorkerInput, type WorkerMessage } from './worker-protocol.js';

export interface RunProgramOptions {
  /** The compiled module: a WASI preview1 program. Give `module` or `component`, not both. */
  readonly module?: Module;
  /**
   * A compiled component: a WASI 0.2 command (its `wasi:cli/run` export runs), or any
   * component whose imports are WASI 0.2's only (with `invoke`). Its `wasi:*@0.2.x`
   * imports get a WASI 0.2 host made from `wasi`, with the same sandbox as preview1.
   */
  readonly component?: Component;
  /** WASI setup (args, env, preopens, stdio). Omit for a module that imports no WASI. */
  readonly wasi?: WasiOptions;
  /**
   * Call this export (after WASI is set up: `_initialize` runs first when exported)
   * instead of `_start`. `args` are already typed (numbers, bigints for i64...). For a
   * component: the export's name (`greet`, `wasi:cli/run@0.2.3#run`), `args` its JS values,
   * and `results` the returned value (a `result` type's `err` is thrown as `ResultError`).
   */
  readonly invoke?: { readonly name: string; readonly args: readonly unknown[] };
  /** Stop the program after this many milliseconds: it runs in a worker thread, and `TimeoutError` is thrown. */
  readonly timeoutMs?: number;
  /** Cap every memory of the module (and memories it imports) at this many bytes: `memory.grow` returns -1 past it. */
  readonly maxMemoryBytes?: number;
  /** How V8 compiles a module rebuilt for `maxMemoryBytes`. Default: the module's own choice. */
  readonly compiler?: CompilerChoice;
  /**
   * With `maxMemoryBytes`: called once, with the cap in bytes (whole pages), when a
   * memory of the program is seen to have grown to the cap, after which its
   * memory.grow returns -1. Seen when the WASI host next runs after the memory's
   * buffer changed, and at the end of the run (exit or trap); a grow refused short of
   * the cap exactly (from 60 MiB by 8 MiB under 64 MiB) goes unseen. Costs nothing per call.
   */
  readonly onMemoryCap?: (capBytes: number) => void;
}

/**
 * Runs `module` as a WASI command (`_start`), or calls `invoke.name`.
 * Throws: `Trap` (the guest trapped), `LinkError` (imports other than WASI, or
 * `ERR_WASI_NO_MEMORY`), `TimeoutError` (`timeoutMs` passed; the worker is
 * terminated), `WasiError` (`ERR_WASI_NO_START`, `ERR_WASI_PREOPEN`),
 * `ArgumentError` (`ERR_INVALID_OPTION` for a bad option, WASI's included; `ERR_NO_EXPORT`). `proc_exit(n)` is not an error: it gives `exitCode: n`.
 */
export async function runProgram(options: RunProgramOptions): Promise<RunProgramResult> {
  // Checked as unknown, so that the assertion does not widen `options`' own fields.
  checkObject(options as unknown, 'runProgram: options');
  const given: { readonly module?: unknown; readonly component?: unknown } = options;
  if (given.component !== undefined && given.module !== undefined) {
    throw invalidOption('runProgram: options', 'either a module or a component, not both', 'both');
  }
  // The component model is loaded only for a component: a module's run does not compile its code or hold its source.
  const componentModel = given.component === undefined ? null : await import('../component/component.js');
  if (componentModel !== null && !(given.component instanceof componentModel.Component)) {
    throw invalidOption('runProgram: options.component', 'a Component', given.component);
  }
  if (given.component === undefined && !(given.module instanceof Module))
    throw invalidOption('runProgram: options.module', 'a Module (or options.component, a Component)', given.module);
  const { timeoutMs, maxMemoryBytes, invoke, compiler, onMemoryCap } = options;
  if (timeoutMs !== undefined) checkPositiveNumber(timeoutMs, 'runProgram: options.timeoutMs');
  if (maxMemoryBytes !== undefined) checkNonNegativeNumber(maxMemoryBytes, 'runProgram: options.maxMemoryBytes');
  if (
    invoke !== undefined &&
    !(typeof invoke === 'object' && invoke !== null && typeof invoke.name === 'string' && Array.isArray(invoke.args))
  ) {
    throw invalidOption('runProgram: options.invoke', '{ name: string, args: unknown[] }', invoke);
  }
  if (compiler !== undefined) checkOneOf(compiler, 'runProgram: options.compiler', COMPILER_CHOICES);
  if (onMemoryCap !== undefined) checkFunction(onMemoryCap, 'runProgram: options.onMemoryCap');
  // Checked here, on the caller's thread, so errors name the caller's values.
  const wasiOptions = options.wasi ?? {};
  checkWasiOptions(wasiOptions, 'runProgram: options.wasi');
  const maxPages = maxMemoryBytes === undefined ? null : Math.floor(maxMemoryBytes / PAGE_SIZE);
  if (options.component !== undefined) {
    const component = maxPages === null ? options.component : options.component.withMemoryCap(maxPages);
    if (timeoutMs === undefined) {
      // Loaded for a component only: it brings the WASI 0.2 host, which a core module's run never needs.
      const { runComponentHere } = await import('./run-component.js');
      return runComponentHere(component, wasiOptions, invoke ?? null);
    }
    return runInWorker({ kind: 'component', component }, wasiOptions, invoke ?? null, maxPages, timeoutMs, null);
  }
  let module = options.module as Module;
  if (maxPages !== null) module = capModule(module, maxPages, compiler ?? module.compiler);
  const notify = maxPages === null ? null : (onMemoryCap ?? null);
  if (timeoutMs === undefined) return runHere(module, wasiOptions, invoke ?? null, maxPages, notify);
  return runInWorker({ kind: 'module', module }, wasiOptions, invoke ?? null, maxPages, timeoutMs, notify);
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

async function runInWorker(
  program:
    | { readonly kind: 'module'; readonly module: Module }
    | { readonly kind: 'component'; readonly component: Component },
  wasiOptions: WasiOptions,
  invoke: { readonly name: string; readonly args: readonly unknown[] } | null,
  maxPages: number | null,
  timeoutMs: number,
  onMemoryCap: ((capBytes: number) => void) | null,
): Promise<RunProgramResult> {
  const { options, stdout, stderr } = withoutCallbacks(wasiOptions);
  const input: WorkerInput = {
    mark: WORKER_MARK,
    ...(program.kind === 'module'
      ? { kind: 'module', bytes: program.module.bytes, compiler: program.module.compiler }
      : { kind: 'component', bytes: program.component.bytes, compiler: 'auto' }),
    wasi: options,
    stdout,
    stderr,
    invoke,
    maxPages,
    watchMemoryCap: onMemoryCap !== null,
  };
  const chunks: { 1: Uint8Array[]; 2: Uint8Array[] } = { 1: [], 2: [] };
  // Loaded only with a timeout: worker_threads and what it pulls in cost every other run start-up.
  const { Worker } = await import('node:worker_threads');
  return new Promise<RunProgramResult>((resolvePromise, reject) => {
    // program/worker.js, built (under a TypeScript test runner, the copy in dist/), or its source in the executable.
    const script = workerScript('program/worker.js');
    const worker = new Worker(script, { workerData: input, eval: typeof script === 'string' });
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
      } else if (m.t === 'memory-cap') {
        onMemoryCap?.(m.capBytes);
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
          // Nothing in the worker exits it: a bug of ours (exit status 1 in the CLI), not the program's doing.
          new WasmerError('ERR_WORKER_EXIT', `the program's worker thread stopped unexpectedly (exit code ${code})`),
        ),
      ),
    );
  });
}
