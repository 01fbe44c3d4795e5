/**
 * The one invocation engine behind `run --invoke` and `call`: find the export,
 * parse the arguments by its parameter types, call it (in-process, or through
 * `runProgram` when WASI limits ask for a worker), and print the results.
 */
import { ArgumentError, WasiExit } from '../runtime/errors.js';
import { type FunctionExportInfo, findFunctionExport } from '../runtime/find-export.js';
import type { Module } from '../runtime/module.js';
import type { FuncType } from '../runtime/parser/types.js';
import type { Wasi, WasiOptions } from '../runtime/wasi/index.js';
import { formatExportSignature, formatResults, jsonResults } from './format.js';
import { inputLabel, loadModuleOrComponent } from './input.js';
import { type ArgValue, parseArguments } from './literals.js';
import type { RunOptions } from './options.js';
import { noteMemoryCap, printJson } from './output.js';
import { printErr, printOut } from './print.js';
import { fromRun } from './report.js';

/** The raw return of a call as a list: none, one value, or the multi-value array. */
export function resultList(type: FuncType, raw: unknown): unknown[] {
  if (type.results.length === 0) return [];
  if (type.results.length === 1) return [raw];
  return Array.isArray(raw) ? raw : [raw];
}

export interface InvokeRequest {
  readonly module: Module;
  /** The file as shown in messages. */
  readonly label: string;
  readonly name: string;
  /** Command-line literals, or `--args-json` values. */
  readonly args: readonly unknown[];
  readonly options: RunOptions;
  /** Program arguments for WASI (argv[0] is the file). */
  readonly programArgs: readonly string[];
  /** `call --repeat N`: N calls in-process, timed. */
  readonly repeat?: number;
}

export interface InvokeOutcome {
  readonly fn: FunctionExportInfo;
  readonly results: unknown[];
  /** Set for `--repeat`. */
  readonly timing: { readonly calls: number; readonly seconds: number; readonly callsPerSecond: number } | null;
  /** Set when the guest called proc_exit during the call. */
  readonly exitCode: number | null;
}

/**
 * Whether the module imports WASI. WASI's code is loaded only for a module with
 * imports: one without (most `--invoke` targets) cannot import WASI.
 */
async function importsWasi(module: Module): Promise<boolean> {
  if (module.info.imports.length === 0) return false;
  const { isWasiModule } = await import('../runtime/wasi/index.js');
  return isWasiModule(module);
}

/**
 * Calls `request.name` with the parsed arguments, in-process. With `--timeout`
 * or `--max-memory` it goes through WASI's `runProgram` instead, which caps the
 * memories and, for a time limit, runs the call in a worker it can terminate.
 */
