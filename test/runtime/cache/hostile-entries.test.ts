// Files at an entry's name that the cache did not write: a FIFO (used to hang
// `run` forever), a symlink to /dev/zero (used to read without bound), a
// directory, a device, a file too large or unreadable. Each lookup must skip it
// with one notice, leave it in place, and compile from the Wasm, promptly. The
// lookups run in a child process with a time limit, so a regression fails the
// test instead of hanging it.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModuleCache } from '../../../src/runtime/engine/cache/index.js';
import { compileOptimized, encodeArtifact } from '../../../src/runtime/engine/machine-code.js';
import { nativeStatus } from '../../../src/runtime/engine/native.js';
import { IS_ROOT, NOBODY, nobodyCanRun } from '../../helpers/users.js';
import { wat } from '../../helpers/wat.js';
import { DIST, KERNEL_WAT, kernelWork, tieredArtifact } from './child.js';

const N = 1000;
let root: string;
let kernel: Uint8Array;
let kernelFile: string;
let counter = 0;
// As root the unreadable-entry test runs its lookup as `nobody`, who must be able to run this Node.
const isRoot = IS_ROOT;
const nobodyRunsNode = nobodyCanRun();

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-hostile-cache-'));
  // Traversable by everyone: one test reads the cache as an unprivileged user.
  chmodSync(root, 0o755);
  kernel = await wat(KERNEL_WAT);
  kernelFile = path.join(root, 'kernel.wasm');
  writeFileSync(kernelFile, kernel);
});

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

/** A fresh cache directory and the name the kernel's entry has in it. */
function freshEntry(): { dir: string; file: string } {
  const dir = path.join(root, `cache-${counter++}`);
  mkdirSync(dir, { mode: 0o755 });
  return { dir, file: new ModuleCache(dir).fileFor(kernel) };
}

interface Lookup {
  readonly fromCache: boolean;
  readonly result: number;
  readonly notices: string[];
  readonly file: string;
}

