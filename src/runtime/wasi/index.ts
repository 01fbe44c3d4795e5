/**
 * WASI preview1 for wasmer-ts: our own implementation over node:fs, with a real
 * sandbox (see `sandbox.ts`). Nothing from the host leaks in unless given: no
 * environment, no arguments, no directories.
 */
import { describe } from '../describe.js';
import { ArgumentError, LinkError, WasiError, WasiExit } from '../errors.js';
import type { Import } from '../parser/types.js';
import { toTrap } from '../trap.js';
import { WasiHost } from './host.js';
import { type MemoryCapWatch, WATCH_MEMORY_CAP } from './memory-cap.js';
import { type CheckedWasiOptions, checkWasiOptions, type WasiOptions } from './options.js';
import { concat, inputChannel, type OutputChannel, outputChannel } from './stdio.js';
import { checkWasiImportTypes } from './syscalls.js';

export type { OutputOption, StdinOption, WasiOptions } from './options.js';

type ModuleLike = WebAssembly.Module | { readonly raw: WebAssembly.Module };
type InstanceLike =
  | WebAssembly.Instance
  | {
      readonly raw: WebAssembly.Instance;
      readonly module?: { readonly info?: { readonly names?: { readonly functions?: ReadonlyMap<number, string> } } };
    };

function functionNames(instance: InstanceLike): ReadonlyMap<number, string> | undefined {
  return instance instanceof WebAssembly.Instance ? undefined : instance.module?.info?.names?.functions;
}

/**
 * Instances whose `_start` or `_initialize` is running, held from the heap for that time.
 * V8 (seen on Node 20) marks what only the stack reaches in the final pause of each
 * mark-compact, and a program that grows its memory past 64 MiB gets an incremental
 * mark-compact started by nearly every memory.grow (V8 counts the new ArrayBuffer as
 * external memory). A big module's instance (its tables, its exported functions) held
 * only by a caller's local variable then made those collections 3-4 times as many and
 * long: pandoc.wasm converting 100 KB of Markdown took 110-126 mark-compacts and about
 * twice the CPU time, against 27-39 once anything on the heap references the instance.
 */
const running = new Set<WebAssembly.Instance>();

export const WASI_PREVIEW1 = 'wasi_snapshot_preview1';
export const WASI_UNSTABLE = 'wasi_unstable';

/** Which WASI namespaces `module` imports from (possibly none). */
export function wasiVersions(module: ModuleLike): { preview1: boolean; unstable: boolean } {
  const raw = module instanceof WebAssembly.Module ? module : (module as { raw?: unknown } | null)?.raw;
  if (!(raw instanceof WebAssembly.Module)) {
    throw new ArgumentError(
      'ERR_ARG_TYPE',
      `wasi.getImports: expected a Module or a WebAssembly.Module, got ${describe(module)}`,
    );
  }
  let preview1 = false;
  let unstable = false;
  for (const imp of WebAssembly.Module.imports(raw)) {
    if (imp.module === WASI_PREVIEW1) preview1 = true;
    else if (imp.module === WASI_UNSTABLE) unstable = true;
  }
  return { preview1, unstable };
}

/** Whether `module` imports any WASI function (preview1 or unstable). */
export function isWasiModule(module: ModuleLike): boolean {
  const v = wasiVersions(module);
  return v.preview1 || v.unstable;
}

/**
 * A WASI preview1 environment for one program run.
 *
 * ```ts
 * const wasi = new Wasi({ args: ['prog', 'x'], preopens: { '/': dir }, stdout: 'pipe' });
 * const instance = module.instantiate(wasi.getImports(module));
 * const exitCode = wasi.start(instance);
 * console.log(exitCode, wasi.stdoutText);
 * ```
 */
export class Wasi {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Preopens as `[guestPath, absoluteHostPath]`, in fd order (fd 3, 4, ...). */
  readonly preopens: readonly (readonly [string, string])[];
  private readonly options: CheckedWasiOptions;
  private capWatch: MemoryCapWatch | null = null;
  private readonly stdoutChannel: OutputChannel;
  private readonly stderrChannel: OutputChannel;
  private host: WasiHost | null = null;
  private started = false;

  /**
   * Throws `ArgumentError` `ERR_INVALID_OPTION` on a bad option value (the message
   * names it: `Wasi: options.env must be an object, got 5 (number)`), and `WasiError`
   * `ERR_WASI_PREOPEN` naming a host path that is not a directory.
   */
  constructor(options: WasiOptions = {}) {
    const checked = checkWasiOptions(options);
    this.args = checked.args;
    this.env = checked.env;
    this.preopens = checked.preopens;
    this.options = checked;
    this.stdoutChannel = outputChannel(checked.stdout, 1);
    this.stderrChannel = outputChannel(checked.stderr, 2);
  }

