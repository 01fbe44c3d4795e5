// The path resolver on its own: what it returns for each kind of path, and what it refuses.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERRNO } from '../../../src/runtime/wasi/constants.js';
import { isContainedTarget, type Resolved, resolvePath } from '../../../src/runtime/wasi/sandbox.js';

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