/** Compiles the kernel through the cache in `dir`, in a child with a time limit, and runs it. */
function lookUp(dir: string, options: { uid?: number; gid?: number; maxBytes?: number } = {}): Lookup {
  const script = `
    const { compileWithCache, ModuleCache } = await import(${JSON.stringify(`file://${DIST}engine/cache/index.js`)});
    const { readFileSync } = await import('node:fs');
    const [dir, wasmFile, maxBytes] = process.argv.slice(1);
    const wasm = new Uint8Array(readFileSync(wasmFile));
    const notices = [];
    const c = await compileWithCache(wasm, {
      dir, onNotice: (m) => notices.push(m), ...(maxBytes === '' ? {} : { maxBytes: Number(maxBytes) }),
    });
    const result = new WebAssembly.Instance(c.module, {}).exports.work(${N});
    console.log(JSON.stringify({ fromCache: c.fromCache, result, notices, file: new ModuleCache(dir).fileFor(wasm) }));
  `;
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script, dir, kernelFile, String(options.maxBytes ?? '')],
    {
      encoding: 'utf8',
      timeout: 20_000,
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
    },
  );
  expect(r.signal, 'the lookup hung and was killed').toBeNull();
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Lookup;
}

/** One lookup that skipped `file`: compiled from the Wasm, one notice saying why, the file left alone. */
function expectSkipped(lookup: Lookup, file: string, why: RegExp): void {
  expect(lookup.file).toBe(file);
  expect(lookup.fromCache).toBe(false);
  expect(lookup.result).toBe(kernelWork(N));
  expect(lookup.notices).toHaveLength(1);
  expect(lookup.notices[0]).toMatch(
    new RegExp(`^cache: skipped ${path.basename(file)} \\(${why.source}\\); compiled from the Wasm instead$`),
  );
}

describe.runIf(nativeStatus().available)('hostile files at an entry name', () => {
  it('a FIFO with no writer is skipped at once, not waited on', () => {
    const { dir, file } = freshEntry();
    const made = spawnSync('mkfifo', [file]);
    expect(made.status, made.stderr?.toString()).toBe(0);
    expectSkipped(lookUp(dir), file, /it is a FIFO, not a file the cache wrote/);
    expect(lstatSync(file).isFIFO()).toBe(true);
  });

  it('a symlink to /dev/zero is not followed', () => {
    const { dir, file } = freshEntry();
    symlinkSync('/dev/zero', file);
    expectSkipped(lookUp(dir), file, /it is a symbolic link, not a file the cache wrote/);
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
  });

  it('a symlink is not followed even to a sound entry (the cache never writes one)', async () => {
    const { dir, file } = freshEntry();
    const real = path.join(root, `real-${counter++}.wasmu`);
    writeFileSync(real, (await compileOptimized(kernel)).artifact);
    symlinkSync(real, file);
    expectSkipped(lookUp(dir), file, /it is a symbolic link, not a file the cache wrote/);
  });

  it('a directory is skipped', () => {
    const { dir, file } = freshEntry();
    mkdirSync(file);
    expectSkipped(lookUp(dir), file, /it is a directory, not a file the cache wrote/);
    expect(lstatSync(file).isDirectory()).toBe(true);
  });

  (isRoot ? it : it.skip)('a device is skipped (needs root for mknod)', () => {
    const { dir, file } = freshEntry();
    const made = spawnSync('mknod', [file, 'c', '1', '5']); // /dev/zero's numbers
    expect(made.status, made.stderr?.toString()).toBe(0);
    expectSkipped(lookUp(dir), file, /it is a device, not a file the cache wrote/);
    expect(lstatSync(file).isCharacterDevice()).toBe(true);
  });

  it('a file larger than the size limit is skipped without being read', () => {
    const { dir, file } = freshEntry();
    // 3 GiB, sparse: reading it would take seconds and 3 GiB of memory.
    const fd = openSync(file, 'w');
    closeSync(fd);
    spawnSync('truncate', ['-s', '3G', file]);
    expect(lstatSync(file).size).toBe(3 * 1024 ** 3);
    expectSkipped(lookUp(dir), file, /it is 3\.0 GiB, larger than the cache's size limit of 2\.0 GiB/);
    expect(lstatSync(file).size).toBe(3 * 1024 ** 3);
  });

  it('a sound entry larger than a lower size limit is skipped', async () => {
    const { dir, file } = freshEntry();
    // Code tiered up in this process: the child that looks it up has the same V8 flags, so it is used.
    const artifact = await tieredArtifact(kernel);
    writeFileSync(file, artifact);
    expectSkipped(lookUp(dir, { maxBytes: 100 }), file, /it is .*, larger than the cache's size limit of 100 B/);
    expect(readFileSync(file)).toEqual(Buffer.from(artifact));
    const again = lookUp(dir);
    expect(again.notices).toEqual([]);
    expect(again.fromCache).toBe(true); // with the default limit it is used
  });

  it.runIf(nobodyRunsNode)(
    'an unreadable entry is skipped (as an unprivileged user: root reads a chmod-000 file)',
    async () => {
      const { dir, file } = freshEntry();
      writeFileSync(file, (await compileOptimized(kernel)).artifact);
      chmodSync(file, 0o000);
      // The cache directory itself is writable only by us, so the child cannot replace the entry either.
      const lookup = isRoot ? lookUp(dir, NOBODY) : lookUp(dir);
      expectSkipped(lookup, file, /permission denied/);
      expect(lstatSync(file).mode & 0o777).toBe(0);
    },
  );

  it('a regular file whose size is not what its header declares is discarded', async () => {
    const { dir, file } = freshEntry();
    const entry = encodeArtifact({ wasm: kernel, includeWasm: false });
    writeFileSync(file, Buffer.concat([entry, Buffer.alloc(100)]));
    const lookup = lookUp(dir);
    expect(lookup).toMatchObject({ fromCache: false, result: kernelWork(N) });
    expect(lookup.notices).toEqual([
      `cache: discarded ${path.basename(file)} (the file has ${entry.length + 100} bytes, its header declares ${entry.length})`,
    ]);
    expect(() => lstatSync(file)).toThrow(/ENOENT/);
  });

  it('cache ls lists such files as invalid without opening a FIFO or following a link', async () => {
    const { dir, file } = freshEntry();
    spawnSync('mkfifo', [file]);
    const other = path.join(dir, `${'0'.repeat(64)}-${path.basename(file).split('-')[1]}`);
    symlinkSync('/dev/zero', other);
    const entries = await new ModuleCache(dir).list();
    expect(entries.map((e) => [e.file, e.valid, e.problem]).sort()).toEqual(
      [
        [file, false, 'a FIFO, not a file the cache wrote'],
        [other, false, 'a symbolic link, not a file the cache wrote'],
      ].sort(),
    );
  });
});
