/**
 * `call` and `run --invoke` on a component: each argument is one WAVE literal parsed by
 * the export's parameter type, the result is printed in WAVE (`err(...)` included: an
 * error result is a result, exit 0). `run FILE` on a component without `--invoke`.
 */
import type { Component } from '../runtime/component/component.js';
import {
  type ComponentFunctionExport,
  componentFunctions,
  findComponentFunction,
  functionIn,
} from '../runtime/component/find-export.js';
import { formatWave, parseWave } from '../runtime/component/wave.js';
import { witTypeText } from '../runtime/component/wit-type.js';
import { ArgumentError, ResultError } from '../runtime/errors.js';
import { checkWasiImports } from '../runtime/program/run-component.js';
import type { WasiOptions } from '../runtime/wasi/index.js';
import { createWasiP2Host, type WasiP2Host } from '../runtime/wasi/p2/host.js';
import type { RunOptions } from './options.js';
import { printJson } from './output.js';
import { printErr, printOut } from './print.js';
import { fromRun } from './report.js';

/** `greet: func(name: string) -> string`. */
export function componentSignature(fn: ComponentFunctionExport): string {
  const params = fn.type.params.map((p) => `${p.name}: ${witTypeText(p.type)}`).join(', ');
  return `${fn.name}: func(${params})${fn.type.result === undefined ? '' : ` -> ${witTypeText(fn.type.result)}`}`;
}

/**
 * The WASI 0.2 host for a component invoked from the command line, when it imports
 * anything: only WASI 0.2's interfaces can be given (args: the file; --dir, --env).
 * @throws LinkError ERR_MISSING_IMPORT naming the imports that are not WASI 0.2's.
 */
function hostFor(component: Component, label: string, wasi: WasiOptions): WasiP2Host | null {
  if (component.imports.length === 0) return null;
  checkWasiImports(component, label);
  return createWasiP2Host(wasi);
}

function checkOptions(options: RunOptions): void {
  if (options.timeoutMs !== null || options.maxMemoryBytes !== null) {
    throw new ArgumentError(
      'ERR_INVALID_OPTION',
      "--timeout and --max-memory are not supported for a component's --invoke or call yet; " +
        'they are for `run` of a WASI 0.2 command component',
    );
  }
}

/** Parses the WAVE arguments of `fn`. @throws ArgumentError ERR_ARG_COUNT, or parseWave's. */
function parseArguments(fn: ComponentFunctionExport, args: readonly unknown[]): unknown[] {
  const params = fn.type.params;
  if (args.length !== params.length) {
    throw new ArgumentError(
      'ERR_ARG_COUNT',
      `${componentSignature(fn)} takes ${params.length} argument${params.length === 1 ? '' : 's'}, got ${args.length}` +
        (params.length === 0 ? '' : ' (one WAVE literal each: "text", 5, [1, 2], {x: 1}, some(3), ok("y"), red)'),
    );
  }
  return params.map((p, i) => {
    const arg = args[i];
    const text = typeof arg === 'string' ? arg : JSON.stringify(arg);
    return parseWave(text, p.type, `argument ${i + 1} (${p.name}: ${witTypeText(p.type)})`);
  });
}

/** The returned value as WAVE; a `result` return is `ok(...)`, or `err(...)` from the ResultError. */
function resultText(fn: ComponentFunctionExport, call: () => unknown): string | null {
  const type = fn.type.result;
  if (type === undefined) {
    call();
    return null;
  }
  if (type.kind !== 'result') return formatWave(call(), type);
  try {
    return formatWave({ tag: 'ok', val: call() }, type);
  } catch (error) {
    if (error instanceof ResultError) return formatWave({ tag: 'err', val: error.payload }, type);
    throw error;
  }
}

/** `call FILE NAME ARGS...` / `run FILE --invoke NAME ARGS...` on a component. */
export function invokeComponentAndPrint(
  component: Component,
  label: string,
  /** The WASI setup for a component that imports WASI 0.2 (args: the file; --dir, --env). */
  wasi: WasiOptions,
  name: string,
  args: readonly unknown[],
  options: RunOptions,
  repeat?: number,
): void {
  checkOptions(options);
  const fn = findComponentFunction(component.exports, name, label);
  const values = parseArguments(fn, args);
  let text: string | null;
  let timing: { calls: number; seconds: number; callsPerSecond: number } | null = null;
  let host: WasiP2Host | null = null;
  try {
    host = hostFor(component, label, wasi);
    const instance = component.instantiate(host?.imports ?? {});
    const f = functionIn(instance.exports, fn);
    text = resultText(fn, () => f(...values));
    if (repeat !== undefined) {
      const t0 = performance.now();
      for (let i = 0; i < repeat; i++) resultText(fn, () => f(...values));
      const seconds = (performance.now() - t0) / 1000;
      timing = { calls: repeat, seconds, callsPerSecond: seconds > 0 ? repeat / seconds : Number.POSITIVE_INFINITY };
    }
  } catch (error) {
    throw fromRun(label, error);
  } finally {
    host?.dispose();
  }
  if (options.json) {
    printJson({
      function: fn.name,
      signature: componentSignature(fn),
      results: text === null ? [] : [text],
      repeat: timing,
    });
    return;
  }
  if (text !== null) printOut(`${text}\n`);
  if (timing !== null) {
    const rate = Math.round(timing.callsPerSecond).toLocaleString('en-US');
    printErr(`${timing.calls} calls in ${timing.seconds.toFixed(3)} s: ${rate} calls/s\n`);
  }
}

/**
 * `run FILE` on a component: a WASI 0.2 command, whose `wasi:cli/run` export `run`
 * runs (`runProgram` does that); any other component needs `--invoke`.
 * @throws ArgumentError ERR_NO_EXPORT, listing the component's functions, when it is not a command.
 */
export function checkCommand(component: Component, label: string): void {
  const functions = componentFunctions(component.exports);
  if (functions.some((f) => f.interfaceName?.startsWith('wasi:cli/run') === true && f.member === 'run')) return;
  const list = functions.map((f) => `  ${componentSignature(f)}`).join('\n');
  throw new ArgumentError(
    'ERR_NO_EXPORT',
    `${label} is a component with no wasi:cli/run export to run; call one of its functions with --invoke NAME [ARGS...]` +
      (functions.length === 0 ? ' (it exports no functions)' : `:\n${list}`),
  );
}
