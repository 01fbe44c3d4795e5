/**
 * The WASI 0.2 host: every interface of `wasi:cli/imports` as plain JS objects, for
 * component instantiation to bind to a component's imports.
 *
 * `imports` is keyed by interface name without its version (`'wasi:io/streams'`);
 * `interfaceKey` says which key a versioned import name (`wasi:io/streams@0.2.3`)
 * takes. Functions are the WIT names in lowerCamelCase, resources classes in
 * UpperCamelCase with their methods, and a function whose result type is
 * `result<T, E>` returns T and throws `ResultError` with E as `payload`. Dropping a
 * resource calls its `[Symbol.dispose]()` when it has one.
 *
 * The options are preview1's (`WasiOptions`, checked by the same `checkWasiOptions`),
 * and nothing from the host leaks by default: no environment, no arguments, no
 * directories unless given.
 */
import { WasiExit } from '../../errors.js';
import { type CheckedWasiOptions, checkWasiOptions, type WasiOptions } from '../options.js';
import { concat, type InputChannel, inputChannel, type OutputChannel, outputChannel } from '../stdio.js';
import { cliInterfaces } from './cli.js';
import { clockInterfaces } from './clocks.js';
import { FsContext, filesystemInterfaces } from './filesystem.js';
import { InputStream, IoError, OutputStream } from './io-streams.js';
import { Pollable, poll } from './poll.js';
import { randomInterfaces } from './random.js';
import { socketInterfaces } from './sockets.js';

export type { WasiOptions } from '../options.js';

/**
 * The key of `imports` for a component's import name: `wasi:io/streams@0.2.3` →
 * `wasi:io/streams`, for any 0.2.x version (and a name without a version), or null
 * for anything else (another major or minor version, a name that is not WASI's).
 */
export function interfaceKey(importName: string): string | null {
  const match = /^(wasi:[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*)(?:@0\.2\.\d+(?:-[0-9A-Za-z.-]+)?)?$/.exec(importName);
  return match === null ? null : match[1]!;
}

/** One WASI 0.2 environment for one program run; made by `createWasiP2Host`. */
export class WasiP2Host {
  /** The interfaces, keyed by name without version (see `interfaceKey`). */
  readonly imports: Readonly<Record<string, object>>;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Preopens as `[guestPath, absoluteHostPath]`, in the order `get-directories` lists them. */
  readonly preopens: readonly (readonly [string, string])[];
  /**
   * From the options (default true): whether the runner should return the code of
   * `exit`/`exit-with-code` (a `WasiExit` thrown through the guest) as a value, or let it through.
   */
  readonly returnOnExit: boolean;
  private readonly stdinChannel: InputChannel;
  private readonly stdoutChannel: OutputChannel;
  private readonly stderrChannel: OutputChannel;
  private readonly fs: FsContext;
  private disposed = false;

  /** @internal Use `createWasiP2Host`. */
  constructor(options: CheckedWasiOptions) {
    this.args = options.args;
    this.env = options.env;
    this.preopens = options.preopens;
    this.returnOnExit = options.returnOnExit;
    // Realtime minus monotonic, once: the wall clock then has nanosecond steps and never jumps within a run.
    const anchor = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
    this.stdinChannel = inputChannel(options.stdin, options.stdinWaitNotice);
    this.stdoutChannel = outputChannel(options.stdout, 1);
    this.stderrChannel = outputChannel(options.stderr, 2);
    this.fs = new FsContext(anchor);
    this.imports = {
      ...cliInterfaces({
        args: this.args,
        env: this.env,
        stdin: this.stdinChannel,
        stdout: this.stdoutChannel,
        stderr: this.stderrChannel,
      }),
      'wasi:io/error': { Error: IoError },
      'wasi:io/poll': { Pollable, poll },
      'wasi:io/streams': { InputStream, OutputStream },
      ...clockInterfaces(anchor),
      ...randomInterfaces(),
      ...filesystemInterfaces(this.fs, this.preopens),
      ...socketInterfaces(),
    };
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

  /**
   * The exit code a run ends with when `err` is what the guest's call threw: the
   * code of a `WasiExit`, or null for anything else (which the runner rethrows).
   */
  exitCodeOf(err: unknown): number | null {
    return err instanceof WasiExit ? err.exitCode : null;
  }

  /** Closes every host fd the host opened (preopens, files and directories the guest left open). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.fs.dispose();
    this.stdinChannel.close?.();
  }
}

/**
 * A WASI 0.2 host for one run, from the options `new Wasi(options)` takes.
 *
 * ```ts
 * const host = createWasiP2Host({ args: ['app'], preopens: { '/': dir }, stdout: 'pipe' });
 * // instantiate the component with host.imports, call wasi:cli/run.run, then:
 * host.dispose();
 * host.stdoutText;
 * ```
 *
 * Throws `ArgumentError` `ERR_INVALID_OPTION` on a bad option value and `WasiError`
 * `ERR_WASI_PREOPEN` naming a host path that is not a directory, as `Wasi` does.
 */
export function createWasiP2Host(options: WasiOptions = {}): WasiP2Host {
  return new WasiP2Host(checkWasiOptions(options, 'createWasiP2Host: options'));
}