  /**
   * Has the host report, once, when the memory it serves has grown to the cap
   * (runProgram's `maxMemoryBytes`): checked only when the memory's buffer changed.
   */
  [WATCH_MEMORY_CAP](watch: MemoryCapWatch): void {
    this.capWatch = watch;
  }

  /**
   * The import object for `module`: `wasi_snapshot_preview1` or `wasi_unstable`
   * (or both), by what the module imports. Calling it again starts a fresh fd table.
   */
  getImports(module: ModuleLike): Record<string, Record<string, (...args: never[]) => unknown>> {
    const { preview1, unstable } = wasiVersions(module);
    // Our Module knows the declared types (a raw WebAssembly.Module does not, in Node 20).
    const declared = (module as { info?: { imports?: readonly Import[] } }).info?.imports;
    if (declared !== undefined) checkWasiImportTypes(declared, [WASI_PREVIEW1, WASI_UNSTABLE]);
    this.host?.dispose();
    const host = new WasiHost({
      args: this.args,
      env: Object.entries(this.env).map(([k, v]) => `${k}=${v}`),
      preopens: this.preopens,
      stdin: inputChannel(this.options.stdin, this.options.stdinWaitNotice),
      memoryCap: this.capWatch,
      stdout: this.stdoutChannel,
      stderr: this.stderrChannel,
    });
    this.host = host;
    const imports: WebAssembly.Imports = {};
    if (preview1 || !unstable) imports[WASI_PREVIEW1] = host.imports(false);
    if (unstable) imports[WASI_UNSTABLE] = host.imports(true);
    // Every WASI import is a function. Said without WebAssembly.Imports, a type alias that the
    // published types cannot declare beside lib.dom's (src/types/published/webassembly.d.ts).
    return imports as Record<string, Record<string, (...args: never[]) => unknown>>;
  }

  private attach(instance: InstanceLike): WebAssembly.Instance {
    if (this.host === null) {
      throw new WasiError('ERR_WASI_NOT_READY', 'call wasi.getImports(module) and instantiate with it before start()');
    }
    if (this.started)
      throw new WasiError('ERR_WASI_STARTED', 'this Wasi was already started: create a new one per run');
    const raw = instance instanceof WebAssembly.Instance ? instance : (instance as { raw?: unknown } | null)?.raw;
    if (!(raw instanceof WebAssembly.Instance)) {
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `wasi: expected an Instance or a WebAssembly.Instance, got ${describe(instance)}`,
      );
    }
    const memory = raw.exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new LinkError('ERR_WASI_NO_MEMORY', 'the module does not export a memory named "memory", which WASI needs');
    }
    this.host.attach(memory);
    this.started = true;
    return raw;
  }

  /**
   * Runs a command: calls `_start` and returns the exit code (0 when `_start`
   * returns, n for `proc_exit(n)`). A trap throws `Trap`; errors thrown by other
   * host functions pass through. Throws `WasiError` `ERR_WASI_NO_START` when the module has no `_start`.
   */
  start(instance: InstanceLike): number {
    const raw = this.attach(instance);
    const start = raw.exports._start;
    if (typeof start !== 'function') {
      throw new WasiError('ERR_WASI_NO_START', 'the module exports no "_start" function: it is not a WASI command');
    }
    running.add(raw);
    try {
      start();
      return 0;
    } catch (err) {
      if (err instanceof WasiExit) {
        if (!this.options.returnOnExit) throw err;
        return err.exitCode;
      }
      throw toTrap(err, functionNames(instance));
    } finally {
      running.delete(raw);
      this.host?.dispose();
    }
  }

  /** Sets up a reactor: calls `_initialize` when exported. The instance's other exports may then be called. */
  initialize(instance: InstanceLike): void {
    const raw = this.attach(instance);
    const init = raw.exports._initialize;
    if (typeof init === 'function') {
      running.add(raw);
      try {
        init();
      } catch (err) {
        if (err instanceof WasiExit) throw err;
        throw toTrap(err, functionNames(instance));
      } finally {
        running.delete(raw);
      }
    }
  }

  /** Bytes the guest wrote to stdout (only with `stdout: 'pipe'`; empty otherwise). */
  get stdout(): Uint8Array {
    return concat(this.stdoutChannel.chunks ?? []);
  }
  /** `stdout` decoded as UTF-8. */
  get stdoutText(): string {
    return new TextDecoder().decode(this.stdout);
  }
  /** Bytes the guest wrote to stderr (only with `stderr: 'pipe'`). */
  get stderr(): Uint8Array {
    return concat(this.stderrChannel.chunks ?? []);
  }
  /** `stderr` decoded as UTF-8. */
  get stderrText(): string {
    return new TextDecoder().decode(this.stderr);
  }
}
