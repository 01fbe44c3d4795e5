/**
 * `runProgram`: run a WASI command (or call one export) with limits. With
 * `timeoutMs` the program runs in a worker thread that is terminated at the
 * deadline; errors come back across the thread boundary and are rebuilt as our
 * error classes. This file is also the worker's entry point.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  ArgumentError,
  CompileError,
  LinkError,
  type LinkErrorCode,
  OutOfMemoryError,
  TimeoutError,
  Trap,
  type TrapFrame,
  WasiError,
  WasiExit,
  WasmerError,
} from './errors.js';
import { Instance } from './instance.js';
import { Module } from './module.js';
import { capMemoryMaximum } from './parser/rewrite.js';
import type { ModuleInfo } from './parser/types.js';
import { COMPILER_CHOICES, type CompilerChoice } from './tiering.js';
import { toTrap } from './trap.js';
import { describe } from './value.js';
import { isWasiModule, Wasi, type WasiOptions } from './wasi/index.js';

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

export interface RunProgramResult {
  /** `_start`'s exit code (0 when it returns, n for `proc_exit(n)`); also set when an invoked export calls `proc_exit`. */
  readonly exitCode: number;
  /** The invoked export's results (an array, possibly empty), or null when `_start` ran or the export called `proc_exit`. */
  readonly results: unknown[] | null;
  /** Captured stdout, when `wasi.stdout` was `'pipe'`. */
  readonly stdout?: Uint8Array;
  /** Captured stderr, when `wasi.stderr` was `'pipe'`. */
  readonly stderr?: Uint8Array;
}

const PAGE = 65536;
const WORKER_MARK = 'wasmer-ts:run-program';

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
  const maxPages = maxMemoryBytes === undefined ? null : Math.floor(maxMemoryBytes / PAGE);
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

/** Memories the module imports, created with the cap applied (WASI gives none itself). */
function importedMemories(info: ModuleInfo, maxPages: number | null): WebAssembly.Imports {
  const out: WebAssembly.Imports = {};
  for (const imp of info.imports) {
    if (imp.desc.kind !== 'memory') continue;
    const t = imp.desc.type;
    let maximum = t.maximum ?? (t.shared ? 65536 : undefined);
    if (maxPages !== null) maximum = Math.min(maximum ?? maxPages, maxPages);
    if (maximum !== undefined && maximum < t.minimum) {
      throw new LinkError(
        'ERR_LINK',
        `the module's imported memory ${imp.module}.${imp.name} needs ${t.minimum} pages, more than the memory cap (${maxPages} pages)`,
      );
    }
    const descriptor: WebAssembly.MemoryDescriptor = { initial: t.minimum, shared: t.shared };
    if (maximum !== undefined) descriptor.maximum = maximum;
    out[imp.module] ??= {};
    out[imp.module]![imp.name] = new WebAssembly.Memory(descriptor);
  }
  return out;
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

function runHere(
  module: Module,
  wasiOptions: WasiOptions,
  invoke: { readonly name: string; readonly args: readonly unknown[] } | null,
  maxPages: number | null,
): RunProgramResult {
  const usesWasi = isWasiModule(module.raw);
  const wasi = new Wasi(wasiOptions);
  const imports: WebAssembly.Imports = { ...importedMemories(module.info, maxPages) };
  if (usesWasi) Object.assign(imports, wasi.getImports(module));
  const instance = new Instance(module, imports);
  const captured = () => ({
    ...(wasiOptions.stdout === 'pipe' ? { stdout: wasi.stdout } : {}),
    ...(wasiOptions.stderr === 'pipe' ? { stderr: wasi.stderr } : {}),
  });
  if (invoke === null) {
    if (!usesWasi && typeof instance.raw.exports._start !== 'function') {
      throw new WasiError('ERR_WASI_NO_START', 'the module exports no "_start" function: it is not a WASI command');
    }
    if (!usesWasi) {
      // A command that needs no WASI at all: run _start through the wrapper (traps -> Trap).
      instance.getFunction('_start')();
      return { exitCode: 0, results: null, ...captured() };
    }
    const exitCode = wasi.start(instance);
    return { exitCode, results: null, ...captured() };
  }
  const fn = instance.getFunction(invoke.name);
  try {
    if (usesWasi) wasi.initialize(instance);
    const value = fn(...invoke.args);
    const results = value === undefined ? [] : Array.isArray(value) ? value : [value];
    return { exitCode: 0, results, ...captured() };
  } catch (err) {
    if (err instanceof WasiExit) return { exitCode: err.exitCode, results: null, ...captured() };
    throw err;
  }
}

// ---- the worker ---------------------------------------------------------------

interface WorkerInput {
  readonly mark: typeof WORKER_MARK;
  readonly bytes: Uint8Array;
  readonly compiler: CompilerChoice;
  readonly wasi: WasiOptions;
  readonly stdout: 'pipe' | 'call' | null;
  readonly stderr: 'pipe' | 'call' | null;
  readonly invoke: { readonly name: string; readonly args: readonly unknown[] } | null;
  readonly maxPages: number | null;
}

type WorkerMessage =
  | { readonly t: 'out'; readonly fd: 1 | 2; readonly chunk: Uint8Array }
  | { readonly t: 'done'; readonly exitCode: number; readonly results: unknown[] | null }
  | { readonly t: 'error'; readonly error: SerializedError };

interface SerializedError {
  readonly name: string;
  readonly code: string | null;
  readonly message: string;
  readonly reason?: string;
  readonly frames?: readonly TrapFrame[];
  readonly offset?: number | null;
  readonly exitCode?: number;
  readonly stack?: string;
}

function serializeError(err: unknown): SerializedError {
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

function rebuildError(e: SerializedError): Error {
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
      return new WasiError(e.code ?? 'ERR_WASI', e.message);
    default: {
      if (e.code !== null) return new WasmerError(e.code, e.message);
      const err = new Error(`in the program's worker thread: ${e.message}`);
      if (e.stack !== undefined) err.stack = e.stack;
      return err;
    }
  }
}

/** The worker script: this file, built. Under a TypeScript test runner, the built copy in dist/. */
function workerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL(here.replace('/src/', '/dist/').replace(/\.ts$/, '.js'));
  return new URL(here);
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
      ...(stdout === 'pipe' ? { stdout: join(chunks[1]) } : {}),
      ...(stderr === 'pipe' ? { stderr: join(chunks[2]) } : {}),
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

function join(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

async function workerMain(input: WorkerInput): Promise<void> {
  const port = parentPort!;
  const send = (m: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);
  try {
    const forward = (fd: 1 | 2) => (chunk: Uint8Array) => send({ t: 'out', fd, chunk }, [chunk.buffer as ArrayBuffer]);
    const wasi: WasiOptions = {
      ...input.wasi,
      ...(input.stdout !== null ? { stdout: forward(1) } : {}),
      ...(input.stderr !== null ? { stderr: forward(2) } : {}),
    };
    // Our Module (parse + typed exports) is rebuilt from the bytes here; V8
    // compiles it again in this isolate (background threads, with the same tiering).
    const module = await Module.compile(input.bytes, { compiler: input.compiler });
    const result = runHere(module, wasi, input.invoke, input.maxPages);
    send({ t: 'done', exitCode: result.exitCode, results: result.results });
  } catch (err) {
    send({ t: 'error', error: serializeError(toTrap(err)) });
  }
}

if (!isMainThread && (workerData as { mark?: unknown } | null)?.mark === WORKER_MARK) {
  void workerMain(workerData as WorkerInput);
}
