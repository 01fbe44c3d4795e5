/**
 * Running a WASI 0.2 command component in the calling thread: a WASI 0.2 host
 * (src/runtime/wasi/p2) for the component's `wasi:*` imports, then its
 * `wasi:cli/run` export's `run`, or one exported function. `runProgram` (no
 * timeout) and the worker thread (program/worker.ts) both use it.
 */
import type { Component } from '../component/component.js';
import { componentFunctions, findComponentFunction, functionIn } from '../component/find-export.js';
import { LinkError, ResultError, WasiError, WasiExit } from '../errors.js';
import type { WasiOptions } from '../wasi/index.js';
import { createWasiP2Host, interfaceKey } from '../wasi/p2/host.js';
import type { RunProgramResult } from './run-here.js';

/**
 * The imports a command line can give a component: the WASI 0.2 host's, and nothing
 * else. @throws LinkError ERR_MISSING_IMPORT naming the imports that are not WASI 0.2's.
 */
export function checkWasiImports(component: Component, label: string): void {
  const foreign = component.imports.map((i) => i.name).filter((name) => interfaceKey(name) === null);
  if (foreign.length === 0) return;
  const names = foreign.map((name) => `"${name}"`);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  throw new LinkError(
    'ERR_MISSING_IMPORT',
    `${label} is a component that imports ${list}, which WASI 0.2 does not provide (a WASI 0.2 ` +
      'program imports only wasi:*@0.2.x interfaces); instantiate it from the library with your own imports',
  );
}

/** The `run` function of a command component (`wasi:cli/run@0.2.x#run`), if it has one. */
function findRun(component: Component): ReturnType<typeof componentFunctions>[number] | undefined {
  return componentFunctions(component.exports).find(
    (f) => f.interfaceName !== null && interfaceKey(f.interfaceName) === 'wasi:cli/run' && f.member === 'run',
  );
}

/** Whether `component` is a WASI 0.2 command: it exports `wasi:cli/run@0.2.x#run`. */
export function isWasiCommand(component: Component): boolean {
  return findRun(component) !== undefined;
}

/** The `run` function of a command component (`wasi:cli/run@0.2.x#run`). @throws WasiError ERR_WASI_NO_START */
function runExport(component: Component, label: string): ReturnType<typeof componentFunctions>[number] {
  const run = findRun(component);
  if (run === undefined) {
    throw new WasiError(
      'ERR_WASI_NO_START',
      `${label} exports no wasi:cli/run interface: it is not a WASI 0.2 command (call one of its functions instead)`,
    );
  }
  return run;
}

/**
 * Runs `component` here: `wasi:cli/run#run` (its `err` result is exit code 1, as
 * wasmtime gives; `exit`/`exit-with-code` give their code), or the export `invoke.name`
 * with `invoke.args` already lifted into JS values (its return value is `results[0]`;
 * a `ResultError` propagates to the caller). The host's descriptors are closed at the end.
 */
export function runComponentHere(
  component: Component,
  wasiOptions: WasiOptions,
  invoke: { readonly name: string; readonly args: readonly unknown[] } | null,
  label = 'the component',
): RunProgramResult {
  checkWasiImports(component, label);
  const target = invoke === null ? runExport(component, label) : findComponentFunction(component.exports, invoke.name);
  const host = createWasiP2Host(wasiOptions);
  const captured = () => ({
    ...(wasiOptions.stdout === 'pipe' ? { stdout: host.stdout } : {}),
    ...(wasiOptions.stderr === 'pipe' ? { stderr: host.stderr } : {}),
  });
  try {
    const instance = component.instantiate(host.imports);
    const fn = functionIn(instance.exports, target);
    if (invoke === null) {
      try {
        fn();
        return { exitCode: 0, results: null, ...captured() };
      } catch (err) {
        // `run: func() -> result`: an `err` is the program failing, exit status 1.
        if (err instanceof ResultError) return { exitCode: 1, results: null, ...captured() };
        throw err;
      }
    }
    const value = fn(...invoke.args);
    return { exitCode: 0, results: target.type.result === undefined ? [] : [value], ...captured() };
  } catch (err) {
    if (err instanceof WasiExit && host.returnOnExit) return { exitCode: err.exitCode, results: null, ...captured() };
    throw err;
  } finally {
    host.dispose();
  }
}
