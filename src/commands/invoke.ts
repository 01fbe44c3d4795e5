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
// Argument literals

const INTEGER = /^([+-]?)(0x[0-9a-f]+|[0-9]+)$/i;
const DECIMAL_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const HEX_FLOAT = /^([+-]?)0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([+-]?\d+))?$/i;
const LANES = /^(i8x16|i16x8|i32x4|i64x2|f32x4|f64x2):(.*)$/i;

/** Thrown by the literal parsers; the caller adds which function and parameter. */
class LiteralError extends Error {}

function parseInteger(text: string, bits: 32 | 64 | 128): bigint {
  const match = INTEGER.exec(text);
  if (match === null) throw new LiteralError(`expected an integer (decimal or 0x hex)`);
  const magnitude = BigInt(match[2] as string);
  const value = match[1] === '-' ? -magnitude : magnitude;
  // Signed and unsigned ranges are both accepted: -1 and 0xffffffff are the same i32.
  const min = -(1n << BigInt(bits - 1));
  const max = (1n << BigInt(bits)) - 1n;
  if (value < min || value > max) throw new LiteralError(`out of range for ${bits === 128 ? 'v128' : `i${bits}`}`);
  return BigInt.asIntN(bits, value);
}

/** f32/f64 literal: decimal, `1e10`, `nan`, `inf`, `-inf`, `-0`, or a hex float (`0x1.8p3`). */
function parseFloatLiteral(text: string, type: 'f32' | 'f64'): number {
  const lower = text.toLowerCase();
  let value: number;
  if (/^[+-]?nan$/.test(lower)) value = Number.NaN;
  else if (/^[+-]?inf(inity)?$/.test(lower)) value = lower.startsWith('-') ? -Infinity : Infinity;
  else if (DECIMAL_FLOAT.test(text)) value = Number(text);
  else {
    const hex = HEX_FLOAT.exec(text);
    if (hex === null || (hex[2] === '' && hex[3] === '')) {
      throw new LiteralError('expected a number such as 1.5, -0, 1e10, 0x1.8p3, nan, inf or -inf');
    }
    const magnitude = hexFloatMagnitude(`${hex[2]}${hex[3]}`, Number(hex[4] ?? '0') - 4 * (hex[3] as string).length);
    value = hex[1] === '-' ? -magnitude : magnitude;
  }
  // A finite literal too large for the type is an error (1e39 as f32, 1e309 as f32 or f64);
  // only nan/inf spell a non-finite value.
  const isNumeral = !/^[+-]?(nan|inf(inity)?)$/.test(lower);
  const result = type === 'f32' ? Math.fround(value) : value;
  if (isNumeral && !Number.isFinite(result)) throw new LiteralError(`out of range for ${type}`);
  return result;
}

/**
 * `digits` (hex) times 2^exponent, without the intermediate overflow of
 * `Number(digits) * 2 ** exponent` (which made 0x<300 digits>p-1200 NaN): the
 * digits are cut to 64 significant bits (plus a sticky bit for rounding) first.
 */
function hexFloatMagnitude(digits: string, exponent: number): number {
  let mantissa = BigInt(`0x${digits}`);
  if (mantissa === 0n) return 0;
  const excess = mantissa.toString(2).length - 64;
  if (excess > 0) {
    const sticky = mantissa & ((1n << BigInt(excess)) - 1n) ? 1n : 0n;
    mantissa = (mantissa >> BigInt(excess)) | sticky;
    exponent += excess;
  }
  // Scale in steps so that 2 ** exponent itself never overflows or underflows.
  let value = Number(mantissa);
  while (exponent > 0 && Number.isFinite(value)) {
    const step = Math.min(exponent, 1000);
    value *= 2 ** step;
    exponent -= step;
  }
  while (exponent < 0 && value !== 0) {
    const step = Math.max(exponent, -1000);
    value *= 2 ** step;
    exponent -= step;
  }
  return value;
}

