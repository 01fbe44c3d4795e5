// Runs code that loads machine code in a CHILD process: a bad payload that got
// past our checks could crash the process, and that must fail the test, not
// take vitest down. Children import the built library (dist/), as users do;
// test/global-setup.ts rebuilds dist/ when it is older than src/.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { artifactFromModule, serializeMachineCode } from '../../../src/runtime/engine/machine-code.js';
import { nativeStatus } from '../../../src/runtime/engine/native.js';
import { isCodegenFlag } from '../../../src/runtime/engine/tiering.js';
import { waitUntil } from '../../helpers/poll.js';

export const DIST = fileURLToPath(new URL('../../../dist/runtime/', import.meta.url));

/**
 * Waits until V8 has TurboFan code for `module` (compiled from `wasm`) to
 * serialize, so a test of the cache's fill does not race V8's tier-up. V8 only
 * decides to tier a hot function up during the calls; the TurboFan compile
 * itself runs on a background thread and its code is published whenever that
 * thread gets a core: on a loaded 2-core CI box, seconds later. Returns
 * without waiting when the addon is unavailable; throws after `timeoutMs`.
 */
export async function waitForTurboFanCode(
  module: WebAssembly.Module,
  wasm: Uint8Array,
  timeoutMs = 20_000,
): Promise<void> {
  if (!nativeStatus().available) return;
  if (!(await waitUntil(() => (serializeMachineCode(module, wasm)?.length ?? 0) > 0, { timeoutMs }))) {
    throw new Error(`V8 had no TurboFan code for the module after ${timeoutMs} ms`);
  }
}

/**
 * An artifact of KERNEL_WAT-like `wasm` (exporting `work(n)`) with the machine code
 * this process tiered up: it loads here, where an eager compileOptimized artifact
 * would not (its code carries the eager flags: tiering.ts).
 */
export async function tieredArtifact(wasm: Uint8Array): Promise<Uint8Array> {
  const module = await WebAssembly.compile(wasm);
  const { work } = new WebAssembly.Instance(module, {}).exports as { work: (n: number) => number };
  for (let i = 0; i < 300; i++) work(20_000);
  await waitForTurboFanCode(module, wasm);
  return artifactFromModule(module, wasm);
}

export interface ChildResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * This worker's V8 codegen flags (`--liftoff`, `--no-wasm-...`), which every
 * child gets too, as wasmer-ts's own compile child does: the engine fingerprint
 * includes them, so an artifact made in this worker is for the same engine as
 * the child that loads it, whatever flags vitest was given (`--execArgv`).
 */
export const CODEGEN_ARGS: readonly string[] = process.execArgv.filter(isCodegenFlag);

/**
 * Runs `script` (an ES module body; `DIST` is defined as the dist/runtime/ URL
 * prefix) in a fresh node (`options.node`, else this one) with `args` as
 * process.argv[1..], under this worker's codegen flags plus `options.execArgv`.
 */
export function runChild(
  script: string,
  args: readonly string[] = [],
  options: { env?: Record<string, string>; execArgv?: readonly string[]; node?: string } = {},
): Promise<ChildResult> {
  const body = `const DIST = ${JSON.stringify(new URL(`file://${DIST}`).href)};\n${script}`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      options.node ?? process.execPath,
      [...CODEGEN_ARGS, ...(options.execArgv ?? []), '--input-type=module', '-e', body, ...args],
      {
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** A compute-heavy module (FNV-style mixing in a loop) whose result depends on every instruction. */
/**
 * `wat` (a module's text) with one more function, never called, of about 20 KiB
 * of code: the cache skips modules with less code than MIN_CODE_BYTES (4 KiB),
 * which V8 compiles faster than an entry loads, and these tests are about the cache.
 */
export function padded(wat: string): string {
  const body = '(drop (i32.add (i32.const 1) (i32.const 2)))'.repeat(3500);
  return `${wat.slice(0, wat.lastIndexOf(')'))}\n  (func $padding ${body}))`;
}

export const KERNEL_WAT = padded(`(module
  (func $mix (param $h i32) (param $x i32) (result i32)
    (i32.mul (i32.xor (local.get $h) (local.get $x)) (i32.const 16777619)))
  (func (export "work") (param $n i32) (result i32)
    (local $i i32) (local $h i32) (local $a i32) (local $b i32)
    (local.set $h (i32.const -2128831035))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $a (i32.add (i32.mul (local.get $i) (i32.const 1664525)) (i32.const 1013904223)))
      (local.set $b (i32.rotl (local.get $a) (i32.and (local.get $i) (i32.const 31))))
      (local.set $h (call $mix (local.get $h) (i32.xor (local.get $a) (local.get $b))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $h))
  (func (export "twice") (param $x i32) (result i32) (i32.shl (local.get $x) (i32.const 1))))`);

/** The same exports computing something else: pairing its code with KERNEL_WAT's must never run. */
export const OTHER_WAT = padded(`(module
  (func (export "work") (param $n i32) (result i32)
    (i32.add (i32.mul (local.get $n) (i32.const 3)) (i32.const 7)))
  (func (export "twice") (param $x i32) (result i32) (i32.mul (local.get $x) (i32.const 3))))`);

/** What KERNEL_WAT's work(n) returns, computed in JS. */
export function kernelWork(n: number): number {
  let h = -2128831035 | 0;
  for (let i = 0; i < n; i++) {
    const a = (Math.imul(i, 1664525) + 1013904223) | 0;
    const s = i & 31;
    const b = s === 0 ? a : (a << s) | (a >>> (32 - s)) | 0;
    h = Math.imul(h ^ (a ^ b), 16777619);
  }
  return h;
}