export async function invoke(request: InvokeRequest): Promise<InvokeOutcome> {
  const { module, options } = request;
  const fn = findFunctionExport(module.info, request.name, request.label);
  const args = parseArguments(fn, request.args);
  const repeat = request.repeat ?? null;
  const hasLimits = options.timeoutMs !== null || options.maxMemoryBytes !== null;
  const isWasi = await importsWasi(module);

  if (hasLimits) {
    if (repeat !== null) {
      throw new ArgumentError('ERR_INVALID_OPTION', '--repeat cannot be combined with --timeout or --max-memory');
    }
    const { runProgram } = await import('../runtime/program/run-program.js');
    const outcome = await runProgram({
      module,
      ...(isWasi ? { wasi: wasiOptions(request.programArgs, request.options) } : {}),
      invoke: { name: fn.name, args: await runtimeArgs(fn, args) },
      ...(options.timeoutMs !== null ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.maxMemoryBytes !== null ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
      compiler: options.compiler,
      ...(options.verbose || process.stderr.isTTY ? { onMemoryCap: noteMemoryCap } : {}),
    });
    const results = outcome.results ?? [];
    return { fn, results, timing: null, exitCode: outcome.results === null ? outcome.exitCode : null };
  }

  let imports: WebAssembly.Imports = {};
  let wasi: Wasi | null = null;
  if (isWasi) {
    const { Wasi: WasiClass } = await import('../runtime/wasi/index.js');
    wasi = new WasiClass(wasiOptions(request.programArgs, request.options));
    imports = wasi.getImports(module);
  }
  const instance = module.instantiate(imports);
  const f = instance.getFunction(fn.name);
  const callArgs = await runtimeArgs(fn, args);
  try {
    // Binds WASI to the instance's memory, and runs a reactor's _initialize (its constructors) when exported.
    wasi?.initialize(instance);
    let raw = f(...callArgs);
    if (repeat === null) return { fn, results: resultList(fn.type, raw), timing: null, exitCode: null };
    // The first call above warmed up (lazy compilation); time the next `repeat`.
    const t0 = performance.now();
    for (let i = 0; i < repeat; i++) raw = f(...callArgs);
    const seconds = (performance.now() - t0) / 1000;
    const timing = {
      calls: repeat,
      seconds,
      callsPerSecond: seconds > 0 ? repeat / seconds : Number.POSITIVE_INFINITY,
    };
    return { fn, results: resultList(fn.type, raw), timing, exitCode: null };
  } catch (error) {
    if (error instanceof WasiExit) return { fn, results: [], timing: null, exitCode: error.exitCode };
    throw error;
  }
}

/** v128 arguments go to the runtime as `Value.v128`; everything else as is. */
async function runtimeArgs(fn: FunctionExportInfo, args: readonly ArgValue[]): Promise<unknown[]> {
  if (!fn.type.params.includes('v128')) return args as unknown[];
  const { Value } = await import('../runtime/value.js');
  return args.map((a, i) => (fn.type.params[i] === 'v128' ? Value.v128(a as bigint) : a));
}

/**
 * WASI options from the command line: args, env, preopens; stdio inherited,
 * except that with `--json` the guest's stdout goes to stderr so that stdout
 * carries only the JSON document. `run` (for `_start`) uses it too.
 */
export function wasiOptions(programArgs: readonly string[], options: RunOptions): WasiOptions {
  return {
    args: [...programArgs],
    env: { ...options.env },
    preopens: { ...options.preopens },
    ...(options.json ? { stdout: { fd: 2 } } : {}),
    // Shown by the WASI host only when stdin is a terminal and a read has waited a second.
    stdinWaitNotice: 'wasmer-ts: the program is waiting for input on stdin (type it, or press Ctrl-D for end of input)',
  };
}

/**
 * `run FILE --invoke FN ARGS...` and `call FILE FN ARGS...`: loads the module,
 * calls the function and prints the results (text or `--json`). The results
 * go to stdout one per line; `--repeat` timing goes to stderr.
 */
export async function invokeAndPrint(
  file: string,
  name: string,
  args: readonly unknown[],
  options: RunOptions,
  repeat?: number,
): Promise<void> {
  const module = await loadModuleOrComponent(file, options);
  const label = inputLabel(file);
  if (!('info' in module)) {
    const { invokeComponentAndPrint } = await import('./component-invoke.js');
    invokeComponentAndPrint(module, label, wasiOptions([file], options), name, args, options, repeat);
    return;
  }
  const outcome = await invoke({
    module,
    label,
    name,
    args,
    options,
    programArgs: [file],
    ...(repeat !== undefined ? { repeat } : {}),
  }).catch((error: unknown) => {
    throw fromRun(label, error);
  });
  const t = outcome.timing;
  if (options.json) {
    printJson({
      function: outcome.fn.name,
      signature: formatExportSignature(outcome.fn.name, outcome.fn.type),
      results: jsonResults(outcome.fn.type, outcome.results),
      exitCode: outcome.exitCode,
      repeat: t,
    });
  } else {
    printOut(formatResults(outcome.fn.type, outcome.results));
    if (t !== null) {
      const rate = Math.round(t.callsPerSecond).toLocaleString('en-US');
      printErr(`${t.calls} calls in ${t.seconds.toFixed(3)} s: ${rate} calls/s\n`);
    }
  }
  // proc_exit during the call: its status is the command's, as for `run`.
  if (outcome.exitCode !== null) process.exitCode = outcome.exitCode;
}
