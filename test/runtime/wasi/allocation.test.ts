// The preview1 host allocates nothing of ours per call on its paths that need nothing from
// Node (issue 10): checked as the component ABI's allocation test does, by counting V8's
// scavenges (--trace-gc) in a child process running the built dist/ over three rounds of
// 300,000 calls, the fewest in a round counting. fd_fdstat_get and fd_prestat_get are hot
// imports with their own wrapper, args_sizes_get goes through the shared wrapper of the cold
// ones, and random_get is served from a pool: none may show a scavenge (nor, with the native
// addon's getrandom, a random_get too big for the pool). clock_time_get, which
// gets a BigInt from process.hrtime.bigint() on every call (called four times an iteration
// here), must show some (so the count can tell them apart). A path_open makes a path string and
// its walk's: not nothing, but with the native addon no Stats object for its three stats
// (wasi/file-type.ts), which were 70% of it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { nativeStatus } from '../../../src/runtime/engine/native.js';
import { wat } from '../../helpers/wat.js';

const INDEX = fileURLToPath(new URL('../../../dist/runtime/index.js', import.meta.url));

/** One loop export per import: each calls it `n` times and sums the errnos (0 when all succeed). */
const GUEST = `(module
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "fdstat") (param $n i32) (result i32) (local $errs i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $errs (i32.add (local.get $errs) (call $fdstat (i32.const 1) (i32.const 64))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $errs))
  (func (export "prestat") (param $n i32) (result i32) (local $errs i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $errs (i32.add (local.get $errs) (call $prestat (i32.const 3) (i32.const 64))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $errs))
  (func (export "args") (param $n i32) (result i32) (local $errs i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $errs (i32.add (local.get $errs) (call $args (i32.const 64) (i32.const 68))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $errs))
  (func (export "random") (param $n i32) (result i32) (local $errs i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $errs (i32.add (local.get $errs) (call $random (i32.const 64) (i32.const 16))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $errs))
  (func (export "randomLarge") (param $n i32) (result i32) (local $errs i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $errs (i32.add (local.get $errs) (call $random (i32.const 1024) (i32.const 1024))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $errs))
  (func (export "clock") (param $n i32) (result i32) (local $errs i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $errs (i32.add (local.get $errs) (call $clock (i32.const 1) (i64.const 1) (i32.const 64))))
      (local.set $errs (i32.add (local.get $errs) (call $clock (i32.const 1) (i64.const 1) (i32.const 64))))
      (local.set $errs (i32.add (local.get $errs) (call $clock (i32.const 1) (i64.const 1) (i32.const 64))))
      (local.set $errs (i32.add (local.get $errs) (call $clock (i32.const 1) (i64.const 1) (i32.const 64))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $errs)))`;

/** Calls measured per round: enough that an allocation of a few bytes per call fills the young generation. */
const N = 300_000;

const SCRIPT = `
import { Instance, Module, Wasi } from ${JSON.stringify(INDEX)};
const [, wasm, which, dir] = process.argv;
const module = new Module(Buffer.from(wasm, 'base64'));
const wasi = new Wasi({ args: ['guest', 'one'], env: {}, preopens: { '/': dir } });
const instance = new Instance(module, wasi.getImports(module));
wasi.initialize(instance);
const run = instance.raw.exports[which];
run(${N});
for (let round = 0; round < 3; round++) {
  globalThis.gc();
  console.log('BEGIN');
  const errors = run(${N});
  console.log('END ' + errors);
}
`;

const dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-wasi-alloc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fewest scavenges during one of three rounds of N calls of `which`, and the errnos they summed. */
function scavenges(
  bytes: Uint8Array,
  which: string,
  env: Record<string, string> = {},
): { count: number; errors: number } {
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--trace-gc',
      '--input-type=module',
      '-e',
      SCRIPT,
      Buffer.from(bytes).toString('base64'),
      which,
      dir,
    ],
    { encoding: 'utf8', env: { ...process.env, ...env } },
  );
  const rounds = out.split('BEGIN').slice(1);
  expect(rounds).toHaveLength(3);
  const counts = rounds.map((round) => (round.slice(0, round.indexOf('END')).match(/Scavenge/g) ?? []).length);
  const end = /END (\d+)/.exec(out);
  return { count: Math.min(...counts), errors: Number(end?.[1]) };
}

