// Helpers for the CLI tests: run the built `bin/wasmer-ts.js` as a subprocess,
// and build the .wat fixtures of test/cli/fixtures.ts into a temp directory.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wat } from '../helpers/wat.js';
import { CLI_FIXTURES } from './fixtures.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The standalone executable under test, or null for the npm package's
 * bin/wasmer-ts.js. `WASMER_TS_CLI=build/wasmer-ts npx vitest run test/cli` runs
 * the CLI suite against the executable (CI does, after `npm run build:exe`); the
 * tests of what only the npm package has (its launcher, its modules) are skipped there.
 */
export const EXE = process.env.WASMER_TS_CLI ? resolve(ROOT, process.env.WASMER_TS_CLI) : null;
export const BIN = EXE ?? join(ROOT, 'bin/wasmer-ts.js');
export const SKIP_IN_EXE = EXE !== null;

/** The V8 major of each Node line we support: the executable can print its Node's version, not V8's. */
const V8_MAJOR_OF_NODE: Readonly<Record<number, number>> = { 20: 11, 22: 12, 24: 13, 26: 14 };

/** The Node that runs the CLI under test, and its V8's major: this test run's, or the executable's own. */
export const CLI_NODE: { readonly node: string; readonly v8Major: number } = (() => {
  if (EXE === null) return { node: process.versions.node, v8Major: Number.parseInt(process.versions.v8, 10) };
  const node = spawnSync(EXE, ['--node-options=--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
  const v8Major = V8_MAJOR_OF_NODE[Number.parseInt(node, 10)];
  if (v8Major === undefined) throw new Error(`${EXE} runs Node ${node}, which these tests do not know`);
  return { node, v8Major };
})();

/**
 * The command and arguments that run `wasmer-ts ARGS...` without the launcher:
 * `node [NODE_FLAGS] bin/wasmer-ts.js ARGS...` with this test run's Node, or the
 * executable (its Node flags in `--node-options=`).
 */
export function direct(args: readonly string[], nodeFlags: readonly string[] = []): [string, string[]] {
  if (EXE === null) return [process.execPath, [...nodeFlags, BIN, ...args]];
  return [EXE, [...(nodeFlags.length === 0 ? [] : [`--node-options=${nodeFlags.join(' ')}`]), ...args]];
}

/**
 * PATH with this test run's Node first: BIN is started as users start it (its
 * launcher picks V8's flags, then execs `node`), and that `node` must be the
 * one under test when CI runs the suite on several Nodes.
 */
export function pathWithThisNode(path = process.env.PATH ?? ''): string {
  if (EXE !== null) return `${NO_NODE}${delimiter}${path}`;
  return `${dirname(process.execPath)}${delimiter}${path}`;
}

/**
 * For the executable: a directory whose `node` fails loudly (exit 97), first on
 * PATH, so a test fails if the executable ever starts a Node from PATH instead
 * of itself. (.ci/run also runs it with no Node at all on PATH.)
 */
const NO_NODE = EXE === null ? '' : mkdtempSync(join(tmpdir(), 'wasmer-ts-no-node-'));
if (EXE !== null) {
  writeFileSync(join(NO_NODE, 'node'), '#!/bin/sh\necho "the standalone executable started node $*" >&2\nexit 97\n', {
    mode: 0o755,
  });
  process.once('exit', () => rmSync(NO_NODE, { recursive: true, force: true }));
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  /** Bytes or text for stdin; stdin is empty (not a TTY) otherwise. */
  readonly input?: string | Uint8Array;
  /** Added to the environment (which has FORCE_COLOR and NO_COLOR removed). */
  readonly env?: Readonly<Record<string, string>>;
  /** Run the CLI as this user (root only: see test/helpers/users.ts). */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** Kill the CLI after this long and fail (a hang would otherwise last until the test's timeout). */
  readonly timeoutMs?: number;
}

/**
 * The machine-code cache of the CLI under test, never the user's ~/.cache: an
 * empty one per call. `run`/`call` of a module with enough code fill the cache
 * after any run under --no-liftoff, and after a run of 50 ms or more (MIN_RUN_MS)
 * under V8's defaults, which on a loaded machine even a tiny module reaches (and
 * running a compiled artifact stores its code for the Wasm). With one cache per
 * file, whether a test read an entry some other test had left depended on load
 * and order; now every call starts from the same empty cache.
 */
const CACHE_HOME = mkdtempSync(join(tmpdir(), 'wasmer-ts-cli-cache-'));
process.once('exit', () => rmSync(CACHE_HOME, { recursive: true, force: true }));

function cliEnv(options: CliOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'FORCE_COLOR' && k !== 'NO_COLOR') env[k] = v;
  }
  env.XDG_CACHE_HOME = mkdtempSync(join(CACHE_HOME, 'call-'));
  env.PATH = pathWithThisNode(env.PATH);
  Object.assign(env, options.env);
  return env;
}

/** Runs `wasmer-ts ARGS...` and collects its exit code, stdout and stderr. */
export function cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env = cliEnv(options);
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd: options.cwd ?? ROOT, env, timeout: options.timeoutMs, ...options.user });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (options.timeoutMs !== undefined && signal !== null) {
        reject(
          new Error(`wasmer-ts ${args.join(' ')} did not finish in ${options.timeoutMs} ms (killed by ${signal})`),
        );
      }
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Opens a pseudo-terminal (python3's pty module), runs the command with its
 * stderr on the terminal side (in raw mode: no \r added), stdout on a pipe and
 * stdin empty, and prints `{ code, stdout, stderr }` as JSON.
 */
const ON_TERMINAL = `
import json, os, subprocess, sys, threading, tty
master, slave = os.openpty()
tty.setraw(slave)
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
os.close(slave)
out = []
reader = threading.Thread(target=lambda: out.append(child.stdout.read()))
reader.start()
err = b''
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: every copy of the terminal side is closed
        break
    if not chunk:
        break
    err += chunk
code = child.wait()
reader.join()
print(json.dumps({'code': code, 'stdout': out[0].decode('utf-8', 'replace'), 'stderr': err.decode('utf-8', 'replace')}))
`;

/** True when python3 can open a pseudo-terminal for `cliOnTerminal`. */
export const HAS_PTY = spawnSync('python3', ['-c', 'import os, pty; os.close(os.openpty()[0])']).status === 0;

/** Runs `wasmer-ts ARGS...` as `cli` does, but with stderr on a real pseudo-terminal (`isTTY` is true there). */
export function cliOnTerminal(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', ON_TERMINAL, ...direct(args).flat()], {
      cwd: options.cwd ?? ROOT,
      env: cliEnv(options),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('utf8');
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as CliResult);
      else reject(new Error(`the pty runner failed (${code}): ${err}`));
    });
  });
}

