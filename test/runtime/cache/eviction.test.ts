// The cache's size limit: least recently used entries go first, "used" is the
// entry's mtime (set by a write and by every hit), and nothing the cache did
// not write is ever deleted.
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeArtifact } from '../../../src/runtime/engine/artifact.js';
import {
  compileWithCache,
  DEFAULT_CACHE_MAX_BYTES,
  engineKey,
  ModuleCache,
} from '../../../src/runtime/engine/cache/index.js';
import { compileOptimized, encodeArtifact } from '../../../src/runtime/engine/machine-code.js';
import { nativeStatus } from '../../../src/runtime/engine/native.js';
import { Module } from '../../../src/runtime/module.js';
import { wat } from '../../helpers/wat.js';
import { KERNEL_WAT, kernelWork, OTHER_WAT, runChild, tieredArtifact, waitForTurboFanCode } from './child.js';

const HOUR_S = 3600;
let root: string;
let kernel: Uint8Array;
let other: Uint8Array;
let counter = 0;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-evict-'));
  kernel = await wat(KERNEL_WAT);
  other = await wat(OTHER_WAT);
});

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = path.join(root, `cache-${counter++}`);
  mkdirSync(dir);
  return dir;
}

/** A file with an entry's name (for a made-up Wasm hash), `size` bytes, last used `ageS` seconds ago. */
function fakeEntry(dir: string, n: number, size: number, ageS: number): string {
  const file = path.join(dir, `${n.toString(16).padStart(64, '0')}-${engineKey()}.wasmu`);
  writeFileSync(file, new Uint8Array(size));
  const when = Date.now() / 1000 - ageS;
  utimesSync(file, when, when);
  return file;
}

const names = (dir: string) => readdirSync(dir).sort();