describe('WASI allocation per call', () => {
  it('allocates nothing for fd_fdstat_get, fd_prestat_get, args_sizes_get or a small random_get', async () => {
    const bytes = await wat(GUEST);
    for (const which of ['fdstat', 'prestat', 'args', 'random']) {
      const { count, errors } = scavenges(bytes, which);
      expect({ which, errors }).toEqual({ which, errors: 0 });
      expect({ which, count }).toEqual({ which, count: 0 });
    }
    const clock = scavenges(bytes, 'clock');
    expect(clock.errors).toBe(0);
    expect(clock.count).toBeGreaterThan(5);
  }, 120_000);
});

/** A loop of path_open of `sub/data.bin` (read-only) and fd_close of what it opened. */
const OPENER = `(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 128) "sub/data.bin")
  (func (export "_initialize"))
  (func (export "open") (param $n i32) (result i32) (local $errs i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $errs (i32.add (local.get $errs)
        (call $open (i32.const 3) (i32.const 0) (i32.const 128) (i32.const 12) (i32.const 0)
          (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 64))))
      (local.set $errs (i32.add (local.get $errs) (call $close (i32.load (i32.const 64)))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $errs)))`;

describe('WASI allocation per large random_get', () => {
  // Above the pool's 256 bytes a request is filled in place: by getrandom(2) through the addon,
  // where node:crypto's randomFillSync made a job object per call on Node 20 (Node 26's makes
  // none). The clock loop above shows the count sees a few bytes a call.
  it.runIf(nativeStatus().available)(
    'allocates nothing with the addon’s getrandom (needs the native addon)',
    async () => {
      const bytes = await wat(GUEST);
      const ours = scavenges(bytes, 'randomLarge');
      expect(ours.errors).toBe(0);
      expect(ours.count).toBe(0);
      // Without the addon, node:crypto's fill serves the same calls.
      expect(scavenges(bytes, 'randomLarge', { WASMER_TS_NATIVE: '0' }).errors).toBe(0);
    },
    120_000,
  );
});

describe('WASI allocation per path_open', () => {
  it.runIf(nativeStatus().available)(
    'makes under half the garbage of Node’s stats with the addon’s (needs the native addon)',
    async () => {
      mkdirSync(join(dir, 'sub'), { recursive: true });
      writeFileSync(join(dir, 'sub', 'data.bin'), 'x');
      const bytes = await wat(OPENER);
      const ours = scavenges(bytes, 'open');
      const node = scavenges(bytes, 'open', { WASMER_TS_NATIVE: '0' });
      expect(ours.errors).toBe(0);
      expect(node.errors).toBe(0);
      // Node's: about 3.8 KB a call, which fills the young generation every few thousand calls.
      expect(node.count).toBeGreaterThan(20);
      expect(ours.count).toBeLessThan(node.count / 2);
    },
    120_000,
  );
});

/**
 * Loops of fd_write and fd_read of 16 bytes on `sub/io.bin`, opened (for writing: created
 * and truncated) at the start of each call and closed at its end: preview1's calls without
 * an i64 argument, whose BigInt would be garbage of V8's whatever the host did.
 */
const FILE_IO = `(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 128) "sub/io.bin")
  ;; one iovec at 256: 16 bytes at 512
  (data (i32.const 256) "\\00\\02\\00\\00\\10\\00\\00\\00")
  (data (i32.const 512) "sixteen bytes..\\n")
  (func (export "_initialize"))
  (func $loop (param $n i32) (param $writing i32) (result i32) (local $errs i32) (local $fd i32)
    (local.set $errs
      (call $open (i32.const 3) (i32.const 0) (i32.const 128) (i32.const 10)
        (select (i32.const 9) (i32.const 0) (local.get $writing))
        (select (i64.const 64) (i64.const 2) (local.get $writing)) (i64.const 0) (i32.const 0) (i32.const 64)))
    (local.set $fd (i32.load (i32.const 64)))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (if (local.get $writing)
        (then (local.set $errs (i32.add (local.get $errs)
          (call $write (local.get $fd) (i32.const 256) (i32.const 1) (i32.const 68)))))
        (else (local.set $errs (i32.add (local.get $errs)
          (call $read (local.get $fd) (i32.const 256) (i32.const 1) (i32.const 68))))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (i32.add (local.get $errs) (call $close (local.get $fd))))
  (func (export "write") (param $n i32) (result i32) (call $loop (local.get $n) (i32.const 1)))
  (func (export "read") (param $n i32) (result i32) (call $loop (local.get $n) (i32.const 0))))`;

