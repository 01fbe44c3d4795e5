// What a plain `run` of a WASI program loads of Node's own modules. Under `run`'s
// V8 flags (--no-liftoff) Node compiles every built-in module it loads from source
// (their code cache is keyed by V8's flags), so node:crypto (twenty modules) waits
// for the first random_get (and with the native addon, which has getrandom, never
// loads), node:worker_threads for --timeout, node:tty for a
// character device, and node:fs/promises in the cache for a hit or a write.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeSectionSizeAt } from '../../src/runtime/engine/module-facts.js';
import { nativeAddon, nativeStatus } from '../../src/runtime/engine/native.js';
import { ENTRY_INLINING_MIN_CODE_BYTES } from '../../src/runtime/engine/tiering.js';
import { watToWasm } from '../../src/runtime/wat.js';
import { SKIP_IN_EXE } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WATCHED = ['crypto', 'worker_threads', 'tty', 'v8'];

/** Prints, at exit, which of the watched built-in modules the process loaded (Node's own list). */
const PROBE = `data:text/javascript,${encodeURIComponent(
  `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (${WATCHED.join('|')}|fs)$/.test(m)).map((m) => m.slice(13))) + '\\n'));`,
)}`;

/** A WASI command writing "hi\n"; with `random`, it first asks for 16 random bytes. */
function program(random: boolean): string {
  return `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "hi\\n")
  (func (export "_start")
    ${random ? '(drop (call $random_get (i32.const 128) (i32.const 16)))' : ''}
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-startup-modules-'));
  writeFileSync(path.join(dir, 'plain.wat'), program(false));
  writeFileSync(path.join(dir, 'random.wat'), program(true));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(
  args: readonly string[],
  stdin: 'pipe' | number = 'pipe',
  nodeFlags: readonly string[] = [],
  env: Record<string, string> = {},
): { stdout: string; status: number | null; loaded: string[] } {
  const entry = path.join(ROOT, 'bin/wasmer-ts.js');
  const r = spawnSync(process.execPath, [...nodeFlags, '--import', PROBE, entry, 'run', ...args], {
    cwd: dir,
    encoding: 'utf8',
    stdio: [stdin, 'pipe', 'pipe'],
    env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache'), ...env },
  });
  const line = /^LOADED (.*)$/m.exec(r.stderr);
  expect(line, r.stderr).not.toBeNull();
  return { stdout: r.stdout, status: r.status, loaded: JSON.parse(line?.[1] ?? '[]') as string[] };
}

describe.skipIf(SKIP_IN_EXE)(
  'the built-in modules a WASI run loads (the npm package: the executable is a snapshot)',
  () => {
    it.each([
      ['without the cache', ['--no-cache', 'plain.wat']],
      ['with a cache lookup', ['plain.wat']],
    ])('neither node:crypto nor node:worker_threads for a program that asks for no random bytes, %s', (_how, args) => {
      const r = run(args);
      expect(r.stdout).toBe('hi\n');
      expect(r.status).toBe(0);
      // node:fs proves the probe sees what the process loads.
      expect(r.loaded).toEqual(['fs']);
    });

    it.runIf(process.platform === 'linux')(
      'no node:tty for stdin from /dev/null, a character device that is no terminal (Linux)',
      () => {
        const devNull = openSync('/dev/null', 'r');
        try {
          const r = run(['--no-cache', 'plain.wat'], devNull);
          expect(r.stdout).toBe('hi\n');
          expect(r.loaded).toEqual(['fs']);
        } finally {
          closeSync(devNull);
        }
      },
    );

    it('node:crypto at the first random_get without the native addon, and the program still gets its bytes', () => {
      const r = run(['--no-cache', 'random.wat'], 'pipe', [], { WASMER_TS_NATIVE: '0' });
      expect(r.stdout).toBe('hi\n');
      expect(r.status).toBe(0);
      expect(r.loaded).toEqual(expect.arrayContaining(['fs', 'crypto']));
      expect(r.loaded).not.toContain('worker_threads');
    });

    // The addon's getrandom(2) serves random_get, as libuv's does node:wasi's.
    it.runIf(nativeAddon()?.randomFill !== undefined)(
      'no node:crypto for a random_get with the native addon (needs the addon)',
      () => {
        const r = run(['--no-cache', 'random.wat']);
        expect(r.stdout).toBe('hi\n');
        expect(r.status).toBe(0);
        expect(r.loaded).toEqual(['fs']);
      },
    );

    // On V8 11 the CLI turns Wasm inlining on before it compiles a module with code enough
    // (commands/input.ts). node:v8, which does it too, costs 11 ms under --no-liftoff.
    it.runIf(process.versions.v8.startsWith('11.') && nativeAddon()?.setV8Flags !== undefined)(
      'no node:v8 when the CLI turns Wasm inlining on, and the inlining happens (V8 11 only; needs the addon)',
      async () => {
        // A hot loop calling a small function, with code enough for the CLI's inlining; a
        // binary, so that no Wasm of ours (the text converter) is compiled and traced first.
        const filler = Array.from({ length: 300 }, (_, i) => `(func (result i64) i64.const ${1e12 + i})`).join('\n');
        const text = `(module
  (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "loop") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (call $add (local.get $s) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  ${filler})`;
        const binary = await watToWasm(text);
        const code = codeSectionSizeAt((at, length) => binary.subarray(at, at + length), binary.byteLength);
        expect(code).toBeGreaterThan(ENTRY_INLINING_MIN_CODE_BYTES);
        writeFileSync(path.join(dir, 'inline.wasm'), binary);
        const args = ['--no-cache', 'inline.wasm', '--invoke', 'loop', '100'];
        const r = run(args, 'pipe', ['--no-liftoff', '--trace-wasm-inlining']);
        expect(r.stdout).toContain('5050');
        expect(r.loaded).not.toContain('v8');
        // V8 traces to stdout.
        expect(r.stdout).toMatch(/considering candidate .*: inlining!/);
        // Without the addon node:v8 does it: the probe sees node:v8 when it is loaded.
        const fallback = run(args, 'pipe', ['--no-liftoff', '--trace-wasm-inlining'], { WASMER_TS_NATIVE: '0' });
        expect(fallback.stdout).toContain('5050');
        expect(fallback.loaded).toContain('v8');
      },
    );

    it('node:worker_threads with --timeout', () => {
      const r = run(['--no-cache', '--timeout', '20s', 'plain.wat']);
      expect(r.stdout).toBe('hi\n');
      expect(r.loaded).toContain('worker_threads');
    });
  },
);

/** Node's own modules loaded by `node [-r probe] ARGS`, as Node lists them at exit. */
function builtinsOf(args: readonly string[], env: Record<string, string> = {}): string[] {
  const probe = path.join(dir, 'probe.cjs');
  writeFileSync(
    probe,
    "process.on('exit', () => require('node:fs').writeSync(2, 'BUILTINS ' + JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13))) + '\\n'));",
  );
  const r = spawnSync(process.execPath, ['-r', probe, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache'), ...env },
  });
  const line = /^BUILTINS (.*)$/m.exec(r.stderr);
  expect(line, r.stderr).not.toBeNull();
  return JSON.parse(line?.[1] ?? '[]') as string[];
}

describe.skipIf(SKIP_IN_EXE)('the built-in modules `run --invoke` loads (the npm package)', () => {
  /** Whether `run --invoke` with `env` mapped the native addon by its exit (Linux: /proc/self/maps). */
  const mapsAddon = (env: Record<string, string>): boolean => {
    const probe = path.join(dir, 'maps.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => require('node:fs').writeSync(2, 'ADDON ' + require('node:fs').readFileSync('/proc/self/maps', 'utf8').includes('wasmer_ts_native') + '\\n'));",
    );
    const args = [path.join(ROOT, 'bin/wasmer-ts.js'), 'run', 'fixtures/simple.wasm', '--invoke', 'sum', '5', '37'];
    const r = spawnSync(process.execPath, ['-r', probe, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache'), ...env },
    });
    expect(r.stdout).toBe('42\n');
    const mapped = /^ADDON (true|false)$/m.exec(r.stderr)?.[1];
    expect(mapped, r.stderr).toBeDefined();
    return mapped === 'true';
  };

  // The bundle loader sums its code cache with the addon's checksum32 (0.3 ms to load it,
  // where the same sum in JavaScript took 1.7-3.4 ms of every start); with it off, nothing maps it.
  it.runIf(process.platform === 'linux' && nativeStatus().available)(
    'the native addon, for the code cache’s checksum, once the cache is written (Linux: /proc/self/maps; needs the addon)',
    () => {
      mapsAddon({});
      expect(mapsAddon({})).toBe(true);
    },
  );
  it.runIf(process.platform === 'linux')(
    'not the native addon with WASMER_TS_NATIVE=0, for a module with no cache entry (Linux: /proc/self/maps)',
    () => {
      mapsAddon({ WASMER_TS_NATIVE: '0' });
      expect(mapsAddon({ WASMER_TS_NATIVE: '0' })).toBe(false);
    },
  );

  // Output goes to the file descriptors (commands/print.ts), the entry and bundle are
  // CommonJS (no ESM loader), fs/promises and node:os wait for their first use, and the
  // bundle's code cache is the addon's compileFile (bin/bundle-loader.js), else node:vm's
  // Scripts (Node's own compile cache would load node:module), and node:module and node:url
  // load on first use (bin/bundle-loader.js, src/runtime/builtin.ts).
  const args = [path.join(ROOT, 'bin/wasmer-ts.js'), 'run', 'fixtures/simple.wasm', '--invoke', 'sum', '5', '37'];
  // The baseline is an empty script, which loads less than `node -e 0` (node:module, the ESM
  // loader): node:module, loaded by the bundle's top, once took 0.7 ms of every start (Node 20).
  const emptyScript = () => {
    const file = path.join(dir, 'empty.cjs');
    writeFileSync(file, '');
    return new Set(builtinsOf([file]));
  };
  it.runIf(nativeStatus().available)(
    'nothing beyond what an empty script loads, twice (the code cache cold, then warm; needs the addon)',
    () => {
      const base = emptyScript();
      expect(base.has('fs')).toBe(true);
      for (let round = 0; round < 2; round++) expect(builtinsOf(args).filter((m) => !base.has(m))).toEqual([]);
    },
  );
  it('only vm without the addon (WASMER_TS_NATIVE=0), twice', () => {
    const base = emptyScript();
    const env = { WASMER_TS_NATIVE: '0' };
    for (let round = 0; round < 2; round++) expect(builtinsOf(args, env).filter((m) => !base.has(m))).toEqual(['vm']);
  });
});