/** v128: one 128-bit integer (decimal or 0x hex, little-endian lanes) or lanes, `i32x4:1,2,3,4`. */
function parseV128(text: string): bigint {
  const lanes = LANES.exec(text);
  if (lanes === null) return parseInteger(text, 128);
  const shape = (lanes[1] as string).toLowerCase();
  const [kind, countText] = shape.split('x') as [string, string];
  const count = Number(countText);
  const width = 128 / count;
  const parts = (lanes[2] as string).split(',').map((s) => s.trim());
  if (parts.length !== count)
    throw new LiteralError(`${shape} needs ${count} comma-separated lanes, got ${parts.length}`);
  let result = 0n;
  for (let i = count - 1; i >= 0; i--) {
    const part = parts[i] as string;
    let bits: bigint;
    if (kind.startsWith('i')) {
      const match = INTEGER.exec(part);
      if (match === null) throw new LiteralError(`lane ${i}: expected an integer`);
      const magnitude = BigInt(match[2] as string);
      const v = match[1] === '-' ? -magnitude : magnitude;
      if (v < -(1n << BigInt(width - 1)) || v > (1n << BigInt(width)) - 1n) {
        throw new LiteralError(`lane ${i}: out of range for i${width}`);
      }
      bits = BigInt.asUintN(width, v);
    } else {
      const x = parseFloatLiteral(part, width === 32 ? 'f32' : 'f64');
      const view = new DataView(new ArrayBuffer(8));
      if (width === 32) {
        view.setFloat32(0, x, true);
        bits = BigInt(view.getUint32(0, true));
      } else {
        view.setFloat64(0, x, true);
        bits = view.getBigUint64(0, true);
      }
    }
    result = (result << BigInt(width)) | bits;
  }
  return BigInt.asIntN(128, result);
}

/** A parameter value ready for the runtime: number (i32/f32/f64), bigint (i64, v128) or null (references). */
export type ArgValue = number | bigint | null;

/** Parses one command-line literal for a parameter of type `type`. */
export function parseLiteral(type: ValType, text: string): ArgValue {
  switch (type) {
    case 'i32':
      return Number(parseInteger(text, 32));
    case 'i64':
      return parseInteger(text, 64);
    case 'f32':
    case 'f64':
      return parseFloatLiteral(text, type as 'f32' | 'f64');
    case 'v128':
      return parseV128(text);
    default:
      if (text === 'null') return null;
      throw new LiteralError(`a ${type} parameter can only be given as null from the command line`);
  }
}

/**
 * Parses the arguments of `fn`, from command-line text or from `--args-json`
 * values (numbers, or strings holding any literal the command line accepts).
 * @throws ArgumentError ERR_ARG_COUNT or ERR_ARG_TYPE naming the signature and the parameter.
 */
export function parseArguments(fn: ExportedFunction, values: readonly unknown[]): ArgValue[] {
  const { params } = fn.type;
  const signature = formatSignature(fn.name, fn.type);
  if (values.length !== params.length) {
    const given =
      values.length === 0 ? 'none were given' : `${values.length} ${values.length === 1 ? 'was' : 'were'} given`;
    throw new ArgumentError(
      'ERR_ARG_COUNT',
      `${signature} takes ${params.length} argument${params.length === 1 ? '' : 's'}, but ${given}`,
    );
  }
  return params.map((type, i) => {
    const value = values[i];
    const text = literalText(value);
    try {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new LiteralError('the JSON number is beyond the f64 range; write "inf" or the literal as a string');
      }
      if (text === null) throw new LiteralError('expected a number, a string or null');
      const isWide = type === 'i64' || type === 'v128';
      if (isWide && typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
        // JSON.parse already rounded it: refuse rather than pass a different number.
        throw new LiteralError('integers beyond 2^53 lose precision as JSON numbers; pass it as a string');
      }
      return parseLiteral(type, text);
    } catch (error) {
      if (!(error instanceof LiteralError)) throw error;
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `argument ${i + 1} of ${signature}: ${showJson(value)} is not a valid ${type}: ${error.message}`,
      );
    }
  });
}

/**
 * A JSON value for a message: at most 60 characters, and never a throw. Values nested
 * deeper than `MAX_SHOWN_DEPTH` are named, not printed: JSON.stringify overflows the stack
 * on `[[[[...]]]]` a few thousand deep on V8 11, while V8 14 prints it, and the message
 * should be the same on every Node.
 */
function showJson(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    if (isNestedDeeperThan(value, MAX_SHOWN_DEPTH)) throw new RangeError('deeply nested');
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? '[[[…]]] (a deeply nested array)' : '{…} (a deeply nested object)';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const MAX_SHOWN_DEPTH = 64;

/** True when arrays or objects nest more than `limit` deep (walked without recursion). */
function isNestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

function literalText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'bigint') return value.toString();
  if (value === null) return 'null';
  return null;
}

/** Parses `--args-json`: a JSON array. */
export function parseArgsJson(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ArgumentError('ERR_INVALID_OPTION', `--args-json ${showJson(text)}: not valid JSON`, {
      cause: error,
    });
  }
  if (!Array.isArray(value)) {
    throw new ArgumentError('ERR_INVALID_OPTION', `--args-json ${showJson(text)}: expected a JSON array`);
  }
  return value;
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