describe('WASI allocation per file read and write', () => {
  it.runIf(nativeStatus().available)(
    'allocates nothing for fd_write or fd_read of a file with the addon’s pwrite and pread, where Node’s writeSync makes garbage (needs the native addon)',
    async () => {
      mkdirSync(join(dir, 'sub'), { recursive: true });
      const bytes = await wat(FILE_IO);
      for (const which of ['write', 'read']) {
        const ours = scavenges(bytes, which);
        const node = scavenges(bytes, which, { WASMER_TS_NATIVE: '0' });
        expect({ which, errors: ours.errors, nodeErrors: node.errors }).toEqual({ which, errors: 0, nodeErrors: 0 });
        expect({ which, count: ours.count }).toEqual({ which, count: 0 });
        // writeSync: four scavenges a round on Nodes 20-26 (about 13 bytes a call); readSync: none.
        if (which === 'write') expect(node.count).toBeGreaterThan(0);
      }
    },
    120_000,
  );
});

/** A loop of path_filestat_get of a path four directories deep, `usr/include/c++/v1/algorithm`. */
const DEEP_STAT = `(module
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 128) "usr/include/c++/v1/algorithm")
  (func (export "_initialize"))
  (func (export "stat") (param $n i32) (result i32) (local $errs i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $errs (i32.add (local.get $errs)
        (call $stat (i32.const 3) (i32.const 1) (i32.const 128) (i32.const 28) (i32.const 512))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $errs)))`;

/** What V8's sampling heap profiler saw allocated (collected objects included), in bytes per call of `which`. */
const BYTES_SCRIPT = `
import inspector from 'node:inspector';
import { Instance, Module, Wasi } from ${JSON.stringify(INDEX)};
const [, wasm, which, dir] = process.argv;
const module = new Module(Buffer.from(wasm, 'base64'));
const wasi = new Wasi({ args: ['guest'], env: {}, preopens: { '/': dir } });
const instance = new Instance(module, wasi.getImports(module));
wasi.initialize(instance);
const run = instance.raw.exports[which];
run(20000);
const session = new inspector.Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) =>
  session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
await post('HeapProfiler.startSampling', {
  samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true,
});
const errors = run(50000);
const { profile } = await post('HeapProfiler.stopSampling', {});
let total = 0;
const sum = (node) => { total += node.selfSize; node.children.forEach(sum); };
sum(profile.head);
console.log(JSON.stringify({ errors, perCall: total / 50000 }));
`;

describe('WASI allocation per path walk', () => {
  // The walk stats each component in the directory it holds (the addon's statTypeIn joins the
  // path) and finds cached directory handles by parent and name, stamped on use rather than
  // moved in a Map: about 290 bytes a call here (the guest path, its components, the final
  // host path), where joined paths and the Map's rehashing made 920-1030.
  it.runIf(nativeStatus().available)(
    'makes under 450 bytes of garbage a path_filestat_get four directories deep (needs the native addon)',
    async () => {
      mkdirSync(join(dir, 'usr', 'include', 'c++', 'v1'), { recursive: true });
      writeFileSync(join(dir, 'usr', 'include', 'c++', 'v1', 'algorithm'), 'x');
      const bytes = await wat(DEEP_STAT);
      const out = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', BYTES_SCRIPT, Buffer.from(bytes).toString('base64'), 'stat', dir],
        { encoding: 'utf8' },
      );
      const { errors, perCall } = JSON.parse(out) as { errors: number; perCall: number };
      expect(errors).toBe(0);
      expect(perCall).toBeGreaterThan(0);
      expect(perCall).toBeLessThan(450);
    },
    120_000,
  );
});
