// Helpers for the CLI tests: run the built `bin/wasmer-ts.js` as a subprocess,
// and build the .wat fixtures of test/cli/fixtures.ts into a temp directory.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeU32 } from '../../src/runtime/parser/rewrite.js';
import { wat } from '../helpers/wat.js';
import { CLI_FIXTURES } from './fixtures.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin/wasmer-ts.js');

/**
 * PATH with this test run's Node first: BIN is started as users start it (its
 * launcher picks V8's flags, then execs `node`), and that `node` must be the
 * one under test when CI runs the suite on several Nodes.
 */
export function pathWithThisNode(path = process.env.PATH ?? ''): string {
  return `${dirname(process.execPath)}${delimiter}${path}`;
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
}

/**
 * The machine-code cache of the CLI under test, never the user's ~/.cache: an
 * empty one per call. `run`/`call` fill the cache only after a run of 50 ms or
 * more (MIN_RUN_MS), which on a loaded machine even a tiny module reaches (and
 * running a compiled artifact stores its code for the Wasm). With one cache per
 * file, whether a test read an entry some other test had left then depended on
 * load and order; now every call starts from the same empty cache.
 */
const CACHE_HOME = mkdtempSync(join(tmpdir(), 'wasmer-ts-cli-cache-'));
process.once('exit', () => rmSync(CACHE_HOME, { recursive: true, force: true }));

/** Runs `wasmer-ts ARGS...` and collects its exit code, stdout and stderr. */
export function cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'FORCE_COLOR' && k !== 'NO_COLOR') env[k] = v;
  }
  env.XDG_CACHE_HOME = mkdtempSync(join(CACHE_HOME, 'call-'));
  env.PATH = pathWithThisNode(env.PATH);
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd: options.cwd ?? ROOT, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
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

/** Appends a custom section (id 0) named `name` with `payload` to a module. */
export function withCustomSection(module: Uint8Array, name: string, payload: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const content = [...encodeU32(nameBytes.length), ...nameBytes, ...payload];
  return Uint8Array.from([...module, 0, ...encodeU32(content.length), ...content]);
}

/** True when `command --version` runs (Debian's wabt, clang...). */
export function hasTool(command: string): boolean {
  return spawnSync(command, ['--version']).status === 0;
}
