import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArgumentError, WasiError, WasiExit } from '../../../../src/runtime/errors.js';
import { createWasiP2Host, interfaceKey, type WasiP2Host } from '../../../../src/runtime/wasi/p2/host.js';
import { errorOf, p2, str, text } from './helpers.js';

let dir: string;
const hosts: WasiP2Host[] = [];
const make = (...args: Parameters<typeof createWasiP2Host>) => {
  const host = createWasiP2Host(...args);
  hosts.push(host);
  return host;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-p2-cli-'));
});
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** What `call` throws, as a WasiExit's exit code. */
function exitCode(call: () => unknown): number {
  try {
    call();
  } catch (err) {
    if (err instanceof WasiExit) return err.exitCode;
    throw err;
  }
  throw new Error('expected a WasiExit');
}

describe('wasi:cli/environment', () => {
  it('gives the arguments and variables of the options, and nothing of the host by default', () => {
    const { environment } = p2(make({ args: ['app', 'x y', ''], env: { A: '1', EMPTY: '', 'B.C': 'é=ü' } }));
    expect(environment.getArguments()).toEqual(['app', 'x y', '']);
    expect(environment.getEnvironment()).toEqual([
      ['A', '1'],
      ['EMPTY', ''],
      ['B.C', 'é=ü'],
    ]);
    expect(environment.initialCwd()).toBeUndefined();
    const bare = p2(make());
    expect(bare.environment.getArguments()).toEqual([]);
    expect(bare.environment.getEnvironment()).toEqual([]);
    expect(bare.preopens.getDirectories()).toEqual([]);
  });

  it('hands out copies: a caller changing a list does not change the next answer', () => {
    const { environment } = p2(make({ args: ['a'], env: { K: 'v' } }));
    environment.getArguments().push('b');
    environment.getEnvironment()[0]![1] = 'changed';
    expect(environment.getArguments()).toEqual(['a']);
    expect(environment.getEnvironment()).toEqual([['K', 'v']]);
  });

  it('checks the options as Wasi does, with typed errors', () => {
    expect(() => make({ env: 5 as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => make({ env: { 'A=B': 'x' } })).toThrow(ArgumentError);
    expect(() => make({ args: ['ok', 3 as never] })).toThrow(/createWasiP2Host: options\.args/);
    expect(() => make({ stdout: 'loud' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    let error: unknown;
    try {
      make({ preopens: { '/': join(dir, 'missing') } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WasiError);
    expect((error as WasiError).code).toBe('ERR_WASI_PREOPEN');
  });
});

describe('wasi:cli/exit', () => {
  it('throws WasiExit: exit(ok) is 0, exit(err) is 1, exit-with-code is its code', () => {
    const host = make();
    const { exit } = p2(host);
    expect(exitCode(() => exit.exit({ tag: 'ok' }))).toBe(0);
    expect(exitCode(() => exit.exit({ tag: 'err' }))).toBe(1);
    expect(exitCode(() => exit.exitWithCode(33))).toBe(33);
    expect(exitCode(() => exit.exitWithCode(255))).toBe(255);
    let thrown: unknown;
    try {
      exit.exitWithCode(7);
    } catch (err) {
      thrown = err;
    }
    expect(host.exitCodeOf(thrown)).toBe(7);
    expect(host.exitCodeOf(new Error('x'))).toBeNull();
    expect(host.returnOnExit).toBe(true);
    expect(make({ returnOnExit: false }).returnOnExit).toBe(false);
  });
});

describe('wasi:cli/stdin, stdout, stderr', () => {
  it('captures stdout and stderr with pipe', () => {
    const host = make({ stdout: 'pipe', stderr: 'pipe' });
    const { stdout, stderr } = p2(host);
    const out = stdout.getStdout();
    expect(out.checkWrite()).toBeGreaterThan(0n);
    out.write(text('hello '));
    out.blockingWriteAndFlush(text('world\n'));
    out.blockingFlush();
    stderr.getStderr().blockingWriteAndFlush(text('oops'));
    expect(host.stdoutText).toBe('hello world\n');
    expect(host.stderrText).toBe('oops');
    expect(str(host.stdout)).toBe('hello world\n');
  });

  it('gives a callback each write as a copy, and writes { fd } to that host fd', () => {
    const chunks: Uint8Array[] = [];
    const path = join(dir, 'out.txt');
    const fd = openSync(path, 'w');
    try {
      const host = make({ stdout: (c) => chunks.push(c), stderr: { fd } });
      const { stdout, stderr } = p2(host);
      const bytes = text('abc');
      stdout.getStdout().blockingWriteAndFlush(bytes);
      bytes[0] = 0x7a;
      stderr.getStderr().blockingWriteAndFlush(text('to the file'));
      expect(chunks.map(str)).toEqual(['abc']);
      expect(host.stdout.length).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(path, 'utf8')).toBe('to the file');
  });

  it('drops output with ignore, and every get-stdout is a stream of its own over one channel', () => {
    const host = make({ stdout: 'pipe', stderr: 'ignore' });
    const { stdout, stderr } = p2(host);
    const a = stdout.getStdout();
    const b = stdout.getStdout();
    expect(a).not.toBe(b);
    a.blockingWriteAndFlush(text('1'));
    a[Symbol.dispose]();
    b.blockingWriteAndFlush(text('2'));
    stderr.getStderr().blockingWriteAndFlush(text('gone'));
    expect(host.stdoutText).toBe('12');
    expect(host.stderr.length).toBe(0);
  });

  it('reads stdin from a string to its end, then says closed', () => {
    const { stdin } = p2(make({ stdin: 'line one\nline two\n' }));
    const input = stdin.getStdin();
    expect(str(input.blockingRead(9n))).toBe('line one\n');
    expect(str(input.read(100n))).toBe('line two\n');
    expect(errorOf(() => input.read(1n))).toEqual({ tag: 'closed' });
    expect(errorOf(() => input.blockingRead(1n))).toEqual({ tag: 'closed' });
  });

  it('gives an ignored stdin as closed at once', () => {
    const { stdin } = p2(make({ stdin: 'ignore' }));
    expect(errorOf(() => stdin.getStdin().blockingRead(10n))).toEqual({ tag: 'closed' });
  });
});

/** The host as built in dist/ (the suite's global setup builds it), for a child process. */
const DIST_HOST = fileURLToPath(new URL('../../../../dist/runtime/wasi/p2/host.js', import.meta.url));
const SCRIPT = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));

describe('wasi:cli/terminal-*', () => {
  // util-linux's script(1) runs a child on a fresh pseudo-terminal: its stdin, stdout and stderr are one.
  it.skipIf(SCRIPT === undefined || process.platform !== 'linux')(
    'gives a terminal for each inherited stream that is one',
    () => {
      const probe = join(dir, 'probe.mjs');
      writeFileSync(
        probe,
        `const { createWasiP2Host } = await import(process.argv[2]);
const i = createWasiP2Host().imports;
const name = (t) => t?.constructor.name ?? null;
console.log('RESULT' + JSON.stringify([name(i['wasi:cli/terminal-stdin'].getTerminalStdin()),
  name(i['wasi:cli/terminal-stdout'].getTerminalStdout()), name(i['wasi:cli/terminal-stderr'].getTerminalStderr())]));
process.exit(0);
`,
      );
      const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
      const command = [process.execPath, probe, DIST_HOST].map(quote).join(' ');
      const onTerminal = execFileSync(SCRIPT!, ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
      expect(/RESULT(.*)/.exec(onTerminal.toString())?.[1]?.trim()).toBe(
        '["TerminalInput","TerminalOutput","TerminalOutput"]',
      );
      // The same probe with its streams on pipes and /dev/null: no terminal.
      const piped = execFileSync(process.execPath, [probe, DIST_HOST], { stdio: ['ignore', 'pipe', 'pipe'] });
      expect(/RESULT(.*)/.exec(piped.toString())?.[1]?.trim()).toBe('[null,null,null]');
    },
  );

  it('gives no terminal for captured, ignored, given or file streams', () => {
    const fd = openSync(join(dir, 'f'), 'w');
    try {
      const t = p2(make({ stdin: 'x', stdout: 'pipe', stderr: { fd } }));
      expect(t.terminalStdin.getTerminalStdin()).toBeUndefined();
      expect(t.terminalStdout.getTerminalStdout()).toBeUndefined();
      expect(t.terminalStderr.getTerminalStderr()).toBeUndefined();
      const u = p2(make({ stdin: 'ignore', stdout: 'ignore', stderr: (): void => {} }));
      expect(u.terminalStdin.getTerminalStdin()).toBeUndefined();
      expect(u.terminalStdout.getTerminalStdout()).toBeUndefined();
      expect(u.terminalStderr.getTerminalStderr()).toBeUndefined();
    } finally {
      closeSync(fd);
    }
  });
});

describe('the import object', () => {
  it('has every interface of wasi:cli/imports, keyed without version', () => {
    expect(Object.keys(make().imports).sort()).toEqual([
      'wasi:cli/environment',
      'wasi:cli/exit',
      'wasi:cli/stderr',
      'wasi:cli/stdin',
      'wasi:cli/stdout',
      'wasi:cli/terminal-input',
      'wasi:cli/terminal-output',
      'wasi:cli/terminal-stderr',
      'wasi:cli/terminal-stdin',
      'wasi:cli/terminal-stdout',
      'wasi:clocks/monotonic-clock',
      'wasi:clocks/wall-clock',
      'wasi:filesystem/preopens',
      'wasi:filesystem/types',
      'wasi:io/error',
      'wasi:io/poll',
      'wasi:io/streams',
      'wasi:random/insecure',
      'wasi:random/insecure-seed',
      'wasi:random/random',
      'wasi:sockets/instance-network',
      'wasi:sockets/ip-name-lookup',
      'wasi:sockets/network',
      'wasi:sockets/tcp',
      'wasi:sockets/tcp-create-socket',
      'wasi:sockets/udp',
      'wasi:sockets/udp-create-socket',
    ]);
  });

  it('maps every 0.2.x import name to its key, and nothing else', () => {
    expect(interfaceKey('wasi:io/streams@0.2.0')).toBe('wasi:io/streams');
    expect(interfaceKey('wasi:cli/terminal-stdout@0.2.12')).toBe('wasi:cli/terminal-stdout');
    expect(interfaceKey('wasi:filesystem/types@0.2.3-rc-2023-12-05')).toBe('wasi:filesystem/types');
    expect(interfaceKey('wasi:io/streams')).toBe('wasi:io/streams');
    expect(interfaceKey('wasi:io/streams@0.3.0')).toBeNull();
    expect(interfaceKey('wasi:io/streams@1.2.0')).toBeNull();
    expect(interfaceKey('wasi:io/streams@0.20.1')).toBeNull();
    expect(interfaceKey('acme:io/streams@0.2.0')).toBeNull();
    expect(interfaceKey('wasi:io')).toBeNull();
  });
});
