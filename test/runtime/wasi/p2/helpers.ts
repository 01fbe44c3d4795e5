// Typed views of the host's interfaces, called as component instantiation will call
// them: functions and class instances, ResultError thrown with the payload.
import { ResultError } from '../../../../src/runtime/errors.js';
import type { Datetime } from '../../../../src/runtime/wasi/p2/clocks.js';
import type { Descriptor, ErrorCode } from '../../../../src/runtime/wasi/p2/filesystem.js';
import type { WasiP2Host } from '../../../../src/runtime/wasi/p2/host.js';
import type { InputStream, IoError, OutputStream } from '../../../../src/runtime/wasi/p2/io-streams.js';
import type { Pollable } from '../../../../src/runtime/wasi/p2/poll.js';

export interface P2 {
  environment: { getEnvironment(): [string, string][]; getArguments(): string[]; initialCwd(): string | undefined };
  exit: { exit(status: { tag: 'ok' | 'err' }): never; exitWithCode(code: number): never };
  stdin: { getStdin(): InputStream };
  stdout: { getStdout(): OutputStream };
  stderr: { getStderr(): OutputStream };
  terminalStdin: { getTerminalStdin(): object | undefined };
  terminalStdout: { getTerminalStdout(): object | undefined };
  terminalStderr: { getTerminalStderr(): object | undefined };
  poll: { poll(list: Pollable[]): Uint32Array };
  monotonic: {
    now(): bigint;
    resolution(): bigint;
    subscribeInstant(when: bigint): Pollable;
    subscribeDuration(d: bigint): Pollable;
  };
  wall: { now(): Datetime; resolution(): Datetime };
  random: { getRandomBytes(len: bigint): Uint8Array; getRandomU64(): bigint };
  insecure: { getInsecureRandomBytes(len: bigint): Uint8Array; getInsecureRandomU64(): bigint };
  insecureSeed: { insecureSeed(): [bigint, bigint] };
  preopens: { getDirectories(): [Descriptor, string][] };
  types: { filesystemErrorCode(err: IoError): ErrorCode | undefined };
}

/** The host's interfaces under short names, typed for the tests. */
export function p2(host: WasiP2Host): P2 {
  const i = (name: string) => {
    const value = host.imports[name];
    if (value === undefined) throw new Error(`the host has no ${name}`);
    return value as never;
  };
  return {
    environment: i('wasi:cli/environment'),
    exit: i('wasi:cli/exit'),
    stdin: i('wasi:cli/stdin'),
    stdout: i('wasi:cli/stdout'),
    stderr: i('wasi:cli/stderr'),
    terminalStdin: i('wasi:cli/terminal-stdin'),
    terminalStdout: i('wasi:cli/terminal-stdout'),
    terminalStderr: i('wasi:cli/terminal-stderr'),
    poll: i('wasi:io/poll'),
    monotonic: i('wasi:clocks/monotonic-clock'),
    wall: i('wasi:clocks/wall-clock'),
    random: i('wasi:random/random'),
    insecure: i('wasi:random/insecure'),
    insecureSeed: i('wasi:random/insecure-seed'),
    preopens: i('wasi:filesystem/preopens'),
    types: i('wasi:filesystem/types'),
  };
}

/** The payload of the ResultError `call` throws; fails the test when it returns or throws anything else. */
export function errorOf(call: () => unknown): unknown {
  try {
    call();
  } catch (err) {
    if (err instanceof ResultError) return err.payload;
    throw err;
  }
  throw new Error('expected a ResultError, but the call returned');
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array): string => new TextDecoder().decode(b);
