/**
 * The one invocation engine behind `run --invoke` and `call`: find the export,
 * parse the arguments by its parameter types, call it (in-process, or through
 * `runProgram` when WASI limits ask for a worker), and print the results.
 */
import { ArgumentError, WasiExit } from '../runtime/errors.js';
import type { FuncType, ModuleInfo, ValType } from '../runtime/parser/types.js';
import type { WasiOptions } from '../runtime/wasi/index.js';
import { formatSignature, formatValue, type JsonValue, jsonValue, printable } from './format.js';
import { inputLabel, loadModule } from './input.js';
import { type ArgValue, parseArguments } from './literals.js';
import type { RunOptions } from './options.js';
import { printJson } from './print.js';

/** The parts of `Module` the engine uses (see src/runtime/module.ts). */
export interface InvocableModule {
  readonly info: ModuleInfo;
  instantiate(imports?: WebAssembly.Imports): { readonly exports: Record<string, unknown> };
}

export interface ExportedFunction {
  readonly name: string;
  readonly type: FuncType;
}

/** Every exported function, in export order. */
export function exportedFunctions(info: ModuleInfo): ExportedFunction[] {
  const functions: ExportedFunction[] = [];
  for (const e of info.exports) if (e.desc.kind === 'func') functions.push({ name: e.name, type: e.desc.type });
  return functions;
}

/**
 * The export `name`, which must be a function.
 * @throws ArgumentError ERR_NO_EXPORT listing the exported functions and the nearest name.
 */
export function findFunction(info: ModuleInfo, name: string, label: string): ExportedFunction {
  const functions = exportedFunctions(info);
  const found = functions.find((f) => f.name === name);
  if (found !== undefined) return found;
  const other = info.exports.find((e) => e.name === name);
  if (other !== undefined) {
    throw new ArgumentError(
      'ERR_NO_EXPORT',
      `export "${printable(name)}" of ${label} is a ${other.desc.kind}, not a function${listFunctions(functions)}`,
    );
  }
  const nearest = nearestName(
    name,
    functions.map((f) => f.name),
  );
  const hint = nearest === null ? '' : `; did you mean "${printable(nearest)}"?`;
  throw new ArgumentError(
    'ERR_NO_EXPORT',
    `export "${printable(name)}" not found in ${label}${listFunctions(functions)}${hint}`,
  );
}

function listFunctions(functions: readonly ExportedFunction[]): string {
  if (functions.length === 0) return ' (it exports no functions)';
  const shown = functions.slice(0, 20).map((f) => printable(f.name));
  return ` (exports: ${shown.join(', ')}${functions.length > 20 ? `, … ${functions.length - 20} more` : ''})`;
}

/** The candidate closest to `name` by edit distance, if it is close enough to be a likely typo. */
export function nearestName(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

/** Damerau-Levenshtein (optimal string alignment), so a swap like mian/main costs 1. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

// ---------------------------------------------------------------------------
// Results

/** The raw return of a call as a list: none, one value, or the multi-value array. */
export function resultList(type: FuncType, raw: unknown): unknown[] {
  if (type.results.length === 0) return [];
  if (type.results.length === 1) return [raw];
  return Array.isArray(raw) ? raw : [raw];
}

/** One line per result. */
export function formatResults(type: FuncType, results: readonly unknown[]): string {
  return results.map((value, i) => `${formatValue(type.results[i] as ValType, value)}\n`).join('');
}

export interface JsonResult {
  readonly type: ValType;
  readonly value: JsonValue;
}

export function jsonResults(type: FuncType, results: readonly unknown[]): JsonResult[] {
  return results.map((value, i) => {
    const t = type.results[i] as ValType;
    return { type: t, value: jsonValue(t, value) };
  });
}

// ---------------------------------------------------------------------------
// The call itself

export interface InvokeRequest {
  readonly module: InvocableModule & object;
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
  readonly fn: ExportedFunction;
  readonly results: unknown[];
  /** Set for `--repeat`. */
  readonly timing: { readonly calls: number; readonly seconds: number; readonly callsPerSecond: number } | null;
  /** Set when the guest called proc_exit during the call. */
  readonly exitCode: number | null;
}

/** True when the module imports any WASI namespace. */
export function importsWasi(info: ModuleInfo): boolean {
  return info.imports.some((i) => i.module === 'wasi_snapshot_preview1' || i.module === 'wasi_unstable');
}

/**
 * Calls `request.name` with the parsed arguments, in-process. With `--timeout`
 * or `--max-memory` it goes through WASI's `runProgram` instead, which caps the
 * memories and, for a time limit, runs the call in a worker it can terminate.
 */
export async function invoke(request: InvokeRequest): Promise<InvokeOutcome> {
  const { module, options } = request;
  const fn = findFunction(module.info, request.name, request.label);
  const args = parseArguments(fn, request.args);
  const repeat = request.repeat ?? null;
  const hasLimits = options.timeoutMs !== null || options.maxMemoryBytes !== null;
  const isWasi = importsWasi(module.info);

  if (hasLimits) {
    if (repeat !== null) {
      throw new ArgumentError('ERR_INVALID_OPTION', '--repeat cannot be combined with --timeout or --max-memory');
    }
    const { runProgram } = await import('../runtime/program/run-program.js');
    const outcome = await runProgram({
      module: module as never,
      ...(isWasi ? { wasi: wasiOptions(request.programArgs, request.options) } : {}),
      invoke: { name: fn.name, args: await runtimeArgs(fn, args) },
      ...(options.timeoutMs !== null ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.maxMemoryBytes !== null ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
      compiler: options.compiler,
    });
    const results = outcome.results ?? [];
    return { fn, results, timing: null, exitCode: outcome.results === null ? outcome.exitCode : null };
  }

  let imports: WebAssembly.Imports = {};
  let initialize: ((instance: never) => void) | null = null;
  if (isWasi) {
    const { Wasi } = await import('../runtime/wasi/index.js');
    const wasi = new Wasi(wasiOptions(request.programArgs, request.options));
    imports = wasi.getImports(module as never);
    initialize = (instance) => wasi.initialize(instance);
  }
  const instance = module.instantiate(imports);
  const f = instance.exports[fn.name] as (...a: unknown[]) => unknown;
  const callArgs = await runtimeArgs(fn, args);
  try {
    // Binds WASI to the instance's memory, and runs a reactor's _initialize (its constructors) when exported.
    if (initialize !== null) initialize(instance as never);
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
async function runtimeArgs(fn: ExportedFunction, args: readonly ArgValue[]): Promise<unknown[]> {
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
  const module = await loadModule(file, options);
  const outcome = await invoke({
    module,
    label: inputLabel(file),
    name,
    args,
    options,
    programArgs: [file],
    ...(repeat !== undefined ? { repeat } : {}),
  });
  const t = outcome.timing;
  if (options.json) {
    printJson({
      function: outcome.fn.name,
      signature: formatSignature(outcome.fn.name, outcome.fn.type),
      results: jsonResults(outcome.fn.type, outcome.results),
      exitCode: outcome.exitCode,
      repeat: t,
    });
  } else {
    process.stdout.write(formatResults(outcome.fn.type, outcome.results));
    if (t !== null) {
      const rate = Math.round(t.callsPerSecond).toLocaleString('en-US');
      process.stderr.write(`${t.calls} calls in ${t.seconds.toFixed(3)} s: ${rate} calls/s\n`);
    }
  }
  // proc_exit during the call: its status is the command's, as for `run`.
  if (outcome.exitCode !== null) process.exitCode = outcome.exitCode;
}