describe('size limit and least-recently-used eviction', () => {
  it('has a 2 GiB default and refuses a limit that is not a positive integer', async () => {
    expect(DEFAULT_CACHE_MAX_BYTES).toBe(2 * 1024 ** 3);
    expect(new ModuleCache(freshDir()).maxBytes).toBe(DEFAULT_CACHE_MAX_BYTES);
    for (const bad of [0, -1, 1.5, Number.NaN, '1GiB', 2 ** 60]) {
      expect(() => new ModuleCache(root, { maxBytes: bad as number })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
      );
      await expect(Module.from(kernel, { cacheDir: root, cacheMaxBytes: bad as number })).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
      });
    }
  });

  it('deletes the least recently used entries until the rest fit', async () => {
    const dir = freshDir();
    fakeEntry(dir, 1, 1000, 4 * HOUR_S);
    fakeEntry(dir, 2, 1000, 3 * HOUR_S);
    const recent = fakeEntry(dir, 3, 1000, 2 * HOUR_S);
    const newest = fakeEntry(dir, 4, 1000, 1 * HOUR_S);
    const cache = new ModuleCache(dir, { maxBytes: 2500 });
    expect(await cache.evict()).toEqual({ removed: 2, byteLength: 2000 });
    expect(names(dir)).toEqual([path.basename(recent), path.basename(newest)].sort());
    expect(await cache.evict()).toEqual({ removed: 0, byteLength: 0 });
    expect(await cache.evict(1000, newest)).toEqual({ removed: 1, byteLength: 1000 });
    expect(names(dir)).toEqual([path.basename(newest)]);
  });

  it('never deletes files the cache did not write, and removes temp files only once a writer must be dead', async () => {
    const dir = freshDir();
    const entry = fakeEntry(dir, 1, 1000, HOUR_S);
    const theirs = [
      'app.wasmu',
      'notes.txt',
      'x.tmp',
      'abc-0123.wasmu',
      `UPPER-${engineKey().toUpperCase()}.wasmu`,
      // What cache ls/clean take for a damaged entry; eviction, which nobody asked for, leaves it.
      `junk-${engineKey()}.wasmu`,
      `junk-${engineKey()}.wasmu.1.x.tmp`,
    ];
    for (const name of theirs) writeFileSync(path.join(dir, name), new Uint8Array(5000));
    mkdirSync(path.join(dir, `${'d'.repeat(64)}-${engineKey()}.wasmu`));
    spawnSync('mkfifo', [path.join(dir, `${'f'.repeat(64)}-${engineKey()}.wasmu`)]);
    symlinkSync('/dev/zero', path.join(dir, `${'e'.repeat(64)}-${engineKey()}.wasmu`));
    const staleTemp = `${path.basename(entry)}.123.abcdef.tmp`;
    const freshTemp = `${path.basename(entry)}.456.abcdef.tmp`;
    writeFileSync(path.join(dir, staleTemp), new Uint8Array(10));
    writeFileSync(path.join(dir, freshTemp), new Uint8Array(10));
    const twoHoursAgo = Date.now() / 1000 - 2 * HOUR_S;
    utimesSync(path.join(dir, staleTemp), twoHoursAgo, twoHoursAgo);
    utimesSync(path.join(dir, `junk-${engineKey()}.wasmu.1.x.tmp`), twoHoursAgo, twoHoursAgo);
    const before = names(dir);
    // A limit of one byte: everything the cache may delete goes.
    expect(await new ModuleCache(dir, { maxBytes: 1 }).evict()).toEqual({ removed: 2, byteLength: 1010 });
    expect(names(dir)).toEqual(before.filter((n) => n !== path.basename(entry) && n !== staleTemp));
    expect(lstatSync(path.join(dir, freshTemp)).isFile()).toBe(true);
  });

  it('a hit marks the entry as just used, so the other one is evicted first', async () => {
    const dir = freshDir();
    const cache = new ModuleCache(dir);
    // The kernel's code is this process's (it must load here); the other's is never loaded.
    const [a, b] = await Promise.all([tieredArtifact(kernel), compileOptimized(other).then((c) => c.artifact)]);
    const entryOf = (wasm: Uint8Array, artifact: Uint8Array) =>
      encodeArtifact({ wasm, machineCode: decodeArtifact(artifact).machineCode, includeWasm: false });
    const kernelFile = cache.fileFor(kernel);
    const otherFile = cache.fileFor(other);
    await cache.write(kernelFile, entryOf(kernel, a));
    await cache.write(otherFile, entryOf(other, b));
    // The kernel's entry was used long ago, the other's more recently.
    utimesSync(kernelFile, Date.now() / 1000 - 5 * HOUR_S, Date.now() / 1000 - 5 * HOUR_S);
    utimesSync(otherFile, Date.now() / 1000 - HOUR_S, Date.now() / 1000 - HOUR_S);
    const before = Date.now();
    const hit = await cache.get(kernel);
    expect(hit?.usedMachineCode).toBe(true);
    expect(statSync(kernelFile).mtimeMs).toBeGreaterThanOrEqual(before - 1000);
    const listed = await cache.list();
    expect(listed.map((e) => e.file)).toEqual([kernelFile, otherFile]); // most recently used first
    expect(listed[0]?.lastUsed.getTime()).toBe(statSync(kernelFile).mtime.getTime());
    await cache.evict(statSync(kernelFile).size);
    expect(names(dir)).toEqual([path.basename(kernelFile)]);
  });

  it.runIf(nativeStatus().available)('a fill evicts what no longer fits, never the entry it wrote', async () => {
    const dir = freshDir();
    fakeEntry(dir, 1, 40_000, 3 * HOUR_S);
    const kept = fakeEntry(dir, 2, 40_000, 2 * HOUR_S);
    const notices: string[] = [];
    const compiled = await compileWithCache(kernel, {
      dir,
      minRunMs: 0,
      maxBytes: 60_000,
      onNotice: (m) => notices.push(m),
    });
    const f = new WebAssembly.Instance(compiled.module, {}).exports.work as (n: number) => number;
    for (let i = 0; i < 200; i++) expect(f(20_000)).toBe(kernelWork(20_000));
    await waitForTurboFanCode(compiled.module, kernel);
    expect((await compiled.save()).kind).toBe('tiered');
    const written = new ModuleCache(dir).fileFor(kernel);
    expect(names(dir)).toEqual([path.basename(kept), path.basename(written)].sort());
    expect(notices).toEqual([]);
  });

  it.runIf(nativeStatus().available)('an entry larger than the limit by itself is not written', async () => {
    const dir = freshDir();
    const notices: string[] = [];
    const cache = new ModuleCache(dir, { maxBytes: 100, onNotice: (m) => notices.push(m) });
    const module = await WebAssembly.compile(kernel);
    const f = new WebAssembly.Instance(module, {}).exports.work as (n: number) => number;
    for (let i = 0; i < 200; i++) f(20_000);
    await waitForTurboFanCode(module, kernel);
    expect(await cache.put(module, kernel)).toEqual({ kind: 'none', machineCodeByteLength: 0 });
    expect(names(dir)).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^cache: not saved: the entry would take .*, more than the cache's size limit of 100 B$/,
    );
  });

  it('processes evicting at once agree: exactly the most recent entries that fit remain', async () => {
    const dir = freshDir();
    const files = Array.from({ length: 40 }, (_, i) => fakeEntry(dir, i + 1, 1000, (40 - i) * 60));
    const script = `
      const { ModuleCache } = await import(DIST + 'engine/cache/index.js');
      const r = await new ModuleCache(process.argv[1], { maxBytes: 10_500 }).evict();
      console.log(JSON.stringify(r));
    `;
    const results = await Promise.all(Array.from({ length: 4 }, () => runChild(script, [dir])));
    for (const r of results) expect(r.status, r.stderr).toBe(0);
    const removed = results.reduce((n, r) => n + JSON.parse(r.stdout).removed, 0);
    expect(removed).toBe(30); // each file is unlinked once; the processes that lost that race do not count it
    expect(names(dir)).toEqual(
      files
        .slice(30)
        .map((f) => path.basename(f))
        .sort(),
    );
  });
});
