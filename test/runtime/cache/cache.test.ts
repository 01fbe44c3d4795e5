import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeArtifact, readArtifactHeader } from '../../../src/runtime/engine/artifact.js';
import {
  compileWithCache,
  defaultCacheDir,
  engineKey,
  MIN_CODE_BYTES,
  ModuleCache,
  REFRESH_GROWTH,
} from '../../../src/runtime/engine/cache/index.js';
import { blake3Hex, sha256Hex } from '../../../src/runtime/engine/hash.js';
import { compileOptimized, encodeArtifact } from '../../../src/runtime/engine/machine-code.js';
import { nativeStatus } from '../../../src/runtime/engine/native.js';
import { asVersion2 } from '../../helpers/artifact-v2.js';
import { wat } from '../../helpers/wat.js';
import { KERNEL_WAT, kernelWork, OTHER_WAT, padded, runChild, tieredArtifact, waitForTurboFanCode } from './child.js';

const N = 20000;
let root: string;
let kernel: Uint8Array;
let other: Uint8Array;
let counter = 0;

function freshDir(): string {
  return path.join(root, `cache-${counter++}`);
}

function work(module: WebAssembly.Module, n: number): number {
  const { exports } = new WebAssembly.Instance(module, {});
  return (exports.work as (n: number) => number)(n);
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-cache-'));
  kernel = await wat(KERNEL_WAT);
  other = await wat(OTHER_WAT);
});

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

describe('defaultCacheDir', () => {
  it('uses $XDG_CACHE_HOME/wasmer-ts, else ~/.cache/wasmer-ts', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/wasmer-ts');
    expect(defaultCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/wasmer-ts');
    // The XDG spec says relative paths are invalid and must be ignored.
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/home/u' })).toBe('/home/u/.cache/wasmer-ts');
  });
});

describe('cache without machine code', () => {
  it('compiles normally and stores nothing when the cache is off', async () => {
    const compiled = await compileWithCache(kernel, { dir: null });
    expect(compiled.fromCache).toBe(false);
    expect(work(compiled.module, 10)).toBe(kernelWork(10));
    expect(await compiled.save()).toEqual({ kind: 'none', machineCodeByteLength: 0 });
  });

  it('never throws on an unusable directory', async () => {
    const file = path.join(root, 'a-file');
    writeFileSync(file, 'x');
    const notices: string[] = [];
    const cache = new ModuleCache(path.join(file, 'sub'), { onNotice: (m) => notices.push(m) });
    expect(await cache.get(kernel)).toBeNull();
    expect(await cache.list()).toEqual([]);
    expect(await cache.clean()).toEqual({ removed: 0, byteLength: 0 });
    const module = await WebAssembly.compile(kernel);
    // Calls, not one long one: V8 14.6 (Node 26) tiered nothing up after one or two calls of
    // work(20000), V8 11.3 after one (measured); without TurboFan code put() has nothing to save.
    for (let i = 0; i < 200; i++) work(module, N);
    // put() stores nothing (and so never tries the directory) until V8 has TurboFan code.
    await waitForTurboFanCode(module, kernel);
    await cache.put(module, kernel);
    if (nativeStatus().available) expect(notices.join('\n')).toMatch(/could not save/);
  });
});

