// The path resolver on its own: what it returns for each kind of path, and what it refuses.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERRNO } from '../../../src/runtime/wasi/constants.js';
import {
  HANDLE_WALK,
  HandleCache,
  isContainedTarget,
  Resolution,
  type Resolved,
  resolvePath,
} from '../../../src/runtime/wasi/sandbox.js';

let top: string;
let root: string;
const held: Resolved[] = [];

beforeEach(() => {
  top = mkdtempSync(join(tmpdir(), 'wasmer-ts-resolve-'));
  root = join(top, 'root');
  mkdirSync(join(root, 'a', 'b'), { recursive: true });
  writeFileSync(join(root, 'a', 'b', 'f'), 'f');
  writeFileSync(join(top, 'outside'), 'o');
  symlinkSync('a/b', join(root, 'to_b'));
  symlinkSync('../../a', join(root, 'a', 'b', 'up'));
  symlinkSync('loop2', join(root, 'loop1'));
  symlinkSync('loop1', join(root, 'loop2'));
  symlinkSync('../outside', join(root, 'out'));
  symlinkSync('f/', join(root, 'a', 'b', 'f_slash'));
});
afterEach(() => {
  for (const r of held.splice(0)) r.release();
  rmSync(top, { recursive: true, force: true });
});

function resolve(path: string, follow = false, stripTrailingSlash = false): Resolved | number {
  const r = resolvePath(root, path, { follow, stripTrailingSlash });
  if (typeof r !== 'number') held.push(r);
  return r;
}

function shape(r: Resolved | number) {
  return typeof r === 'number' ? r : { name: r.name, depth: r.depth, trailingSlash: r.trailingSlash };
}

describe('resolvePath', () => {
  it('walks plain, dotted and doubled-slash paths', () => {
    expect(shape(resolve('a/b/f'))).toEqual({ name: 'f', depth: 2, trailingSlash: false });
    expect(shape(resolve('./a//b/./f'))).toEqual({ name: 'f', depth: 2, trailingSlash: false });
    expect(shape(resolve('a/b/..'))).toEqual({ name: null, depth: 1, trailingSlash: false });
    expect(shape(resolve('.'))).toEqual({ name: null, depth: 0, trailingSlash: false });
  });

  it('follows symlinks in the middle, and at the end only when asked', () => {
    expect(shape(resolve('to_b/f'))).toEqual({ name: 'f', depth: 2, trailingSlash: false });
    expect(shape(resolve('to_b'))).toEqual({ name: 'to_b', depth: 0, trailingSlash: false });
    expect(shape(resolve('to_b', true))).toEqual({ name: 'b', depth: 1, trailingSlash: false });
    // A trailing slash means "a directory": it follows the link.
    expect(shape(resolve('to_b/'))).toEqual({ name: null, depth: 2, trailingSlash: false });
    expect(shape(resolve('a/b/up/b/f'))).toEqual({ name: 'f', depth: 2, trailingSlash: false });
  });

  it('reports a stripped trailing slash for operations that need a name', () => {
    expect(shape(resolve('a/b/', false, true))).toEqual({ name: 'b', depth: 1, trailingSlash: true });
  });

  it('refuses escapes, loops, NUL bytes and empty paths with the right errno', () => {
    expect(resolve('..')).toBe(ERRNO.NOTCAPABLE);
    expect(resolve('a/../..')).toBe(ERRNO.NOTCAPABLE);
    expect(resolve('/a')).toBe(ERRNO.NOTCAPABLE);
    expect(resolve('out', true)).toBe(ERRNO.NOTCAPABLE);
    expect(resolve('out/x')).toBe(ERRNO.NOTCAPABLE);
    expect(resolve('loop1', true)).toBe(ERRNO.LOOP);
    expect(resolve('a\0b')).toBe(ERRNO.ILSEQ);
    expect(resolve('')).toBe(ERRNO.NOENT);
    expect(resolve('missing/x')).toBe(ERRNO.NOENT);
    expect(resolve('a/b/f/x')).toBe(ERRNO.NOTDIR);
    expect(resolve('a/b/f_slash', true)).toBe(ERRNO.NOTDIR);
  });

  it('gives paths that name the right host entries', () => {
    const r = resolve('to_b/f');
    expect(typeof r).toBe('object');
    expect(readFileSync((r as Resolved).host, 'utf8')).toBe('f');
  });
});

describe('isContainedTarget', () => {
  it('allows leading .. up to the link depth, nothing absolute and no .. after a name', () => {
    expect(isContainedTarget('x', 0)).toBe(true);
    expect(isContainedTarget('./x/y', 0)).toBe(true);
    expect(isContainedTarget('../x', 1)).toBe(true);
    expect(isContainedTarget('../../x', 1)).toBe(false);
    expect(isContainedTarget('../x', 0)).toBe(false);
    expect(isContainedTarget('/etc/passwd', 5)).toBe(false);
    expect(isContainedTarget('z/..', 3)).toBe(false);
    expect(isContainedTarget('..', 1)).toBe(true);
  });
});

describe.runIf(HANDLE_WALK)('the directory handle cache (Linux, /proc/self/fd)', () => {
  /** Resolves `path` below `root` through `cache`, and what the walk handed back to be closed. */
  function walk(cache: HandleCache, path: string): { host: string; retired: string[] } {
    const r = resolvePath(root, path, { follow: false }, cache, new Resolution());
    if (typeof r === 'number') throw new Error(`resolvePath gave errno ${r}`);
    held.push(r);
    // A handle the walk retired names, through /proc, the directory it was opened on.
    const retired = (r as Resolution).handles.map((fd) => readlinkSync(`/proc/self/fd/${fd}`));
    return { host: r.host, retired };
  }

  it('walks again through the handles it keeps, and not through one whose directory was replaced', () => {
    const cache = new HandleCache();
    try {
      expect(readFileSync(walk(cache, 'a/b/f').host, 'utf8')).toBe('f');
      const again = walk(cache, 'a/b/f');
      expect(again.retired).toEqual([]);
      expect(readFileSync(again.host, 'utf8')).toBe('f');
      // `a` renamed away and a new `a/b/f` made: the cached handles name the old directories.
      renameSync(join(root, 'a'), join(root, 'a_old'));
      mkdirSync(join(root, 'a', 'b'), { recursive: true });
      writeFileSync(join(root, 'a', 'b', 'f'), 'new');
      const after = walk(cache, 'a/b/f');
      expect(readFileSync(after.host, 'utf8')).toBe('new');
      // The walk found the new `a` by lstat and retired the old one's handle; the old `b`'s is
      // keyed below that handle, which no walk enters again, and leaves when the cache is full.
      expect(after.retired).toEqual([join(root, 'a_old')]);
      expect(walk(cache, 'a/b/f').retired).toEqual([]);
    } finally {
      cache.clear();
    }
  });

  it('gives up the least recently used handle when full, whatever order they were opened in', () => {
    for (const d of ['d1', 'd2', 'd3']) mkdirSync(join(root, d));
    const cache = new HandleCache(2);
    try {
      walk(cache, 'd1/x');
      walk(cache, 'd2/x');
      expect(walk(cache, 'd1/x').retired).toEqual([]); // a hit: d1 is now the newer
      expect(walk(cache, 'd3/x').retired).toEqual([join(root, 'd2')]);
      expect(walk(cache, 'd1/x').retired).toEqual([]);
      expect(walk(cache, 'd2/x').retired).toEqual([join(root, 'd3')]);
    } finally {
      cache.clear();
    }
  });
});
