/**
 * Running a program in the calling thread: instantiate with WASI (and any
 * capped imported memories), then `_start`, or initialize and call one export.
 * Both `runProgram` (no timeout) and the worker thread (program/worker.ts) use it.
 */
import { LinkError, WasiError, WasiExit } from '../errors.js';
import { Instance } from '../instance.js';
import type { Module } from '../module.js';
import { MAX_MEMORY32_PAGES, PAGE_SIZE } from '../parser/limits.js';
import type { ModuleInfo } from '../parser/types.js';
import { isWasiModule, Wasi, type WasiOptions } from '../wasi/index.js';
import { MemoryCapWatch, WATCH_MEMORY_CAP } from '../wasi/memory-cap.js';

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

/** Memories the module imports, created with the cap applied (WASI gives none itself). */
function importedMemories(info: ModuleInfo, maxPages: number | null): WebAssembly.Imports {
  const out: WebAssembly.Imports = {};
  for (const imp of info.imports) {
    if (imp.desc.kind !== 'memory') continue;
    const t = imp.desc.type;
    let maximum = t.maximum ?? (t.shared ? MAX_MEMORY32_PAGES : undefined);
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

/** The memories an instance exports, and those it imports (which we created). */
function memoriesOf(instance: Instance, imported: WebAssembly.Imports): WebAssembly.Memory[] {
  const out: WebAssembly.Memory[] = [];
  for (const value of Object.values(instance.raw.exports)) if (value instanceof WebAssembly.Memory) out.push(value);
  for (const ns of Object.values(imported)) {
    for (const value of Object.values(ns)) if (value instanceof WebAssembly.Memory) out.push(value);
  }
  return out;
}

/**
 * Runs the program here. With `maxPages` and `onMemoryCap`, a memory seen at the cap is
 * reported once: by the WASI host when the buffer it serves changed, and here at the end.
 */
export function runHere(
  module: Module,
  wasiOptions: WasiOptions,
  invoke: { readonly name: string; readonly args: readonly unknown[] } | null,
  maxPages: number | null,
  onMemoryCap: ((capBytes: number) => void) | null = null,
): RunProgramResult {
  const usesWasi = isWasiModule(module.raw);
  const wasi = new Wasi(wasiOptions);
  const watch =
    maxPages !== null && onMemoryCap !== null ? new MemoryCapWatch(maxPages * PAGE_SIZE, onMemoryCap) : null;
  if (watch !== null) wasi[WATCH_MEMORY_CAP](watch);
  const memories = importedMemories(module.info, maxPages);
  const imports: WebAssembly.Imports = { ...memories };
  if (usesWasi) Object.assign(imports, wasi.getImports(module));
  const instance = new Instance(module, imports);
  if (watch === null) return runInstance(instance, usesWasi, wasi, wasiOptions, invoke);
  try {
    return runInstance(instance, usesWasi, wasi, wasiOptions, invoke);
  } finally {
    // After an exit or a trap: a program that grew to the cap and then failed without another WASI call.
    for (const memory of memoriesOf(instance, memories)) watch.check(memory.buffer.byteLength);
  }
}

function runInstance(
  instance: Instance,
  usesWasi: boolean,
  wasi: Wasi,
  wasiOptions: WasiOptions,
  invoke: { readonly name: string; readonly args: readonly unknown[] } | null,
): RunProgramResult {
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