describe.runIf(nativeStatus().available)('cache with machine code', () => {
  it('fills after a run from the code V8 tiered up, then a fresh process hits it', async () => {
    const dir = freshDir();
    // minRunMs: 0, so the fill does not hang on how long this took by the wall clock (the
    // MIN_RUN_MS rule has its own test below).
    const first = await compileWithCache(kernel, { dir, minRunMs: 0, source: '/apps/kernel.wasm' });
    expect(first.fromCache).toBe(false);
    const { exports } = new WebAssembly.Instance(first.module, {});
    const f = exports.work as (n: number) => number;
    // Enough calls for V8's dynamic tiering to optimize `work` (calls, not one long loop: no OSR in Wasm).
    for (let i = 0; i < 200; i++) f(N);
    await waitForTurboFanCode(first.module, kernel);
    const { kind, machineCodeByteLength: stored } = await first.save();
    expect(kind).toBe('tiered');
    expect(stored).toBeGreaterThan(0);
    const entries = await new ModuleCache(dir).list();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      wasmHash: blake3Hex(kernel),
      wasmByteLength: kernel.length,
      hasWasm: false,
      source: '/apps/kernel.wasm',
      machineCodeByteLength: stored,
      valid: true,
      problem: null,
      isCurrentEngine: true,
    });
    expect(entries[0]?.key).toBe(`${blake3Hex(kernel)}-${engineKey()}`);
    // No second copy of the Wasm: the entry is its header and the machine code.
    const header = readArtifactHeader(new Uint8Array(readFileSync(entries[0]!.file)));
    expect(entries[0]?.byteLength).toBe(header.dataOffset + stored);
    if (Number.parseInt(process.versions.v8, 10) === 11) {
      // $mix, work and twice; at least `work` was optimized, `twice` never ran.
      expect(entries[0]?.machineCode).toMatchObject({ functions: 4 });
      expect(entries[0]?.machineCode?.turbofan).toBeGreaterThan(0);
      expect(entries[0]?.machineCode?.turbofan).toBeLessThan(3);
    }

    const script = `
      const { compileWithCache } = await import(DIST + 'engine/cache/index.js');
      const { readFileSync } = await import('node:fs');
      const wasm = new Uint8Array(readFileSync(process.argv[2]));
      const c = await compileWithCache(wasm, { dir: process.argv[1], onNotice: (m) => console.error(m) });
      console.log(c.fromCache, new WebAssembly.Instance(c.module, {}).exports.work(${N}));
    `;
    const kernelFile = path.join(root, 'kernel.wasm');
    writeFileSync(kernelFile, kernel);
    const child = await runChild(script, [dir, kernelFile]);
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe(`true ${kernelWork(N)}\n`);
  });

  it('a released hit (the CLI hands its bytes over) detaches them once V8 has its copy, and the module keeps all it had', async () => {
    // A custom section: its payload is a view into the bytes, and must outlive their detach.
    const note = new TextEncoder().encode('kept after the detach');
    const name = new TextEncoder().encode('note');
    const withNote = Uint8Array.from([...kernel, 0, name.length + 1 + note.length, name.length, ...name, ...note]);
    const dir = freshDir();
    const first = await compileWithCache(withNote, { dir, minRunMs: 0 });
    for (let i = 0; i < 200; i++) work(first.module, N);
    await waitForTurboFanCode(first.module, withNote);
    expect((await first.save()).kind).toBe('tiered');
    const file = path.join(root, 'with-note.wasm');
    writeFileSync(file, withNote);
    const script = `
      const { Module, moduleFromOwnedBytes } = await import(DIST + 'module.js');
      const { decodeArtifact } = await import(DIST + 'engine/artifact.js');
      const { nativeAddon } = await import(DIST + 'engine/native.js');
      const { readdirSync, readFileSync } = await import('node:fs');
      const dir = process.argv[1];
      const read = () => new Uint8Array(readFileSync(process.argv[2]));
      const summary = (m) => ({
        work: m.instantiate().exports.work(${N}),
        bytes: m.bytes.length,
        same: Buffer.from(m.bytes).equals(read()),
        note: new TextDecoder().decode(m.customSections('note')[0]),
      });
      // The CLI's path: a hit detaches the bytes it was handed.
      const handed = read();
      const released = await moduleFromOwnedBytes(handed, { cacheDir: dir }, { release: true });
      // The library's: Module.from never touches the caller's bytes.
      const mine = read();
      const copied = await Module.from(mine, { cacheDir: dir });
      // The addon detaches only a buffer the view covers whole.
      const wasm = read();
      const entry = readdirSync(dir).find((f) => f.endsWith('.wasmu'));
      const { machineCode } = decodeArtifact(new Uint8Array(readFileSync(dir + '/' + entry)), { wasm, allowDamagedMachineCode: true });
      const pool = new Uint8Array(wasm.length + 8);
      pool.set(wasm, 4);
      const view = pool.subarray(4, 4 + wasm.length);
      const marker = {};
      const armed = nativeAddon().arm(marker, view, machineCode, true);
      const fromView = await WebAssembly.compileStreaming(marker);
      console.log(JSON.stringify({
        handedLeft: handed.byteLength,
        released: summary(released),
        mineLeft: mine.byteLength,
        copied: summary(copied),
        armed,
        accepted: marker.accepted,
        viewLeft: view.byteLength,
        fromView: new WebAssembly.Instance(fromView, {}).exports.work(${N}),
      }));
    `;
    const child = await runChild(script, [dir, file]);
    expect(child.stderr).toBe('');
    const kept = { work: kernelWork(N), bytes: withNote.length, same: true, note: 'kept after the detach' };
    expect(JSON.parse(child.stdout)).toEqual({
      handedLeft: 0,
      released: kept,
      mineLeft: withNote.length,
      copied: kept,
      armed: true,
      accepted: true,
      viewLeft: withNote.length,
      fromView: kernelWork(N),
    });
  });

  it('a hit whose run tiered up clearly more rewrites its entry, and one that did not leaves it', async () => {
    // Two hot loops exported apart: the first run makes only `a` hot, the second `b` too.
    const body = (k: number) => `(local $i i32) (local $h i32)
      (block $d (loop $l (br_if $d (i32.ge_u (local.get $i) (local.get 0)))
        (local.set $h (i32.add (i32.mul (local.get $h) (i32.const ${k})) (i32.xor (local.get $i) (i32.const ${k * 7}))))
        (local.set $h (i32.rotl (local.get $h) (i32.and (local.get $i) (i32.const 31))))
        (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
      (local.get $h)`;
    const twoLoops = await wat(
      padded(`(module
      (func (export "a") (param i32) (result i32) ${body(31)})
      (func (export "b") (param i32) (result i32) ${body(37)}))`),
    );
    const dir = freshDir();
    const wasmFile = path.join(root, 'two-loops.wasm');
    writeFileSync(wasmFile, twoLoops);
    // One process per run (V8 shares compiled code between modules of the same bytes in one
    // process): compile through the cache, make the named exports hot, wait for their TurboFan
    // code, save. Prints whether it hit, and what save() did.
    const script = `
      const { compileWithCache } = await import(DIST + 'engine/cache/index.js');
      const { serializeMachineCode } = await import(DIST + 'engine/machine-code.js');
      const { readFileSync } = await import('node:fs');
      const [dir, file, ...hot] = process.argv.slice(1);
      const wasm = new Uint8Array(readFileSync(file));
      const c = await compileWithCache(wasm, { dir, minRunMs: 0 });
      const { exports } = new WebAssembly.Instance(c.module, {});
      for (const name of hot) for (let i = 0; i < 300; i++) exports[name](20000);
      const want = hot.length;
      for (const t = Date.now(); Date.now() - t < 20000; await new Promise((r) => setTimeout(r, 20))) {
        const code = serializeMachineCode(c.module, wasm);
        if (code !== null && code.length > 0 && (want < 2 || code.length > 1.5 * Number(process.env.ONE ?? 0))) break;
      }
      const saved = await c.save();
      console.log(JSON.stringify({ fromCache: c.fromCache, kind: saved.kind, bytes: saved.machineCodeByteLength }));
    `;
    const run = async (hot: string[], env: Record<string, string> = {}) => {
      const child = await runChild(script, [dir, wasmFile, ...hot], { env });
      expect(child.stderr).toBe('');
      return JSON.parse(child.stdout) as { fromCache: boolean; kind: string; bytes: number };
    };
    const first = await run(['a']);
    expect(first).toMatchObject({ fromCache: false, kind: 'tiered' });
    const [entry] = await new ModuleCache(dir).list();
    expect(entry?.machineCodeByteLength).toBe(first.bytes);
    // Same work again: nothing new to store, the entry stays as it is.
    const same = await run(['a']);
    expect(same).toMatchObject({ fromCache: true, kind: 'none' });
    expect((await new ModuleCache(dir).list())[0]?.machineCodeByteLength).toBe(first.bytes);
    // Now `b` is hot too: the entry is rewritten with both.
    const more = await run(['a', 'b'], { ONE: String(first.bytes) });
    expect(more).toMatchObject({ fromCache: true, kind: 'tiered' });
    expect(more.bytes).toBeGreaterThan(first.bytes * REFRESH_GROWTH);
    expect((await new ModuleCache(dir).list())[0]?.machineCodeByteLength).toBe(more.bytes);
  });

  it('fills nothing after a run shorter than minRunMs', async () => {
    const dir = freshDir();
    const compiled = await compileWithCache(kernel, { dir, minRunMs: 60_000 });
    expect(work(compiled.module, 10)).toBe(kernelWork(10));
    expect(await compiled.save()).toEqual({ kind: 'none', machineCodeByteLength: 0 });
    expect(await new ModuleCache(dir).list()).toEqual([]);
  });

  it('treats a corrupt entry as a miss and deletes it', async () => {
    const dir = freshDir();
    const cache = new ModuleCache(dir);
    const artifact = await tieredArtifact(kernel);
    const file = cache.fileFor(kernel);
    await cache.write(file, artifact);
    expect(await cache.get(kernel)).toMatchObject({ usedMachineCode: true });
    const damaged = artifact.slice();
    damaged[damaged.length - 10]! ^= 0x40;
    writeFileSync(file, damaged);
    const notices: string[] = [];
    const noisy = new ModuleCache(dir, { onNotice: (m) => notices.push(m) });
    expect(await noisy.get(kernel)).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
    expect(notices[0]).toMatch(/discarded .*machine code/);
  });

  it('discards an entry that holds another module under this key', async () => {
    const dir = freshDir();
    const cache = new ModuleCache(dir);
    const { artifact } = await compileOptimized(other);
    await cache.write(cache.fileFor(kernel), artifact);
    expect(await cache.get(kernel)).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
    const compiled = await compileWithCache(kernel, { dir });
    expect(compiled.fromCache).toBe(false);
    expect(work(compiled.module, 100)).toBe(kernelWork(100));
  });

  it('lists and cleans entries', async () => {
    const dir = freshDir();
    const cache = new ModuleCache(dir);
    const a = await compileOptimized(kernel);
    const b = await compileOptimized(other);
    await cache.write(cache.fileFor(kernel), a.artifact);
    await cache.write(cache.fileFor(other), b.artifact);
    writeFileSync(path.join(dir, `junk-${engineKey()}.wasmu`), 'not an artifact');
    const entries = await cache.list();
    expect(entries).toHaveLength(3);
    expect(entries.filter((e) => e.valid).map((e) => e.wasmHash)).toEqual(
      expect.arrayContaining([blake3Hex(kernel), blake3Hex(other)]),
    );
    expect(entries.find((e) => !e.valid)?.wasmHash).toBeNull();
    const total = entries.reduce((n, e) => n + e.byteLength, 0);
    expect(await cache.clean()).toEqual({ removed: 3, byteLength: total });
    expect(await cache.list()).toEqual([]);
  });

  it('never uses an entry an older wasmer-ts named by SHA-256 (format 2); ls marks it, clean removes it', async () => {
    const dir = freshDir();
    const cache = new ModuleCache(dir);
    const { artifact } = await compileOptimized(kernel);
    const old = path.join(dir, `${sha256Hex(kernel)}-${engineKey()}.wasmu`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(old, asVersion2(artifact));
    expect(await cache.get(kernel)).toBeNull();
    expect(readFileSync(old)).toEqual(Buffer.from(asVersion2(artifact)));
    const [entry] = await cache.list();
    expect(entry).toMatchObject({ valid: false, wasmHash: sha256Hex(kernel) });
    expect(entry?.problem).toMatch(/^an older wasmer-ts wrote it, named by SHA-256/);
    expect((await cache.clean()).removed).toBe(1);
  });

  it('concurrent writers of one key never leave a torn entry for readers', async () => {
    const dir = freshDir();
    const { artifact } = await compileOptimized(kernel);
    const artifactFile = path.join(root, 'concurrent.wasmu');
    writeFileSync(artifactFile, artifact);
    const kernelFile = path.join(root, 'concurrent.wasm');
    writeFileSync(kernelFile, kernel);
    // Each writer rewrites the same entry many times; each reader reads it as fast as it can.
    const writer = `
      const { ModuleCache } = await import(DIST + 'engine/cache/index.js');
      const { readFileSync } = await import('node:fs');
      const cache = new ModuleCache(process.argv[1]);
      const wasm = new Uint8Array(readFileSync(process.argv[3]));
      const artifact = new Uint8Array(readFileSync(process.argv[2]));
      for (let i = 0; i < 40; i++) await cache.write(cache.fileFor(wasm), artifact);
      console.log('wrote');
    `;
    const reader = `
      const { decodeArtifact } = await import(DIST + 'engine/artifact.js');
      const { readFileSync } = await import('node:fs');
      const { ModuleCache } = await import(DIST + 'engine/cache/index.js');
      const wasm = new Uint8Array(readFileSync(process.argv[2]));
      const file = new ModuleCache(process.argv[1]).fileFor(wasm);
      // Reads for a second from the first entry it sees: the writers are node processes
      // starting alongside, which on a loaded machine can take longer than that.
      let seen = 0, bad = 0;
      const giveUp = Date.now() + 30000;
      let until = giveUp;
      while (Date.now() < until) {
        let bytes;
        try { bytes = new Uint8Array(readFileSync(file)); } catch { continue; }
        if (until === giveUp) until = Date.now() + 1000;
        try { if (decodeArtifact(bytes, { allowDamagedMachineCode: true }).machineCode === null) bad++; else seen++; } catch { bad++; }
      }
      console.log(seen, bad);
    `;
    const runs = [
      ...Array.from({ length: 4 }, () => runChild(writer, [dir, artifactFile, kernelFile])),
      runChild(reader, [dir, kernelFile]),
      runChild(reader, [dir, kernelFile]),
    ];
    const results = await Promise.all(runs);
    for (const r of results) expect(r.status, r.stderr).toBe(0);
    for (const r of results.slice(0, 4)) expect(r.stdout).toBe('wrote\n');
    for (const r of results.slice(4)) {
      const [seen, bad] = r.stdout.trim().split(' ').map(Number);
      expect(bad).toBe(0);
      expect(seen).toBeGreaterThan(0);
    }
    // One entry, valid, no temp files left behind.
    expect(readdirSync(dir)).toHaveLength(1);
    expect(decodeArtifact(new Uint8Array(readFileSync(path.join(dir, readdirSync(dir)[0]!)))).wasm).toEqual(kernel);
  });

  it('checks a module against the bytes given, unless compileWithCache compiled it from those very bytes', async () => {
    const dir = freshDir();
    const compiled = await compileWithCache(kernel, { dir, minRunMs: 0 });
    for (let i = 0; i < 200; i++) work(compiled.module, N);
    await waitForTurboFanCode(compiled.module, kernel);
    const cache = new ModuleCache(dir);
    // Other bytes, and the same bytes in another array: checked against V8's wire bytes.
    expect(await cache.put(compiled.module, other)).toEqual({ kind: 'none', machineCodeByteLength: 0 });
    expect((await cache.put(compiled.module, kernel.slice())).kind).toBe('tiered');
    await cache.clean();
    // The array it compiled: no check, and the hash taken before the compile names and fills the entry.
    const saved = await cache.put(compiled.module, kernel);
    expect(saved.kind).toBe('tiered');
    const [entry] = await cache.list();
    expect(entry).toMatchObject({ valid: true, wasmHash: blake3Hex(kernel), wasmByteLength: kernel.length });
    expect(entry?.machineCodeByteLength).toBe(saved.machineCodeByteLength);
  });

  it('does not store anything for a module compiled from other bytes', async () => {
    const cache = new ModuleCache(freshDir());
    const module = await WebAssembly.compile(other);
    expect(await cache.put(module, kernel)).toEqual({ kind: 'none', machineCodeByteLength: 0 });
    expect(await cache.list()).toEqual([]);
    expect(encodeArtifact({ wasm: kernel }).length).toBeGreaterThan(kernel.length);
  });
});

describe.runIf(nativeStatus().available)('modules with little code skip the cache (MIN_CODE_BYTES)', () => {
  it('neither reads nor fills an entry for a module with less code than the threshold', async () => {
    const dir = freshDir();
    const tiny = await wat('(module (func (export "f") (result i32) (i32.const 7)))');
    // A damaged entry where the tiny module's would be: a lookup reads it and says so.
    mkdirSync(dir, { recursive: true });
    writeFileSync(new ModuleCache(dir).fileFor(tiny), 'not an artifact');
    const notices: string[] = [];
    const skipped = await compileWithCache(tiny, { dir, minRunMs: 0, onNotice: (m) => notices.push(m) });
    expect(skipped.fromCache).toBe(false);
    expect(await skipped.save()).toMatchObject({ kind: 'none' });
    expect(notices).toEqual([]);
    // With the threshold at 0 the same module is looked up: the threshold alone kept it out.
    const looked = await compileWithCache(tiny, {
      dir,
      minRunMs: 0,
      minCodeBytes: 0,
      onNotice: (m) => notices.push(m),
    });
    expect(looked.fromCache).toBe(false);
    expect(notices).toHaveLength(1);
    expect(MIN_CODE_BYTES).toBe(4 * 1024);
  });
});