/** A temp directory holding every fixture of test/cli/fixtures.ts as NAME.wat and NAME.wasm. */
export async function fixtureDir(): Promise<{ dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-cli-'));
  await Promise.all(
    Object.entries(CLI_FIXTURES).map(async ([name, text]) => {
      writeFileSync(join(dir, `${name}.wat`), text);
      writeFileSync(join(dir, `${name}.wasm`), await wat(text));
    }),
  );
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** True when `command --version` runs (Debian's wabt, clang...). */
export function hasTool(command: string): boolean {
  return spawnSync(command, ['--version']).status === 0;
}

/**
 * test/cli/echo.c (prints its arguments, its variables and a file) built for
 * wasm32-wasi with Debian's clang and wasi-libc, or null when they are missing.
 */
/** fixtureDir() plus echo.wasm (buildEcho's program that prints its argv), when there is one. */
export async function echoFixtureDir(echo: Uint8Array | null): Promise<{ dir: string; cleanup: () => void }> {
  const made = await fixtureDir();
  if (echo !== null) writeFileSync(join(made.dir, 'echo.wasm'), echo);
  return made;
}

export function buildEcho(): Uint8Array | null {
  if (!hasTool('clang')) return null;
  const out = join(mkdtempSync(join(tmpdir(), 'wasmer-ts-echo-')), 'echo.wasm');
  try {
    const source = fileURLToPath(new URL('./echo.c', import.meta.url));
    execFileSync('clang', ['--target=wasm32-wasi', '-O2', source, '-o', out], { stdio: 'ignore' });
    return readFileSync(out);
  } catch {
    return null; // no wasi-libc sysroot
  } finally {
    rmSync(dirname(out), { recursive: true, force: true });
  }
}
