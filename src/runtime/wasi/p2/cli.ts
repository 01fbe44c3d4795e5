/**
 * `wasi:cli`: environment, exit, stdin/stdout/stderr and the terminal interfaces,
 * over the same stdio channels as preview1 (stdio.ts). Only what the options give
 * reaches the guest: no variable, argument or working directory of the host's.
 */
import { WasiExit } from '../../errors.js';
import { FILETYPE } from '../constants.js';
import { type InputChannel, isTerminal, type OutputChannel } from '../stdio.js';
import { type ByteSink, type ByteSource, InputStream, OutputStream } from './io-streams.js';
import type { PollSource } from './poll.js';

/** `terminal-input` (wasi:cli/terminal-input): a resource without methods, given only for a real terminal. */
export class TerminalInput {}

/** `terminal-output` (wasi:cli/terminal-output). */
export class TerminalOutput {}

export interface CliConfig {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: InputChannel;
  readonly stdout: OutputChannel;
  readonly stderr: OutputChannel;
}

/** Whether a channel is the host's terminal (a captured, given or ignored stream never is). */
function onTerminal(channel: InputChannel | OutputChannel): boolean {
  return channel.hostFd !== null && channel.filetype === FILETYPE.CHARACTER_DEVICE && isTerminal(channel.hostFd);
}

/** The stdin channel as a byte source; its readiness is the channel's `poll` (always ready without one). */
function stdinSource(channel: InputChannel): ByteSource {
  const poll: PollSource = {
    ready: channel.poll === undefined ? () => true : () => channel.poll!() !== null,
    deadline: null,
  };
  return { read: (buffer, length) => channel.read(buffer, 0, length), poll };
}

/** The `wasi:cli/*` interfaces. Each `get-std*` call returns a new stream over the one channel. */
export function cliInterfaces(config: CliConfig): Record<string, object> {
  const environment = Object.entries(config.env).map(([k, v]) => [k, v] as [string, string]);
  const args = [...config.args];
  const stdin = stdinSource(config.stdin);
  const stdout: ByteSink = { write: (b, o, n) => config.stdout.write(b, o, n) };
  const stderr: ByteSink = { write: (b, o, n) => config.stderr.write(b, o, n) };
  // Asked once: a terminal stays one for the run, and node:tty is loaded only for character devices.
  const terminals = {
    stdin: onTerminal(config.stdin),
    stdout: onTerminal(config.stdout),
    stderr: onTerminal(config.stderr),
  };
  return {
    'wasi:cli/environment': {
      /** `get-environment -> list<tuple<string, string>>`: a fresh copy each call. */
      getEnvironment: (): [string, string][] => environment.map(([k, v]) => [k, v]),
      /** `get-arguments -> list<string>`, argv[0] included. */
      getArguments: (): string[] => [...args],
      /** `initial-cwd -> option<string>`: none; the host's working directory is not the guest's business. */
      initialCwd: (): string | undefined => undefined,
    },
    'wasi:cli/exit': {
      /** `exit(status: result)`: ok is exit code 0, err 1. Throws `WasiExit` through the guest. */
      exit: (status: { readonly tag: 'ok' | 'err' }): never => {
        throw new WasiExit(status.tag === 'ok' ? 0 : 1);
      },
      /** `exit-with-code(status-code: u8)`. */
      exitWithCode: (code: number): never => {
        throw new WasiExit(code & 0xff);
      },
    },
    'wasi:cli/stdin': { getStdin: () => new InputStream(stdin) },
    'wasi:cli/stdout': { getStdout: () => new OutputStream(stdout) },
    'wasi:cli/stderr': { getStderr: () => new OutputStream(stderr) },
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': {
      getTerminalStdin: (): TerminalInput | undefined => (terminals.stdin ? new TerminalInput() : undefined),
    },
    'wasi:cli/terminal-stdout': {
      getTerminalStdout: (): TerminalOutput | undefined => (terminals.stdout ? new TerminalOutput() : undefined),
    },
    'wasi:cli/terminal-stderr': {
      getTerminalStderr: (): TerminalOutput | undefined => (terminals.stderr ? new TerminalOutput() : undefined),
    },
  };
}
